// Checks that reason over the compiled IR (exact static analysis): they run only on a file
// without errors, after emission.
import type { PolicyIR } from '@axiru/runtime';
import type { RuleAnalysis } from '../analysis/analyzeRules.js';
import type { SourceMap } from '../emit/emitPolicy.js';
import type { CheckContext } from './Check.js';
import { ImpossibleConditionCheck } from './ImpossibleConditionCheck.js';
import { RuleAnalysisCheck } from './RuleAnalysisCheck.js';

export interface IrCheckContext extends CheckContext {
  readonly ir: PolicyIR;
  readonly sourceMap: SourceMap;
  /** The rule analysis of `ir`: analyzeRulesReport, or its answer computed elsewhere. */
  readonly analyse: (ir: PolicyIR) => RuleAnalysis;
}

export interface IrCheck {
  readonly name: string;
  run(context: IrCheckContext): void;
}

export const IR_CHECKS: readonly IrCheck[] = [ImpossibleConditionCheck, RuleAnalysisCheck];
