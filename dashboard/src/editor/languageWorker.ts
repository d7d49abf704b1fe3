// The language worker: the editor's language service (PolicyLanguageService.ts) off the main
// thread. Updates that arrive while a check runs queue up; the next check reads only the latest
// text, so a burst of typing costs one check per check's duration, not one per keystroke. The
// compile stage waits for a pause in typing (COMPILE_DELAY_MS), as in the language server.
import type { Diagnostic } from '@axiru/compiler/language';
import { PolicyLanguageService } from './PolicyLanguageService';
import type { FromWorker, Request, Results, ToWorker } from './protocol';

const COMPILE_DELAY_MS = 150;

const service = new PolicyLanguageService();
let checkTimer: ReturnType<typeof setTimeout> | null = null;
let compileTimer: ReturnType<typeof setTimeout> | null = null;

const post = (message: FromWorker): void => self.postMessage(message);

function check(): void {
  checkTimer = null;
  const report = service.check();
  post({ kind: 'diagnostics', report });
  if (report.final) return;
  const version = report.version;
  compileTimer = setTimeout(() => {
    compileTimer = null;
    if (service.currentVersion === version) post({ kind: 'diagnostics', report: service.compile() });
  }, COMPILE_DELAY_MS);
}

function answer(request: Request): Results[Request['method']] {
  switch (request.method) {
    case 'completion':
      return service.completion(request.offset);
    case 'hover':
      return service.hover(request.offset);
    case 'format':
      return service.format();
    case 'tokens':
      return service.tokens();
    case 'prepareRename':
      return service.prepareRename(request.offset);
    case 'rename':
      return service.rename(request.offset, request.newName);
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.kind) {
    case 'update':
      service.update(message.version, message.text);
      if (compileTimer) clearTimeout(compileTimer);
      compileTimer = null;
      // A timer, not a microtask: messages already queued (more keystrokes) are handled first.
      checkTimer ??= setTimeout(check, 0);
      return;
    case 'analysed': {
      const report = service.analysed(message.version, message.diagnostics as Diagnostic[]);
      if (report) post({ kind: 'diagnostics', report });
      return;
    }
    case 'request': {
      const { id, request } = message;
      if (request.version !== service.currentVersion) {
        post({ kind: 'response', id, error: 'stale' });
        return;
      }
      try {
        post({ kind: 'response', id, result: answer(request) });
      } catch (error) {
        post({ kind: 'response', id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
};
