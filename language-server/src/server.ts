// Wires LSP requests to the features. Nothing here knows the language: each feature is a plain
// function in features/, the two-stage diagnostics live in DiagnosticsScheduler.ts and history
// hit counts in HitCounts.ts. Every handler is guarded: whatever a document holds, a failing
// request is logged and answered with nothing, and the server carries on.
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatReport, LineIndex } from '@axiru/compiler';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticsScheduler, type CheckState } from './DiagnosticsScheduler.js';
import { DocumentStore } from './DocumentStore.js';
import type { PolicyDocument } from './PolicyDocument.js';
import { codeActions } from './features/codeActions.js';
import { codeLenses } from './features/codeLenses.js';
import { completion } from './features/completion.js';
import { documentSymbols } from './features/documentSymbols.js';
import { foldingRanges } from './features/foldingRanges.js';
import { formatting } from './features/formatting.js';
import { hover } from './features/hover.js';
import { definition, documentHighlights, prepareRename, references, rename } from './features/navigation.js';
import { NO_NAMES, policyNames } from './features/policyNames.js';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './features/semanticTokens.js';
import { HitCounts } from './HitCounts.js';
import { InlineJobRunner, WorkerJobRunner, type JobRunner } from './JobRunner.js';
import { DEFAULT_SETTINGS, historyPaths, readSettings, type AxiruSettings } from './settings.js';

/** Commands the server runs (`workspace/executeCommand`). The extension's commands call them. */
export const SERVER_COMMANDS = {
  compile: 'axiru.server.compile',
  runExamples: 'axiru.server.runExamples',
  replay: 'axiru.server.replay',
} as const;

/** `axiru/status`: where checking a version stands (see DiagnosticsScheduler.ts), and replays. */
export const STATUS_NOTIFICATION = 'axiru/status';

export interface StatusParams {
  readonly uri: string;
  /** The document version checked; null for a replay (it follows the IR, not a version). */
  readonly version: number | null;
  readonly state: CheckState | 'replayed';
  readonly durationMs?: number;
  /** For check states: whether this version's diagnostics are final. */
  readonly final?: boolean;
  /** For `replayed`: refunds replayed. */
  readonly refunds?: number;
}

export interface ServerOptions {
  /** The worker script for analysis and replay; null runs them inline (tests, hosts without workers). */
  readonly worker: URL | null;
}

/** Tunables a client may pass in `initializationOptions` (the benchmark sets them; editors need not). */
export interface InitializationOptions {
  readonly checkDelay?: number;
  readonly compileDelay?: number;
  readonly analysisDelay?: number;
  readonly historyDelay?: number;
  /** Settings for clients without `workspace/configuration`. */
  readonly settings?: AxiruSettings;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const log = (message: string) => connection.console.error(message);
  const texts = new TextDocuments(TextDocument);
  const store = new DocumentStore(texts);
  const runner = (stopOnCancel: boolean): JobRunner => (options.worker ? new WorkerJobRunner(options.worker, log, stopOnCancel) : new InlineJobRunner());
  // Analysis and replay each have their own worker, so a long analysis never delays hit counts.
  // The history worker is never stopped: it keeps the history between replays. Nor is the
  // analysis worker: it keeps the answers of earlier analyses (compiler ShadowMemo.ts), so an
  // analysis after an edit redoes only the rules the edit can affect, while a fresh worker would
  // start cold and redo them all; a cancelled analysis stops at the next rule (JobRunner.ts).
  const analysisRunner = runner(false);
  const historyRunner = runner(false);

  let workspaceFolders: string[] = [];
  let supportsConfiguration = false;
  let supportsLensRefresh = false;
  let supportsWatchRegistration = false;
  let supportsRelativePatterns = false;
  let initSettings: AxiruSettings = DEFAULT_SETTINGS;
  const settingsCache = new Map<string, Promise<AxiruSettings>>();
  let watcher: { dispose(): void } | null = null;
  let watched = '';

  const settingsFor = (uri: string): Promise<AxiruSettings> => {
    let settings = settingsCache.get(uri);
    if (!settings) {
      settings = supportsConfiguration
        ? connection.workspace.getConfiguration({ scopeUri: uri, section: 'axiru' }).then(readSettings, () => initSettings)
        : Promise.resolve(initSettings);
      settingsCache.set(uri, settings);
    }
    return settings;
  };

  const refreshLenses = () => {
    if (supportsLensRefresh) connection.sendRequest(CodeLensRefreshRequest.type).catch((error: unknown) => log(`code lens refresh failed: ${String(error)}`));
  };
  const status = (params: StatusParams) => void connection.sendNotification(STATUS_NOTIFICATION, params);

  let hitCounts!: HitCounts;
  let scheduler!: DiagnosticsScheduler;

  /** Watches the configured history files through the client, which sees every change. */
  const updateWatchers = () => {
    if (!supportsWatchRegistration) return;
    const paths = hitCounts.watchedPaths().sort();
    const key = paths.join('\n');
    if (key === watched) return;
    watched = key;
    watcher?.dispose();
    watcher = null;
    if (paths.length === 0) return;
    // History files may live outside the workspace: a pattern relative to each file's folder.
    const watchers = paths.map((path) => ({
      globPattern: supportsRelativePatterns ? { baseUri: pathToFileURL(dirname(path)).href, pattern: basename(path) } : path,
    }));
    connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers })
      .then((disposable) => (watcher = disposable), (error: unknown) => log(`watching the history files failed: ${String(error)}`));
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    initSettings = readSettings(init.settings);
    workspaceFolders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    supportsConfiguration = params.capabilities.workspace?.configuration === true;
    supportsLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    supportsWatchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    supportsRelativePatterns = params.capabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;

    hitCounts = new HitCounts({
      runner: historyRunner,
      historyPaths: async (uri) => historyPaths(await settingsFor(uri), uri, workspaceFolders),
      changed: () => {
        refreshLenses();
        updateWatchers();
      },
      replayed: (uri, durationMs, report) => status({ uri, version: null, state: 'replayed', durationMs, refunds: report.refunds }),
      log,
      delay: init.historyDelay ?? 500,
    });
    scheduler = new DiagnosticsScheduler({
      store,
      runner: analysisRunner,
      publish: (uri, version, diagnostics) => void connection.sendDiagnostics({ uri, version, diagnostics }),
      status: (event) => status(event),
      // Editors ask for lenses again after an edit by themselves; a refresh is only needed
      // when the counts change on their own (HitCounts `changed`).
      checked: (document) => hitCounts.checked(document),
      log,
      checkDelay: init.checkDelay ?? 0,
      compileDelay: init.compileDelay ?? 100,
      analysisDelay: init.analysisDelay ?? 150,
    });

    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [' ', '[', ','] },
        hoverProvider: true,
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: Object.values(SERVER_COMMANDS) },
      },
      serverInfo: { name: 'axiru-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'axiru' }).catch(() => {});
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    const settings = (change.settings as { axiru?: unknown } | null)?.axiru;
    if (!supportsConfiguration && settings !== undefined) initSettings = readSettings(settings);
    hitCounts.configurationChanged();
  });

  connection.onDidChangeWatchedFiles((change) => {
    const paths = change.changes.flatMap((c) => (c.uri.startsWith('file:') ? [fileURLToPath(c.uri)] : []));
    hitCounts.filesChanged(paths);
  });

  texts.onDidOpen((event) => scheduler.changed(event.document.uri));
  texts.onDidChangeContent((event) => scheduler.changed(event.document.uri));
  texts.onDidClose((event) => {
    const uri = event.document.uri;
    scheduler.closed(uri);
    hitCounts.closed(uri);
    store.close(uri);
    settingsCache.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  /** Answers from the current version; an exception is logged and answered with `fallback`. */
  function guard<P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, handler: (document: PolicyDocument, params: P) => R) {
    return (params: P): R => {
      try {
        const document = store.current(params.textDocument.uri);
        return document ? handler(document, params) : fallback;
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        log(`${name} failed on ${params.textDocument.uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return fallback;
      }
    };
  }

  connection.onCompletion((params) => {
    try {
      const uri = params.textDocument.uri;
      const current = store.text(uri);
      if (!current) return [];
      // The grammar reads the current text; names come from the latest compile, whatever its version.
      const latest = store.latest(uri) ?? store.current(uri);
      const lines = latest?.version === current.version ? latest.lines : new LineIndex(current.text);
      return completion(current.text, lines.offsetAt(params.position), lines, latest ? policyNames(latest) : NO_NAMES);
    } catch (error) {
      log(`completion failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return [];
    }
  });
  connection.onHover(guard('hover', null, (document, params) => hover(document, params.position, hitCounts.view(document.uri))));
  connection.onDocumentSymbol(guard('documentSymbol', [], (document) => documentSymbols(document)));
  connection.onDefinition(guard('definition', [], (document, params) => definition(document, params.position)));
  connection.onReferences(guard('references', [], (document, params) => references(document, params.position, params.context.includeDeclaration)));
  connection.onDocumentHighlight(guard('documentHighlight', [], (document, params) => documentHighlights(document, params.position)));
  connection.onPrepareRename(guard('prepareRename', null, (document, params) => prepareRename(document, params.position)));
  connection.onRenameRequest(guard('rename', null, (document, params) => rename(document, params.position, params.newName)));
  connection.onDocumentFormatting(guard('formatting', [], (document) => formatting(document)));
  connection.onFoldingRanges(guard('foldingRanges', [], (document) => foldingRanges(document)));
  connection.languages.semanticTokens.on(guard('semanticTokens', { data: [] }, (document) => semanticTokens(document)));
  connection.onCodeAction(guard('codeAction', [], (document, params) => codeActions(document, params.range, params.context.diagnostics)));
  connection.onCodeLens(guard('codeLens', [], (document) => codeLenses(document, hitCounts.view(document.uri))));

  connection.onExecuteCommand(async (params) => {
    const uri = typeof params.arguments?.[0] === 'string' ? params.arguments[0] : null;
    if (!uri || !store.text(uri)) throw new ResponseError(ErrorCodes.InvalidParams, `${params.command} needs the URI of an open policy`);
    switch (params.command) {
      case SERVER_COMMANDS.compile: {
        const document = store.current(uri)!;
        const result = await analysisRunner.run({ kind: 'analyse', text: document.text, uri }).promise;
        return {
          ir: result.ir,
          diagnostics: result.diagnostics.map((d) => ({ ...d, range: document.rangeOf(d.span) })),
        };
      }
      case SERVER_COMMANDS.runExamples: {
        const document = store.current(uri)!;
        return {
          compiled: document.compiled.ir !== null,
          examples: document.compiled.examples.map((e) => ({
            name: e.name,
            line: document.positionAt(e.span.start).line + 1,
            passed: e.passed,
            expected: e.expected,
            actual: { outcome: e.actual.outcome, rule: e.actual.matched_rule, reason: e.actual.reason },
          })),
        };
      }
      case SERVER_COMMANDS.replay: {
        const report = await hitCounts.report(uri);
        const view = hitCounts.view(uri);
        const message = view.state === 'unconfigured' ? 'set axiru.history to a Stripe refund history (CSV or JSONL)' : view.state === 'failed' || view.state === 'unavailable' ? view.message : null;
        // The same text as `axiru replay` prints.
        return { report, text: report ? formatReport(report) : null, message };
      }
      default:
        throw new ResponseError(ErrorCodes.MethodNotFound, `unknown command ${params.command}`);
    }
  });

  // Registrations end with the session: nothing to unregister.
  connection.onShutdown(() => {
    scheduler?.dispose();
    hitCounts?.dispose();
    analysisRunner.dispose();
    historyRunner.dispose();
  });

  texts.listen(connection);
  connection.listen();
}
