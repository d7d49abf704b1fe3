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
export { inputNameOf } from './fields.js';
export { conditionText } from './describeCondition.js';
export { approvalText } from './outcome.js';
