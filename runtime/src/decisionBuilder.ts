// Turns "which rules matched, which were undecided" into a Decision.
//
// Everything that does not depend on the request is computed when the policy loads: the
// priority of every candidate, each candidate's outcome/reason/approver fields, the decision
// for "nothing matched" and for each "only this rule matched". Decisions are frozen, so the
// common ones can be shared between calls instead of allocated; with a dozen rules or fewer
// every decision is memoized by the set of matched rules (and of missing fields).

import type { Decision, PolicyIR, VerdictIR } from './ir.js';
import { collectMissing } from './evaluateCondition.js';
import { onMissingReason, orderCandidates, otherwiseReason, type CandidateOrder } from './outcome.js';
import type { InputRecord } from './readInput.js';
import { planSlots } from './inputSlots.js';

/** The decision fields set by the winning candidate. */
interface Verdict {
  readonly outcome: Decision['outcome'];
  readonly reason: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
  readonly approver_roles: readonly string[] | null;
  readonly approvals_required: number | null;
}

/** Rules are evaluated; `hits` holds the indices of the first `matchedCount` matched rules in file order, `best` their smallest priority. */
export type DecidedFinish = (hits: Int32Array, matchedCount: number, best: number) => Decision;

/**
 * Some rule is undecided: `undecided` holds their indices. `missingMask` is the bitmask (over
 * planSlots()) of the missing fields that left them undecided, or 0 when the caller did not
 * compute it; the undecided rules are then re-read to list them.
 */
export type UndecidedFinish = (
  hits: Int32Array,
  matchedCount: number,
  best: number,
  undecided: Int32Array,
  undecidedCount: number,
  missingMask: number,
  input: InputRecord,
) => Decision;

export interface DecisionBuilder {
  readonly order: CandidateOrder;
  readonly decided: DecidedFinish;
  readonly undecided: UndecidedFinish;
  /** Larger than any priority: the initial value of `best`. */
  readonly noPriority: number;
}

/** Largest policy whose decisions are memoized by matched-rule bitmask (2^12 entries at most). */
const MEMO_MAX_RULES = 12;
/** Decisions with missing inputs memoized per policy, at most: enough for every common shape of request. */
const MEMO_MAX_UNDECIDED = 4096;

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
  const slotNames = planSlots(ir).map((slot) => slot.name);

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

  const matchedIds = (hits: Int32Array, count: number): readonly string[] => {
    if (count === 0) return EMPTY;
    const ids = new Array<string>(count);
    for (let i = 0; i < count; i++) ids[i] = ruleIds[hits[i] ?? 0] ?? '';
    return Object.freeze(ids);
  };

  const matchedMask = (hits: Int32Array, count: number): number => {
    let mask = 0;
    for (let i = 0; i < count; i++) mask |= 1 << (hits[i] ?? 0);
    return mask;
  };

  const nothingMatched = decision(verdictAt(order.otherwisePriority), EMPTY, EMPTY);
  const onlyRule = ir.rules.map((rule, index) =>
    decision(verdictAt(order.rulePriority[index] ?? 0), Object.freeze([rule.id]), EMPTY),
  );
  const memoizable = ir.rules.length <= MEMO_MAX_RULES;
  const memo: (Decision | undefined)[] = memoizable ? new Array<Decision | undefined>(1 << ir.rules.length) : [];

  const decided: DecidedFinish = (hits, matchedCount, best) => {
    if (matchedCount === 0) return nothingMatched;
    if (matchedCount === 1) return onlyRule[hits[0] ?? 0] ?? nothingMatched;
    if (!memoizable) return decision(verdictAt(best), matchedIds(hits, matchedCount), EMPTY);
    const mask = matchedMask(hits, matchedCount);
    let memoized = memo[mask];
    if (memoized === undefined) {
      memoized = decision(verdictAt(best), matchedIds(hits, matchedCount), EMPTY);
      memo[mask] = memoized;
    }
    return memoized;
  };

  // Sorted names of the fields in a missing-field mask, by mask.
  const namesByMask = new Map<number, readonly string[]>();
  const missingNames = (mask: number): readonly string[] => {
    let names = namesByMask.get(mask);
    if (names === undefined) {
      names = Object.freeze(slotNames.filter((_, index) => (mask & (1 << index)) !== 0).sort());
      if (namesByMask.size < MEMO_MAX_UNDECIDED) namesByMask.set(mask, names);
    }
    return names;
  };

  const build = (matched: readonly string[], best: number, missing: readonly string[]): Decision => {
    // `otherwise` is a candidate only when no rule matched; `on missing` joins whenever a rule
    // is undecided, which is the case here.
    const winner = matched.length === 0 ? order.otherwisePriority : best;
    if (onMissing !== null && order.onMissingPriority < winner) {
      return decision(verdictFields(onMissing, onMissingReason(onMissing, missing), null), matched, missing);
    }
    return decision(verdictAt(winner), matched, missing);
  };

  // With missing inputs, a decision depends on the matched rules and the missing fields only.
  const undecidedMemo = new Map<number, Decision>();

  const undecided: UndecidedFinish = (hits, matchedCount, best, undecidedRules, undecidedCount, missingMask, input) => {
    if (missingMask !== 0) {
      if (!memoizable) return build(matchedIds(hits, matchedCount), best, missingNames(missingMask));
      const key = missingMask * (1 << MEMO_MAX_RULES) + matchedMask(hits, matchedCount);
      let memoized = undecidedMemo.get(key);
      if (memoized === undefined) {
        memoized = build(matchedIds(hits, matchedCount), best, missingNames(missingMask));
        if (undecidedMemo.size < MEMO_MAX_UNDECIDED) undecidedMemo.set(key, memoized);
      }
      return memoized;
    }
    // No mask: read the undecided rules again. Copy what the scratch arrays hold first, so
    // nothing the request does while it is read (a getter) can disturb them.
    const matched = matchedIds(hits, matchedCount);
    const rules = Array.from(undecidedRules.subarray(0, undecidedCount), (index) => ir.rules[index]);
    const found = new Set<string>();
    for (const rule of rules) if (rule !== undefined) collectMissing(rule.condition, input, found);
    return build(matched, best, Object.freeze([...found].sort()));
  };

  return { order, decided, undecided, noPriority: order.ranked.length };
}
