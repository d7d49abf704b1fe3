// The work that runs off the main thread, as plain functions: the worker (worker.ts) calls them,
// and so do tests, inline. Each takes and returns plain data, because it crosses a thread.
import { analyzeRulesReport, checkPolicy, finishCompile, IncrementalParser, type Diagnostic, type ReplayReport, type RuleAnalysis } from '@axiru/compiler';
import type { PolicyIR } from '@axiru/runtime';
import { HistoryCache } from './HistoryCache.js';

/** The full check, static analysis included: exactly what `axiru check` reports. */
export interface AnalyseJob {
  readonly kind: 'analyse';
  readonly text: string;
  /**
   * The document the text is a version of: the thread parses each document item by item from
   * its last analysed version (IncrementalParser), as the check does, instead of whole.
   */
  readonly uri?: string;
}

export interface AnalyseResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly ir: PolicyIR | null;
}

/**
 * Replays refund history through a compiled policy: the report of the replay engine
 * (compiler/src/history), from the history and results kept since the last replay (HistoryCache.ts).
 */
export interface ReplayJob {
  readonly kind: 'replay';
  readonly ir: PolicyIR;
  readonly paths: readonly string[];
}

/**
 * The rule analysis of a compiled policy (analyzeRulesReport): the slow part of the full check,
 * for an editor that compiled the IR itself and puts the two together (finishAnalysis).
 */
export interface AnalyseRulesJob {
  readonly kind: 'analyseRules';
  readonly ir: PolicyIR;
}

export type Job = AnalyseJob | AnalyseRulesJob | ReplayJob;
export type JobResult<J extends Job> = J extends AnalyseJob ? AnalyseResult : J extends AnalyseRulesJob ? RuleAnalysis : ReplayReport;

/** The thread's history: in the worker, it lives as long as the worker does. */
const history = new HistoryCache();

/** Documents whose parser the thread keeps: a few, most recently analysed last. */
const PARSED_DOCUMENTS = 8;
const parsers = new Map<string, IncrementalParser>();

function parserFor(uri: string): IncrementalParser {
  let parser = parsers.get(uri);
  if (parser === undefined) parser = new IncrementalParser();
  parsers.delete(uri);
  parsers.set(uri, parser);
  if (parsers.size > PARSED_DOCUMENTS) parsers.delete(parsers.keys().next().value!);
  return parser;
}

/**
 * Runs a job. `cancelled` says when its caller has dropped it: the rule analysis then stops
 * between rules (AnalysisCancelled) instead of running to its end; the other jobs run on.
 */
export async function runJob<J extends Job>(job: J, cancelled?: () => boolean): Promise<JobResult<J>> {
  switch (job.kind) {
    case 'analyse': {
      // compile(text), with the text parsed incrementally (the same tree, as its tests check).
      const parser = job.uri === undefined ? new IncrementalParser() : parserFor(job.uri);
      const result = finishCompile(checkPolicy(job.text, parser.parse(job.text)));
      return { diagnostics: result.diagnostics, ir: result.ir } as JobResult<J>;
    }
    case 'analyseRules':
      return analyzeRulesReport(job.ir, cancelled === undefined ? {} : { cancelled }) as JobResult<J>;
    case 'replay':
      return (await history.replay(job.ir, job.paths)) as JobResult<J>;
  }
}
