// Every witness the analysis returns is checked by the runtime itself, not by a model of it:
// if the algebra and the runtime ever disagreed, the analysis would lose a witness instead of
// reporting a false one. Loaded policies are cached per IR object.

import { loadPolicy, type Decision, type DecisionInput, type PolicyIR } from '@axiru/runtime';

export type Decide = (ir: PolicyIR, input: DecisionInput) => Decision;

const loaded = new WeakMap<PolicyIR, (input: DecisionInput) => Decision>();

/** Decides with the real runtime. Throws PolicyLoadError when the IR is invalid. */
export const runtimeDecide: Decide = (ir, input) => {
  let decide = loaded.get(ir);
  if (decide === undefined) {
    decide = loadPolicy(ir).decide;
    loaded.set(ir, decide);
  }
  return decide(input);
};

/** What a decision exposes of its verdict, in the form of candidateOrder's verdictKey(). */
export function decisionKey(decision: Decision): string {
  if (decision.outcome !== 'pending_approval') return decision.outcome;
  return `pending_approval:${(decision.approver_roles ?? []).join(',')}:${decision.approvals_required ?? 1}`;
}
