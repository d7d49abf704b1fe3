// Which candidate wins when several apply. The analysis must agree with the runtime exactly,
// so it asks the runtime's own order (runtime/src/outcome.ts: outcome rank, then approval
// strictness and count, then rules in file order, `on missing`, `otherwise`) and only
// translates it into the IR pieces the analysis works on.

import { orderCandidates, type PolicyIR, type VerdictIR } from '@axiru/runtime';

export type CandidateSource =
  | { readonly kind: 'rule'; readonly index: number; readonly id: string }
  | { readonly kind: 'on_missing' }
  | { readonly kind: 'otherwise' };

export interface Candidate {
  readonly source: CandidateSource;
  readonly verdict: VerdictIR;
}

/** The runtime's order of a policy, worked out once per IR (ruleBeats is asked in loops). */
const orders = new WeakMap<PolicyIR, ReturnType<typeof orderCandidates>>();
function orderOf(ir: PolicyIR): ReturnType<typeof orderCandidates> {
  let order = orders.get(ir);
  if (order === undefined) {
    order = orderCandidates(ir);
    orders.set(ir, order);
  }
  return order;
}

/** The policy's candidates, strongest first. `on missing` is listed only when declared. */
export function candidateOrder(ir: PolicyIR): Candidate[] {
  const out: Candidate[] = [];
  for (const candidate of orderOf(ir).ranked) {
    if (candidate.kind === 'rule') {
      const rule = ir.rules[candidate.index]!;
      out.push({ source: { kind: 'rule', index: candidate.index, id: rule.id }, verdict: rule });
    } else if (candidate.kind === 'on_missing') {
      if (ir.on_missing !== null) out.push({ source: { kind: 'on_missing' }, verdict: ir.on_missing });
    } else {
      out.push({ source: { kind: 'otherwise' }, verdict: ir.default });
    }
  }
  return out;
}

/** Each rule's place in the runtime's order (lower wins), by rule index. */
export function rulePriorities(ir: PolicyIR): readonly (number | undefined)[] {
  return orderOf(ir).rulePriority;
}

/** Whether rule `j` wins over rule `r` whenever both match. */
export function ruleBeats(ir: PolicyIR, j: number, r: number): boolean {
  const priority = orderOf(ir).rulePriority;
  if (j === r || priority[j] === undefined || priority[r] === undefined) return false;
  return priority[j] < priority[r];
}

/**
 * What a decision exposes of its verdict: the outcome and, for approvals, the roles and count.
 * Two candidates with the same key give decisions that differ at most in reason and matched_rule.
 */
export function verdictKey(verdict: VerdictIR): string {
  if (verdict.outcome !== 'pending_approval' || verdict.approval === undefined) return verdict.outcome;
  return `pending_approval:${verdict.approval.roles.join(',')}:${verdict.approval.count}`;
}
