// Turns "which rules matched, which were undecided" into a Decision.
//
// Everything that does not depend on the request is computed when the policy loads: the
// priority of every candidate, each candidate's outcome/reason/approver fields, the decision
// for "nothing matched" and for each "only this rule matched". Decisions are frozen, so the
// common ones can be shared between calls instead of allocated; with a dozen rules or fewer
// every decision without missing inputs is memoized by the set of matched rules.

import type { Decision, PolicyIR, VerdictIR } from './ir.js';
import { collectMissing } from './evaluateCondition.js';
import { onMissingReason, orderCandidates, otherwiseReason, type CandidateOrder } from './outcome.js';
import type { InputRecord } from './readInput.js';

/** The decision fields set by the winning candidate. */
interface Verdict {
  readonly outcome: Decision['outcome'];
  readonly reason: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
  readonly approver_roles: readonly string[] | null;
  readonly approvals_required: number | null;
}

/**
 * Builds the decision once rules are evaluated. `hits` holds the indices of the matched rules in
 * file order (the first `matchedCount`), `undecided` those of the undecided ones; `best` is the
 * smallest priority among matched rules.
 */
export type FinishDecision = (
  hits: Int32Array,
  matchedCount: number,
  best: number,
  undecided: Int32Array,
  undecidedCount: number,
  input: InputRecord,
) => Decision;

export interface DecisionBuilder {
  readonly order: CandidateOrder;
  readonly finish: FinishDecision;
  /** Larger than any priority: the initial value of `best`. */
  readonly noPriority: number;
}

/** Largest policy whose decisions are memoized by matched-rule bitmask (2^12 entries at most). */
const MEMO_MAX_RULES = 12;

const EMPTY: readonly string[] = Object.freeze([]);

function verdictFields(verdict: VerdictIR, reason: string, matchedRule: string | null): Verdict {
  const approval = verdict.outcome === 'pending_approval' ? verdict.approval : undefined;
  return {
    outcome: verdict.outcome,
    reason,
    matched_rule: matchedRule,
    approver_role: approval?.roles[0] ?? null,
    approver_roles: approval === undefined ? null : Object.freeze([...approval.roles]),
    approvals_required: approval === undefined ? null : approval.count,
  };
}

export function createDecisionBuilder(ir: PolicyIR): DecisionBuilder {
  const order = orderCandidates(ir);
  const policyVersion = `v${ir.version}`;
  const ruleIds = ir.rules.map((rule) => rule.id);
  const onMissing = ir.on_missing;

  // Verdict fields by priority; the `on missing` slot is rebuilt per decision (its reason
  // names the missing fields).
  const verdicts: Verdict[] = order.ranked.map((candidate) => {
    if (candidate.kind === 'rule') {
      const rule = ir.rules[candidate.index];
      if (rule === undefined) throw new Error('unreachable: candidate without rule');
      return verdictFields(rule, rule.reason, rule.id);
    }
    if (candidate.kind === 'otherwise') return verdictFields(ir.default, otherwiseReason(ir.default), null);
    return verdictFields(onMissing ?? ir.default, '', null);
  });

  const decision = (verdict: Verdict, matched: readonly string[], missing: readonly string[]): Decision =>
    Object.freeze({
      outcome: verdict.outcome,
      reason: verdict.reason,
      policy_version: policyVersion,
      matched_rule: verdict.matched_rule,
      approver_role: verdict.approver_role,
      approver_roles: verdict.approver_roles,
      approvals_required: verdict.approvals_required,
      matched_rules: matched,
      missing_fields: missing,
    });

  const verdictAt = (priority: number): Verdict => {
    const verdict = verdicts[priority];
    if (verdict === undefined) throw new Error(`unreachable: no candidate with priority ${priority}`);
    return verdict;
  };

  const nothingMatched = decision(verdictAt(order.otherwisePriority), EMPTY, EMPTY);
  const onlyRule = ir.rules.map((rule, index) =>
    decision(verdictAt(order.rulePriority[index] ?? 0), Object.freeze([rule.id]), EMPTY),
  );
  const memo: (Decision | undefined)[] | undefined =
    ir.rules.length <= MEMO_MAX_RULES ? new Array<Decision | undefined>(1 << ir.rules.length) : undefined;

  const matchedIds = (hits: Int32Array, count: number): readonly string[] => {
    const ids = new Array<string>(count);
    for (let i = 0; i < count; i++) ids[i] = ruleIds[hits[i] ?? 0] ?? '';
    return Object.freeze(ids);
  };

  const finish: FinishDecision = (hits, matchedCount, best, undecided, undecidedCount, input) => {
    if (undecidedCount === 0) {
      if (matchedCount === 0) return nothingMatched;
      if (matchedCount === 1) return onlyRule[hits[0] ?? 0] ?? nothingMatched;
      if (memo !== undefined) {
        let mask = 0;
        for (let i = 0; i < matchedCount; i++) mask |= 1 << (hits[i] ?? 0);
        let memoized = memo[mask];
        if (memoized === undefined) {
          memoized = decision(verdictAt(best), matchedIds(hits, matchedCount), EMPTY);
          memo[mask] = memoized;
        }
        return memoized;
      }
      return decision(verdictAt(best), matchedIds(hits, matchedCount), EMPTY);
    }

    // Some rule is undecided: the slow path. Copy what the scratch arrays hold before reading
    // the request again, so nothing the request does (a getter) can disturb them.
    const matched = matchedCount === 0 ? EMPTY : matchedIds(hits, matchedCount);
    const undecidedRules = Array.from(undecided.subarray(0, undecidedCount), (index) => ir.rules[index]);
    const missingSet = new Set<string>();
    for (const rule of undecidedRules) if (rule !== undefined) collectMissing(rule.condition, input, missingSet);
    const missing = Object.freeze([...missingSet].sort());

    // `otherwise` is a candidate only when no rule matched; `on missing` joins whenever a rule
    // is undecided, which is the case here.
    const winner = matchedCount === 0 ? order.otherwisePriority : best;
    if (onMissing !== null && order.onMissingPriority < winner) {
      return decision(verdictFields(onMissing, onMissingReason(onMissing, missing), null), matched, missing);
    }
    return decision(verdictAt(winner), matched, missing);
  };

  return { order, finish, noPriority: order.ranked.length };
}
