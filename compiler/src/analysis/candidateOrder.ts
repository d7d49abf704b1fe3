// Which candidate wins when several apply — the analysis must agree with the runtime exactly
// (runtime/src/outcome.ts; docs/language.md, "Outcome when several rules match" and
// "Precise rules > Evaluation"). The order is total:
//   1. outcome rank: block > pending_approval > flag > allow;
//   2. approvals: fewer satisfying roles (listed roles and their seniors) first, then the
//      larger count;
//   3. rules in file order, then `on missing`, then `otherwise`.

import { OUTCOME_RANK, type ApprovalIR, type PolicyIR, type RoleIR, type VerdictIR } from '@axiru/runtime';

export type CandidateSource =
  | { readonly kind: 'rule'; readonly index: number; readonly id: string }
  | { readonly kind: 'on_missing' }
  | { readonly kind: 'otherwise' };

export interface Candidate {
  readonly source: CandidateSource;
  readonly verdict: VerdictIR;
}

/** Every role that can satisfy `approval`: its roles and each role senior to one of them. */
export function satisfiers(approval: ApprovalIR, roles: readonly RoleIR[]): ReadonlySet<string> {
  const byName = new Map(roles.map((role) => [role.name, role]));
  const out = new Set<string>();
  for (const name of approval.roles) {
    out.add(name);
    for (const senior of byName.get(name)?.seniors ?? []) out.add(senior);
  }
  return out;
}

/** Negative when verdict `a` is stronger than `b`, zero when neither is (position decides). */
export function compareStrength(a: VerdictIR, b: VerdictIR, roles: readonly RoleIR[]): number {
  const rank = OUTCOME_RANK[b.outcome] - OUTCOME_RANK[a.outcome];
  if (rank !== 0) return rank;
  if (a.approval !== undefined && b.approval !== undefined) {
    const strictness = satisfiers(a.approval, roles).size - satisfiers(b.approval, roles).size;
    if (strictness !== 0) return strictness;
    return b.approval.count - a.approval.count;
  }
  return 0;
}

function position(source: CandidateSource, ruleCount: number): number {
  switch (source.kind) {
    case 'rule':
      return source.index;
    case 'on_missing':
      return ruleCount;
    case 'otherwise':
      return ruleCount + 1;
  }
}

/** The policy's candidates, strongest first. `on missing` is listed only when declared. */
export function candidateOrder(ir: PolicyIR): Candidate[] {
  const candidates: Candidate[] = ir.rules.map((rule, index) => ({
    source: { kind: 'rule', index, id: rule.id },
    verdict: rule,
  }));
  if (ir.on_missing !== null) candidates.push({ source: { kind: 'on_missing' }, verdict: ir.on_missing });
  candidates.push({ source: { kind: 'otherwise' }, verdict: ir.default });
  const count = ir.rules.length;
  return candidates.sort(
    (a, b) => compareStrength(a.verdict, b.verdict, ir.roles) || position(a.source, count) - position(b.source, count),
  );
}

/** Whether rule `j` wins over rule `r` whenever both match. */
export function ruleBeats(ir: PolicyIR, j: number, r: number): boolean {
  const a = ir.rules[j];
  const b = ir.rules[r];
  if (a === undefined || b === undefined || j === r) return false;
  const strength = compareStrength(a, b, ir.roles);
  return strength < 0 || (strength === 0 && j < r);
}

/**
 * What a decision exposes of its verdict: the outcome and, for approvals, the roles and count.
 * Two candidates with the same key give decisions that differ at most in reason and matched_rule.
 */
export function verdictKey(verdict: VerdictIR): string {
  if (verdict.outcome !== 'pending_approval' || verdict.approval === undefined) return verdict.outcome;
  return `pending_approval:${verdict.approval.roles.join(',')}:${verdict.approval.count}`;
}
