// Exact static analysis over policy IR: satisfiability of conditions, rule findings for the
// compiler's warnings, and semantic diffs for `axiru diff`. Sets of requests are unions of
// boxes over per-field dimensions (see Region.ts); every witness is checked by the runtime.

export { satisfiable, type Satisfiability, type SatisfiableOptions } from './satisfiable.js';
export { analyzeRules, analyzeRulesReport, type RuleAnalysis, type RuleFinding } from './analyzeRules.js';
export { diffPolicies, type DiffOptions, type PolicyDiff, type Transition } from './diffPolicies.js';
export type { AnalysisOptions } from './AnalysisOptions.js';
export { AnalysisCancelled } from './InconclusiveError.js';
export { DEFAULT_LIMITS, type Limits } from './Region.js';
export type { Decide } from './runtimeDecide.js';
