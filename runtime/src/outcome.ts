// "Most restrictive wins" (docs/language.md, "Outcome when several rules match"), decided once
// per policy: every possible candidate (each rule, `on missing`, `otherwise`) gets a priority,
// 0 = strongest, so that at decision time the winner is simply the candidate with the smallest
// priority. The order is total:
//   1. outcome rank: block > pending_approval > flag > allow;
//   2. for approvals, fewer satisfying roles first (a role satisfies a requirement when it is
//      listed or senior to a listed role), then the larger approval count;
//   3. position: rules in file order, then `on missing`, then `otherwise`. Ties between a rule
//      and a verdict go to the rule (it names a matched_rule); `on missing` goes before
//      `otherwise` because its reason also says which inputs were missing.

import { OUTCOME_RANK, type ApprovalIR, type Outcome, type PolicyIR, type RoleIR, type VerdictIR } from './ir.js';

/** One candidate for the outcome, with what the ordering needs. */
export interface Candidate {
  readonly kind: 'rule' | 'on_missing' | 'otherwise';
  /** Index of the rule in file order; -1 for verdicts. */
  readonly index: number;
  readonly outcome: Outcome;
  readonly approval: ApprovalIR | undefined;
  /** Names of the roles that can satisfy the approval, sorted; empty without approval. */
  readonly satisfiers: readonly string[];
}

/** Every role that can satisfy `approval`: its roles and each role senior to one of them. */
export function approvalSatisfiers(approval: ApprovalIR, roles: readonly RoleIR[]): readonly string[] {
  const byName = new Map(roles.map((role) => [role.name, role]));
  const satisfiers = new Set<string>();
  for (const name of approval.roles) {
    satisfiers.add(name);
    for (const senior of byName.get(name)?.seniors ?? []) satisfiers.add(senior);
  }
  return [...satisfiers].sort();
}

const POSITION_OF_KIND = { rule: 0, on_missing: 1, otherwise: 2 } as const;

/** Negative when `a` wins over `b`. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  const rank = OUTCOME_RANK[b.outcome] - OUTCOME_RANK[a.outcome];
  if (rank !== 0) return rank;
  if (a.approval !== undefined && b.approval !== undefined) {
    const strictness = a.satisfiers.length - b.satisfiers.length;
    if (strictness !== 0) return strictness;
    const count = b.approval.count - a.approval.count;
    if (count !== 0) return count;
  }
  const kind = POSITION_OF_KIND[a.kind] - POSITION_OF_KIND[b.kind];
  return kind !== 0 ? kind : a.index - b.index;
}

/** The candidates of a policy in priority order: index 0 is the strongest. */
export interface CandidateOrder {
  /** Every candidate, strongest first. */
  readonly ranked: readonly Candidate[];
  /** Priority of each rule, by file index. */
  readonly rulePriority: readonly number[];
  readonly onMissingPriority: number;
  readonly otherwisePriority: number;
}

function verdictCandidate(kind: 'on_missing' | 'otherwise', verdict: VerdictIR, roles: readonly RoleIR[]): Candidate {
  return {
    kind,
    index: -1,
    outcome: verdict.outcome,
    approval: verdict.approval,
    satisfiers: verdict.approval === undefined ? [] : approvalSatisfiers(verdict.approval, roles),
  };
}

export function orderCandidates(ir: PolicyIR): CandidateOrder {
  const candidates: Candidate[] = ir.rules.map((rule, index) => ({
    kind: 'rule',
    index,
    outcome: rule.outcome,
    approval: rule.approval,
    satisfiers: rule.approval === undefined ? [] : approvalSatisfiers(rule.approval, ir.roles),
  }));
  candidates.push(verdictCandidate('otherwise', ir.default, ir.roles));
  // Without `on missing` the candidate still gets a priority; it is simply never offered.
  candidates.push(verdictCandidate('on_missing', ir.on_missing ?? { outcome: 'allow' }, ir.roles));
  const ranked = [...candidates].sort(compareCandidates);
  const rulePriority: number[] = new Array<number>(ir.rules.length).fill(0);
  let onMissingPriority = 0;
  let otherwisePriority = 0;
  ranked.forEach((candidate, priority) => {
    if (candidate.kind === 'rule') rulePriority[candidate.index] = priority;
    else if (candidate.kind === 'on_missing') onMissingPriority = priority;
    else otherwisePriority = priority;
  });
  return { ranked, rulePriority, onMissingPriority, otherwisePriority };
}

/** `support_lead`, `support_lead or finance_manager`, `2 approvals from cfo`. */
export function approvalText(approval: ApprovalIR): string {
  const roles = listText(approval.roles, 'or');
  return approval.count === 1 ? roles : `${approval.count} approvals from ${roles}`;
}

/** `a`, `a or b`, `a, b or c` (with `and` likewise). */
export function listText(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}

/** What a verdict does, as the tail of a sentence: "the policy requires support_lead". */
function verdictClause(verdict: VerdictIR): string {
  switch (verdict.outcome) {
    case 'allow':
      return 'the policy allows the refund';
    case 'flag':
      return 'the policy flags the refund for review';
    case 'block':
      return 'the policy blocks the refund';
    case 'pending_approval':
      return `the policy requires ${verdict.approval === undefined ? 'approval' : approvalText(verdict.approval)}`;
  }
}

/** Reason when `otherwise` decides: "No rule matched; allowed by default". */
export function otherwiseReason(verdict: VerdictIR): string {
  switch (verdict.outcome) {
    case 'allow':
      return 'No rule matched; allowed by default';
    case 'flag':
      return 'No rule matched; flagged for review by default';
    case 'block':
      return 'No rule matched; blocked by default';
    case 'pending_approval':
      return `No rule matched; ${verdictClause(verdict)}`;
  }
}

/** Reason when `on missing` decides: "Missing customer_tenure_days; the policy requires support_lead when inputs are missing". */
export function onMissingReason(verdict: VerdictIR, missing: readonly string[]): string {
  const what = missing.length === 0 ? 'Some inputs were missing' : `Missing ${listText(missing, 'and')}`;
  return `${what}; ${verdictClause(verdict)} when inputs are missing`;
}
