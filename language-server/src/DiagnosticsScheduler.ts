// Diagnostics as you type, in three stages.
//
// 1. Check: the parse (only the items an edit touched, DocumentStore.ts) and the syntax-tree
//    checks, published as soon as the edits already received are applied. A check is
//    synchronous, so edits typed during one queue up; the next check waits until the protocol
//    has applied every queued edit (it yields to the event loop until a turn passes with no new
//    edit) and then checks the latest text once. A burst of typing thus costs one check per
//    check's duration, not one per keystroke, and adds no fixed delay. `checkDelay` can also
//    space checks apart (default 0). With errors, these diagnostics are final.
// 2. Compile, after `compileDelay` of quiet (default 100 ms) and only if no newer edit came: the
//    IR, its hash and the `example` runs (PolicyDocument `compiled`), tens of milliseconds on a
//    large policy. Waiting for a pause keeps that work out of the way of the next keystroke's
//    check while typing. Failing examples are published then, as a second set; the hit counts
//    follow the new IR.
// 3. Analyse: the rule analysis of stage 2's IR (vacuous and shadowed rules, currency gaps),
//    which takes seconds on a large policy, runs in a worker once `analysisDelay` of quiet has
//    passed since the check, only for a version that compiled to IR (otherwise the compiler
//    skips the analysis too, so the diagnostics so far are final), and any newer edit cancels
//    it. Its findings and stage 2's result make compile()'s (finishAnalysis: the impossible
//    conditions are checked then, the IR is not emitted again), so the diagnostics published
//    then are exactly the CLI's.
//
// Each stage reports its state through `status`, so an editor can show "analysing…" and tests
// and the benchmark know when a version's diagnostics are final.
import type { Diagnostic } from 'vscode-languageserver';
import type { DocumentStore } from './DocumentStore.js';
import { toLspDiagnostics } from './features/diagnostics.js';
import { Cancelled, type JobRunner, type Task } from './JobRunner.js';
import { finishAnalysis, type RuleAnalysis } from '@axiru/compiler';
import type { PolicyDocument } from './PolicyDocument.js';

export type CheckState = 'checked' | 'compiled' | 'analysing' | 'analysed';

export interface StatusEvent {
  readonly uri: string;
  readonly version: number;
  readonly state: CheckState;
  /** How long the stage took, in milliseconds. */
  readonly durationMs?: number;
  /** Whether the diagnostics published for this version are final. */
  readonly final: boolean;
}

export interface DiagnosticsSchedulerOptions {
  readonly store: DocumentStore;
  readonly runner: JobRunner;
  readonly publish: (uri: string, version: number, diagnostics: Diagnostic[]) => void;
  readonly status?: (event: StatusEvent) => void;
  /** Called with each newly checked version (code lenses and hit counts follow the policy). */
  readonly checked?: (document: PolicyDocument) => void;
  readonly log?: (message: string) => void;
  /** Least time between the starts of two checks of a document, in milliseconds. */
  readonly checkDelay: number;
  /** Quiet time after a check before the IR and examples are compiled, in milliseconds. */
  readonly compileDelay: number;
  /** Quiet time after the last edit before the analysis starts, in milliseconds. */
  readonly analysisDelay: number;
  readonly now?: () => number;
}

interface DocumentState {
  /** A check is coming; it reads whatever the text is by then. */
  checkPending: boolean;
  checkTimer: NodeJS.Timeout | null;
  closed: boolean;
  lastCheck: number;
  compileTimer: NodeJS.Timeout | null;
  analysisTimer: NodeJS.Timeout | null;
  analysis: Task<RuleAnalysis> | null;
}

export class DiagnosticsScheduler {
  private readonly states = new Map<string, DocumentState>();
  private readonly now: () => number;
  /** Edits seen, all documents together: how a check knows the protocol has more to apply. */
  private edits = 0;

  constructor(private readonly options: DiagnosticsSchedulerOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** The document was opened or changed. */
  changed(uri: string): void {
    this.edits++;
    const state = this.stateOf(uri);
    this.cancelAnalysis(state);
    if (state.compileTimer) clearTimeout(state.compileTimer);
    state.compileTimer = null;
    if (state.checkPending) return; // a check is already coming, and it reads the latest text
    state.checkPending = true;
    const start = () =>
      this.afterQueuedEdits(() => {
        state.checkPending = false;
        if (!state.closed) this.check(uri);
      });
    const wait = state.lastCheck + this.options.checkDelay - this.now();
    if (wait <= 0) return start();
    state.checkTimer = setTimeout(() => {
      state.checkTimer = null;
      start();
    }, wait);
  }

  /**
   * Runs `then` once the edits already received are applied. vscode-jsonrpc handles one message
   * per turn of the event loop, each in an immediate queued after those its handler queued: so
   * from the turn after this one, a turn that brought no new edit means none is left queued.
   */
  private afterQueuedEdits(then: () => void): void {
    setImmediate(() => {
      let seen = this.edits;
      const turn = () => {
        if (this.edits === seen) return then();
        seen = this.edits;
        setImmediate(turn);
      };
      setImmediate(turn);
    });
  }

  closed(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    state.closed = true;
    if (state.checkTimer) clearTimeout(state.checkTimer);
    if (state.compileTimer) clearTimeout(state.compileTimer);
    this.cancelAnalysis(state);
    this.states.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.states.keys()]) this.closed(uri);
  }

  private stateOf(uri: string): DocumentState {
    let state = this.states.get(uri);
    if (!state) {
      state = { checkPending: false, checkTimer: null, closed: false, lastCheck: Number.NEGATIVE_INFINITY, compileTimer: null, analysisTimer: null, analysis: null };
      this.states.set(uri, state);
    }
    return state;
  }

  private cancelAnalysis(state: DocumentState): void {
    if (state.analysisTimer) clearTimeout(state.analysisTimer);
    state.analysisTimer = null;
    state.analysis?.cancel();
    state.analysis = null;
  }

  private check(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    const started = this.now();
    state.lastCheck = started;
    const document = this.options.store.current(uri);
    if (!document) return;
    const final = !document.checked.ok;
    this.options.publish(uri, document.version, toLspDiagnostics(document.checked.diagnostics, document.lines, uri));
    this.options.status?.({ uri, version: document.version, state: 'checked', durationMs: this.now() - started, final });
    if (final) {
      this.options.checked?.(document);
      return;
    }
    if (state.compileTimer) clearTimeout(state.compileTimer);
    state.compileTimer = setTimeout(() => {
      state.compileTimer = null;
      this.compile(uri, state, document);
    }, this.options.compileDelay);
  }

  private compile(uri: string, state: DocumentState, document: PolicyDocument): void {
    // A newer version is on its way to its own check; this one is of no more use.
    if (state.closed || !this.options.store.isCurrent(uri, document.version)) return;
    const started = this.now();
    const compiled = document.compiled;
    const final = !compiled.ir;
    // The compile only adds to the check's diagnostics (failing examples): publish if it did.
    if (compiled.diagnostics.length !== document.checked.diagnostics.length) {
      this.options.publish(uri, document.version, toLspDiagnostics(compiled.diagnostics, document.lines, uri));
    }
    this.options.status?.({ uri, version: document.version, state: 'compiled', durationMs: this.now() - started, final });
    this.options.checked?.(document);
    if (final) return;
    // The quiet time before the analysis counts from the check; the compile took part of it.
    state.analysisTimer = setTimeout(
      () => {
        state.analysisTimer = null;
        this.analyse(uri, state, document);
      },
      Math.max(0, state.lastCheck + this.options.analysisDelay - this.now()),
    );
  }

  private analyse(uri: string, state: DocumentState, document: PolicyDocument): void {
    if (!this.options.store.isCurrent(uri, document.version)) return;
    const started = this.now();
    const task = this.options.runner.run({ kind: 'analyseRules', ir: document.compiled.ir! });
    state.analysis = task;
    this.options.status?.({ uri, version: document.version, state: 'analysing', final: false });
    task.promise.then(
      (result) => {
        if (state.analysis !== task) return;
        state.analysis = null;
        if (!this.options.store.isCurrent(uri, document.version)) return;
        const final = finishAnalysis(document.checked, document.compiled, result);
        this.options.publish(uri, document.version, toLspDiagnostics(final.diagnostics, document.lines, uri));
        this.options.status?.({ uri, version: document.version, state: 'analysed', durationMs: this.now() - started, final: true });
      },
      (error: unknown) => {
        if (state.analysis === task) state.analysis = null;
        if (error instanceof Cancelled) return;
        // The check's diagnostics stay; only the analysis warnings are missing.
        this.options.log?.(`static analysis failed for ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        this.options.status?.({ uri, version: document.version, state: 'analysed', durationMs: this.now() - started, final: true });
      },
    );
  }
}
