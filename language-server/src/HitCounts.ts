// History hit counts per open policy: each compiled version is replayed over the configured
// refund history (the replay engine of compiler/src/history, in a worker) and the code lenses
// refresh when the counts arrive. A replay is keyed by the IR hash and the history files' size
// and modification time, so reformatting or commenting never replays, and an edit to the
// history file does. A newer version cancels a replay in flight.
import { statSync } from 'node:fs';
import type { PolicyIR } from '@axiru/runtime';
import type { ReplayReport } from '@axiru/compiler';
import type { HistoryView } from './features/historyText.js';
import { Cancelled, type JobRunner, type Task } from './JobRunner.js';
import type { PolicyDocument } from './PolicyDocument.js';

export interface HitCountsOptions {
  readonly runner: JobRunner;
  /** The configured history files (absolute paths) for a policy, or null when none is configured. */
  readonly historyPaths: (uri: string) => Promise<string[] | null>;
  /** The counts, or what the lenses should say instead, changed. */
  readonly changed: (uri: string) => void;
  readonly replayed?: (uri: string, durationMs: number, report: ReplayReport) => void;
  readonly log?: (message: string) => void;
  /** Quiet time after an edit before replaying, in milliseconds. */
  readonly delay: number;
}

interface PolicyHistory {
  paths: string[] | null;
  pathsKnown: boolean;
  ir: PolicyIR | null;
  /** Whether the latest checked version compiled. */
  compiles: boolean;
  report: ReplayReport | null;
  reportKey: string | null;
  error: string | null;
  timer: NodeJS.Timeout | null;
  task: Task<ReplayReport> | null;
  taskKey: string | null;
  waiters: ((report: ReplayReport | null) => void)[];
}

export class HitCounts {
  private readonly policies = new Map<string, PolicyHistory>();

  constructor(private readonly options: HitCountsOptions) {}

  view(uri: string): HistoryView {
    const policy = this.policies.get(uri);
    if (!policy || !policy.pathsKnown) return { state: 'starting' };
    if (policy.paths === null) return { state: 'unconfigured' };
    if (policy.error) return { state: 'failed', message: policy.error };
    if (policy.report) return { state: 'ready', report: policy.report, stale: !policy.compiles };
    if (!policy.ir) return { state: 'unavailable', message: 'the policy has errors; fix them to replay history' };
    return { state: 'pending' };
  }

  /** A new version was checked: replay it once it compiles and the edits settle. */
  checked(document: PolicyDocument): void {
    const policy = this.policyOf(document.uri);
    const ir = document.compiled.ir;
    policy.compiles = ir !== null;
    if (ir) policy.ir = ir;
    if (!policy.pathsKnown) {
      void this.reloadSettings(document.uri);
      return;
    }
    this.schedule(document.uri, policy, this.options.delay);
  }

  /** Settings changed: every policy reads its history setting again. */
  configurationChanged(): void {
    for (const uri of this.policies.keys()) void this.reloadSettings(uri);
  }

  /** History files changed on disk. */
  filesChanged(paths: readonly string[]): void {
    for (const [uri, policy] of this.policies) {
      if (policy.paths?.some((p) => paths.includes(p))) this.schedule(uri, policy, 0);
    }
  }

  /** The report for the current policy, replaying now if needed (the "Replay against history" command). */
  async report(uri: string): Promise<ReplayReport | null> {
    const policy = this.policies.get(uri);
    if (!policy) return null;
    if (!policy.pathsKnown) await this.reloadSettings(uri);
    if (policy.paths === null || !policy.ir) return null;
    const key = this.keyOf(policy);
    if (key !== null && key === policy.reportKey && policy.report) return policy.report;
    return new Promise((resolve) => {
      policy.waiters.push(resolve);
      this.schedule(uri, policy, 0);
    });
  }

  /** Every configured history file, for watching. */
  watchedPaths(): string[] {
    return [...new Set([...this.policies.values()].flatMap((p) => p.paths ?? []))];
  }

  closed(uri: string): void {
    const policy = this.policies.get(uri);
    if (!policy) return;
    this.stop(policy);
    for (const waiter of policy.waiters.splice(0)) waiter(null);
    this.policies.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.policies.keys()]) this.closed(uri);
  }

  private policyOf(uri: string): PolicyHistory {
    let policy = this.policies.get(uri);
    if (!policy) {
      policy = {
        paths: null,
        pathsKnown: false,
        ir: null,
        compiles: false,
        report: null,
        reportKey: null,
        error: null,
        timer: null,
        task: null,
        taskKey: null,
        waiters: [],
      };
      this.policies.set(uri, policy);
    }
    return policy;
  }

  private async reloadSettings(uri: string): Promise<void> {
    let paths: string[] | null;
    try {
      paths = await this.options.historyPaths(uri);
    } catch (error) {
      this.options.log?.(`reading the axiru.history setting failed: ${String(error)}`);
      paths = null;
    }
    const policy = this.policies.get(uri);
    if (!policy) return;
    const changed = !policy.pathsKnown || JSON.stringify(policy.paths) !== JSON.stringify(paths);
    policy.paths = paths;
    policy.pathsKnown = true;
    if (changed) {
      this.stop(policy);
      policy.report = null;
      policy.reportKey = null;
      policy.error = null;
    }
    this.schedule(uri, policy, 0);
    this.options.changed(uri);
  }

  /** What a replay depends on: the policy's meaning and the history files' state. Null when a file is unreadable. */
  private keyOf(policy: PolicyHistory): string | null {
    if (!policy.ir || !policy.paths) return null;
    const files: string[] = [];
    for (const path of policy.paths) {
      try {
        const stat = statSync(path);
        files.push(`${path}:${stat.size}:${stat.mtimeMs}`);
      } catch {
        return null;
      }
    }
    return `${policy.ir.hash}|${files.join('|')}`;
  }

  private schedule(uri: string, policy: PolicyHistory, delay: number): void {
    if (policy.paths === null || !policy.ir) return;
    if (policy.timer) clearTimeout(policy.timer);
    policy.timer = setTimeout(() => {
      policy.timer = null;
      this.replay(uri, policy);
    }, delay);
  }

  private replay(uri: string, policy: PolicyHistory): void {
    if (!policy.ir || !policy.paths || this.policies.get(uri) !== policy) return;
    const key = this.keyOf(policy);
    if (key === null) {
      const missing = policy.paths.find((p) => !readable(p));
      this.stop(policy);
      policy.error = `cannot read the history file ${missing ?? policy.paths.join(', ')}`;
      this.settle(policy, null);
      this.options.changed(uri);
      return;
    }
    if (key === policy.reportKey && policy.report) return this.settle(policy, policy.report);
    if (key === policy.taskKey && policy.task) return; // already replaying this
    this.stop(policy);
    const started = performance.now();
    const task = this.options.runner.run({ kind: 'replay', ir: policy.ir, paths: policy.paths });
    policy.task = task;
    policy.taskKey = key;
    const showPending = policy.report === null;
    if (showPending) this.options.changed(uri);
    task.promise.then(
      (report) => {
        if (policy.task !== task) return;
        policy.task = null;
        policy.taskKey = null;
        policy.report = report;
        policy.reportKey = key;
        policy.error = null;
        this.options.replayed?.(uri, performance.now() - started, report);
        this.settle(policy, report);
        this.options.changed(uri);
      },
      (error: unknown) => {
        if (policy.task !== task) return;
        policy.task = null;
        policy.taskKey = null;
        if (error instanceof Cancelled) return;
        policy.error = `replay failed: ${error instanceof Error ? error.message : String(error)}`;
        this.options.log?.(`replaying history for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        this.settle(policy, null);
        this.options.changed(uri);
      },
    );
  }

  private settle(policy: PolicyHistory, report: ReplayReport | null): void {
    for (const waiter of policy.waiters.splice(0)) waiter(report);
  }

  private stop(policy: PolicyHistory): void {
    if (policy.timer) clearTimeout(policy.timer);
    policy.timer = null;
    policy.task?.cancel();
    policy.task = null;
    policy.taskKey = null;
  }
}

function readable(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
