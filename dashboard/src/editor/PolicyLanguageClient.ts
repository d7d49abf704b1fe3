// The editor's side of the language worker: sends every version of the text, receives
// diagnostics as they get more complete, and answers requests (completion, hover, format,
// rename, tokens) as promises. The static analysis runs in a worker of its own, started after a
// pause in typing for a version without errors and terminated as soon as a newer version
// arrives, so that a long analysis never holds back the next keystroke's diagnostics.
import type { DiagnosticsReport, FromWorker, Request, Results, ToWorker } from './protocol';

const ANALYSIS_DELAY_MS = 400;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class PolicyLanguageClient {
  private readonly worker: Worker;
  private analysis: Worker | null = null;
  private analysisTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private version = 0;
  private text = '';
  private readonly listeners = new Set<(report: DiagnosticsReport) => void>();
  /** The newest report received, for listeners that subscribe late (and for tests). */
  latest: DiagnosticsReport | null = null;

  constructor() {
    this.worker = new Worker(new URL('./languageWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.received(event.data);
  }

  get currentVersion(): number {
    return this.version;
  }

  onDiagnostics(listener: (report: DiagnosticsReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(text: string): number {
    this.version += 1;
    this.text = text;
    this.stopAnalysis();
    this.send({ kind: 'update', version: this.version, text });
    return this.version;
  }

  request<M extends Request['method']>(request: Extract<Request, { method: M }> extends infer R ? Omit<R, 'version'> & { method: M } : never): Promise<Results[M]> {
    const id = this.nextId++;
    return new Promise<Results[M]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.send({ kind: 'request', id, request: { ...request, version: this.version } as Request });
    });
  }

  dispose(): void {
    this.stopAnalysis();
    this.worker.terminate();
    for (const pending of this.pending.values()) pending.reject(new Error('the editor was closed'));
    this.pending.clear();
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private received(message: FromWorker): void {
    if (message.kind === 'response') {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!pending) return;
      if (message.error !== undefined) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
      return;
    }
    const report = message.report;
    if (report.version !== this.version) return; // superseded while on its way
    this.latest = report;
    for (const listener of this.listeners) listener(report);
    if (report.analyse && !this.analysisTimer && !this.analysis) this.scheduleAnalysis(report.version);
  }

  private scheduleAnalysis(version: number): void {
    this.analysisTimer = setTimeout(() => {
      this.analysisTimer = null;
      if (version !== this.version) return;
      const worker = new Worker(new URL('./analysisWorker.ts', import.meta.url), { type: 'module' });
      this.analysis = worker;
      worker.onmessage = (event: MessageEvent<{ version: number; diagnostics: unknown[] }>) => {
        worker.terminate();
        if (this.analysis === worker) this.analysis = null;
        if (event.data.version === this.version) this.send({ kind: 'analysed', version: event.data.version, diagnostics: event.data.diagnostics });
      };
      worker.postMessage({ version, text: this.text });
    }, ANALYSIS_DELAY_MS);
  }

  private stopAnalysis(): void {
    if (this.analysisTimer) clearTimeout(this.analysisTimer);
    this.analysisTimer = null;
    this.analysis?.terminate();
    this.analysis = null;
  }
}
