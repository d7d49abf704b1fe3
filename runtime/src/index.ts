// @axiru/runtime: the zero-dependency, deterministic evaluator of compiled Axiru policy IR.

export * from './ir.js';
export { CURRENCY_SYMBOLS, formatMoney, isKnownCurrency, knownCurrencies, minorUnits } from './currency.js';
export { validateIR, MAX_CONDITION_DEPTH, type ValidationResult } from './validate.js';
export { loadPolicy, type LoadedPolicy, type LoadOptions } from './loadPolicy.js';
export { PolicyLoadError } from './PolicyLoadError.js';
export type {
  AlwaysTrace,
  ComparisonTrace,
  ConditionTrace,
  Explanation,
  LogicTrace,
  NotTrace,
  RuleStatus,
  RuleTrace,
  TruthValue,
} from './explain.js';
export type { CandidateImpact, ImpactRefund, ImpactTransition, PolicyImpactReport, RuleImpact } from './impactReport.js';
export { inputNameOf, listInputName, WEEKDAYS } from './fields.js';
export {
  canonicalTimeZone,
  COUNTED_STATUSES,
  computeFacts,
  computeVelocityFacts,
  isKnownTimeZone,
  localTimeFacts,
  longestWindowMs,
  scopeField,
  velocityFactsOf,
  type EarlierRefund,
  type RefundScope,
  type VelocityFact,
} from './computeFacts.js';
export { conditionText } from './describeCondition.js';
// The outcome order, for tools that reason about which rule can win (the compiler's analysis).
export { approvalSatisfiers, approvalText, compareCandidates, orderCandidates, type Candidate, type CandidateOrder } from './outcome.js';
export { canonicalJson, CanonicalJsonError, type JsonValue } from './canonicalJson.js';
