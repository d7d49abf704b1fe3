// The work that runs off the main thread, as plain functions: the worker (worker.ts) calls them,
// and so do tests, inline. Each takes and returns plain data, because it crosses a thread.
import { compile, replay, type Diagnostic, type ReplayReport } from '@axiru/compiler';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';

/** The full check, static analysis included: exactly what `axiru check` reports. */
export interface AnalyseJob {
  readonly kind: 'analyse';
  readonly text: string;
}

export interface AnalyseResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly ir: PolicyIR | null;
}

/** Replays refund history through a compiled policy (the replay engine, compiler/src/history). */
export interface ReplayJob {
  readonly kind: 'replay';
  readonly ir: PolicyIR;
  readonly paths: readonly string[];
}

export type Job = AnalyseJob | ReplayJob;
export type JobResult<J extends Job> = J extends AnalyseJob ? AnalyseResult : ReplayReport;

export async function runJob<J extends Job>(job: J): Promise<JobResult<J>> {
  switch (job.kind) {
    case 'analyse': {
      const result = compile(job.text);
      return { diagnostics: result.diagnostics, ir: result.ir } as JobResult<J>;
    }
    case 'replay':
      return (await replay(loadPolicy(job.ir), [...job.paths])) as JobResult<J>;
  }
}
