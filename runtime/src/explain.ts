// explain(): the decision plus why, as a trace a finance person can follow (docs/language.md,
// "Outcome when several rules match"). Every rule is listed with its status and every
// comparison with its text, its truth value and the value it saw. Explanations use the
// reference evaluator, so they show exactly the semantics decide() implements; they are built
// on request only and cost nothing on the decision path.

import { OUTCOME_RANK, type Decision, type ExprIR, type FactIR, type Outcome, type PolicyIR, type RuleIR, type VerdictIR } from './ir.js';
import { comparisonActualText, comparisonText, conditionText } from './describeCondition.js';
import { collectMissing, evaluateCondition, FALSE, TRUE, UNKNOWN, type Truth } from './evaluateCondition.js';
import { approvalText, listText, type Candidate, type CandidateOrder } from './outcome.js';
import type { InputRecord } from './readInput.js';

export type TruthValue = 'true' | 'false' | 'unknown';

/** One comparison: what it tests, what it found, and the value it saw. */
export interface ComparisonTrace {
  readonly kind: 'comparison';
  /** `amount over $150.00` */
  readonly text: string;
  readonly result: TruthValue;
  /** `amount is $220.00`, `customer_tenure_days is missing`, `currency is EUR, the threshold is in USD` */
  readonly actual: string;
  /** The request fields this comparison lacked (empty unless result is unknown). */
  readonly missing_fields: readonly string[];
}

/** All of (`and`) or any of (`or`) the nested conditions. */
export interface LogicTrace {
  readonly kind: 'and' | 'or';
  readonly text: string;
  readonly result: TruthValue;
  readonly conditions: readonly ConditionTrace[];
}

/** The negation of a condition (an `unless`, a `not in`). */
export interface NotTrace {
  readonly kind: 'not';
  /** `reason is not duplicate_charge` */
  readonly text: string;
  readonly result: TruthValue;
  readonly condition: ConditionTrace;
}

/** A rule without condition: it applies to every refund. */
export interface AlwaysTrace {
  readonly kind: 'always';
  readonly text: 'every refund';
  readonly result: 'true';
}

export type ConditionTrace = ComparisonTrace | LogicTrace | NotTrace | AlwaysTrace;

export type RuleStatus = 'matched' | 'not_matched' | 'undecided';

export interface RuleTrace {
  readonly id: string;
  readonly outcome: Outcome;
  /** The approval requirement in words (`2 approvals from cfo`), or null. */
  readonly approval: string | null;
  readonly reason: string;
  readonly status: RuleStatus;
  /** The rule's conjuncts (qualifiers, `when`, `not unless`); all must hold for a match. */
  readonly conditions: readonly ConditionTrace[];
}

export interface Explanation {
  readonly decision: Decision;
  /** Every rule, in file order. */
  readonly rules: readonly RuleTrace[];
  /** One sentence on why the decision is what it is. */
  readonly why: string;
}

const TRUTH: readonly TruthValue[] = ['false', 'unknown', 'true'];
const STATUS: readonly RuleStatus[] = ['not_matched', 'undecided', 'matched'];

function traceCondition(expr: ExprIR, input: InputRecord, facts: readonly FactIR[]): ConditionTrace {
  const result = TRUTH[evaluateCondition(expr, input)] ?? 'unknown';
  switch (expr.op) {
    case 'true':
      return { kind: 'always', text: 'every refund', result: 'true' };
    case 'and':
    case 'or':
      return {
        kind: expr.op,
        text: conditionText(expr, facts),
        result,
        conditions: expr.args.map((arg) => traceCondition(arg, input, facts)),
      };
    case 'not':
      return { kind: 'not', text: conditionText(expr, facts), result, condition: traceCondition(expr.arg, input, facts) };
    default: {
      const missing = new Set<string>();
      if (result === 'unknown') collectMissing(expr, input, missing);
      return {
        kind: 'comparison',
        text: comparisonText(expr, facts),
        result,
        actual: comparisonActualText(expr, input, facts),
        missing_fields: [...missing].sort(),
      };
    }
  }
}

function verdictText(verdict: VerdictIR): string {
  return verdict.approval === undefined ? verdict.outcome : `${verdict.outcome} by ${approvalText(verdict.approval)}`;
}

function fileOrder(candidate: Candidate): number {
  return candidate.kind === 'rule' ? candidate.index : Number.MAX_SAFE_INTEGER;
}

/** Why `winner` beats `other`, as a clause: "pending_approval outranks allow (routine)". */
function beatsText(winner: Candidate, others: readonly { readonly candidate: Candidate; readonly name: string }[]): string[] {
  const clauses: string[] = [];
  // Listed in file order, verdicts last: that is how the reader finds them in the policy.
  const weaker = others
    .filter(({ candidate }) => OUTCOME_RANK[candidate.outcome] < OUTCOME_RANK[winner.outcome])
    .sort((a, b) => fileOrder(a.candidate) - fileOrder(b.candidate));
  const outcomes = [...new Set(weaker.map(({ candidate }) => candidate.outcome))].sort((a, b) => OUTCOME_RANK[b] - OUTCOME_RANK[a]);
  for (const outcome of outcomes) {
    const names = weaker.filter(({ candidate }) => candidate.outcome === outcome).map(({ name }) => name);
    clauses.push(`${winner.outcome} outranks ${outcome} (${names.join(', ')})`);
  }
  for (const { candidate, name } of others) {
    if (candidate.outcome !== winner.outcome) continue;
    if (winner.approval !== undefined && candidate.approval !== undefined) {
      if (winner.satisfiers.length < candidate.satisfiers.length) {
        clauses.push(
          `its approval (${approvalText(winner.approval)}) can be given by fewer roles (${winner.satisfiers.join(', ')}) than ${name}'s (${approvalText(candidate.approval)})`,
        );
        continue;
      }
      if (winner.approval.count > candidate.approval.count) {
        clauses.push(`it needs more approvals (${winner.approval.count}) than ${name} (${candidate.approval.count})`);
        continue;
      }
    }
    if (winner.kind === 'rule' && candidate.kind === 'rule') clauses.push(`it comes before ${name} in the file`);
    else if (winner.kind === 'rule') clauses.push(`a matched rule goes before ${name} at equal strength`);
    else clauses.push(`it goes before ${name} at equal strength`);
  }
  return clauses;
}

export interface ExplainContext {
  readonly ir: PolicyIR;
  readonly order: CandidateOrder;
}

export function explainDecision(context: ExplainContext, decision: Decision, input: InputRecord): Explanation {
  const { ir, order } = context;
  const truths: Truth[] = ir.rules.map((rule) => evaluateCondition(rule.condition, input));
  const rules: RuleTrace[] = ir.rules.map((rule, index) => traceRule(rule, truths[index] ?? FALSE, input, ir.facts));

  // "serial_refunder (missing reason) and over_charge (missing charge_amount_cents)"
  const undecidedRules = ir.rules.filter((_, index) => truths[index] === UNKNOWN);
  const undecided = undecidedRules.map((rule) => {
    const missing = new Set<string>();
    collectMissing(rule.condition, input, missing);
    return `${rule.id} (missing ${listText([...missing].sort(), 'and')})`;
  });
  const missingNote = undecided.length === 0 ? '' : `${listText(undecided, 'and')} could not be decided`;

  // Everything that was a candidate, named for people.
  const matched = order.ranked.filter((c) => c.kind === 'rule' && truths[c.index] === TRUE);
  const named = (candidate: Candidate): { candidate: Candidate; name: string } => ({
    candidate,
    name: candidate.kind === 'rule' ? (ir.rules[candidate.index]?.id ?? '?') : candidate.kind === 'otherwise' ? 'the otherwise verdict' : 'the on missing verdict',
  });
  const candidates = [...matched];
  const otherwise = order.ranked.find((c) => c.kind === 'otherwise');
  const onMissing = order.ranked.find((c) => c.kind === 'on_missing');
  if (matched.length === 0 && otherwise !== undefined) candidates.push(otherwise);
  if (undecided.length > 0 && ir.on_missing !== null && onMissing !== undefined) candidates.push(onMissing);
  candidates.sort((a, b) => order.ranked.indexOf(a) - order.ranked.indexOf(b));
  const [winner, ...losers] = candidates;

  // winner is always defined: `otherwise` is a candidate whenever no rule matched.
  const beaten = winner === undefined ? '' : beatsText(winner, losers.map(named)).join('; ');
  const note = missingNote === '' ? '' : `; ${missingNote}`;
  let why: string;
  if (winner === undefined || winner.kind === 'rule') {
    why = `${winner === undefined ? '?' : named(winner).name} decided: ${beaten === '' ? 'it is the only rule that matched' : beaten}${note}`;
  } else if (winner.kind === 'otherwise') {
    why = `No rule matched, so the otherwise verdict applies: ${verdictText(ir.default)}${beaten === '' ? '' : ` (${beaten})`}${note}`;
  } else {
    why = `${missingNote}, so the on missing verdict applies: ${verdictText(ir.on_missing ?? ir.default)}${beaten === '' ? '' : ` (${beaten})`}`;
  }
  return { decision, rules, why };
}

function traceRule(rule: RuleIR, truth: Truth, input: InputRecord, facts: readonly FactIR[]): RuleTrace {
  const conjuncts = rule.condition.op === 'and' ? rule.condition.args : [rule.condition];
  return {
    id: rule.id,
    outcome: rule.outcome,
    approval: rule.approval === undefined ? null : approvalText(rule.approval),
    reason: rule.reason,
    status: STATUS[truth] ?? 'undecided',
    conditions: conjuncts.map((conjunct) => traceCondition(conjunct, input, facts)),
  };
}
