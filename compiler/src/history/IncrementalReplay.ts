// Replays of one HistorySnapshot through version after version of a policy, re-evaluating only
// the conditions an edit changed: the language server's hit counts, recomputed as you type.
//
// Whether a rule matches a refund depends on its condition alone: true, false, or unknown (an
// input it reads is missing). For each condition that result is kept over the whole history as
// two bit vectors, keyed by the condition's canonical JSON, so an edit to one rule of a thousand
// evaluates one condition and reuses the rest. From the vectors:
// - each rule's matched count and amounts are its condition's own;
// - the deciding candidate of a refund is the strongest matched rule in the runtime's candidate
//   order (orderCandidates), else `otherwise`; `on missing` decides instead when some rule is
//   unknown and it outranks that candidate ("most restrictive wins", runtime decisionBuilder.ts);
// - every other total is added up by the replay's own ReportBuilder.
// The report equals replay()'s for the same policy and history (the tests compare them).
//
// Conditions are evaluated by the runtime itself: a policy of the new rules alone decides every
// refund, and a policy of one rule settles, where an input was missing, whether that rule was
// unknown or simply false. The vectors hold for one set of derived facts; a policy with other
// facts starts afresh.

import { canonicalJson, inputNameOf, listInputName, loadPolicy, orderCandidates, type Decision, type DecisionInput, type ExprIR, type FieldIR, type JsonValue, type LoadedPolicy, type PolicyIR, type RuleIR, type VerdictIR } from '@axiru/runtime';
import type { HistorySnapshot } from './HistorySnapshot.js';
import { ReportBuilder, type ReplayReport, type RuleHits } from './ReplayReport.js';

/** Above this many new conditions, one policy of them all decides each refund instead of one policy each. */
const SEPARATE_LIMIT = 8;

/**
 * One condition over the history: bit i of `truth` says refund i matched, of `unknown` that it
 * could not tell. Only `on missing` cares which rules could not tell, and finding them is most of
 * the work when many inputs are missing, so `unknown` is null until a policy with `on missing` asks.
 */
interface ConditionVector {
  readonly truth: Uint32Array;
  readonly unknown: Uint32Array | null;
  readonly matched: number;
  readonly amount: Readonly<Record<string, number>>;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** What ReportBuilder reads from a decision; the rest is filler it never looks at. */
function tally(verdict: VerdictIR, matchedRule: string | null): Decision {
  const approval = verdict.outcome === 'pending_approval' ? verdict.approval : undefined;
  return {
    outcome: verdict.outcome,
    reason: '',
    policy_version: '',
    matched_rule: matchedRule,
    approver_role: approval?.roles[0] ?? null,
    approver_roles: null,
    approvals_required: null,
    matched_rules: EMPTY,
    missing_fields: EMPTY,
  };
}

/** The request fields a condition reads, by their input names (as `missing_fields` lists them). */
function fieldsOf(condition: ExprIR, into = new Set<string>()): Set<string> {
  const add = (field: FieldIR) => into.add(inputNameOf(field));
  switch (condition.op) {
    case 'true':
      break;
    case 'and':
    case 'or':
      for (const arg of condition.args) fieldsOf(arg, into);
      break;
    case 'not':
      fieldsOf(condition.arg, into);
      break;
    case 'ratio':
      add(condition.field);
      add(condition.of);
      break;
    case 'in_list':
      add(condition.field);
      into.add(listInputName(condition.list));
      break;
    default:
      add(condition.field);
  }
  return into;
}

export class IncrementalReplay {
  private vectors = new Map<string, ConditionVector>();
  private inputs: readonly DecisionInput[] | null = null;
  private readonly words: number;
  private readonly currencyOf: Int32Array;
  private readonly currencies: string[] = [];
  private evaluated = 0;

  constructor(readonly snapshot: HistorySnapshot) {
    const rows = snapshot.rows;
    this.words = Math.ceil(rows.length / 32);
    this.currencyOf = new Int32Array(rows.length);
    const index = new Map<string, number>();
    rows.forEach((row, i) => {
      let at = index.get(row.refund.currency);
      if (at === undefined) {
        at = this.currencies.length;
        index.set(row.refund.currency, at);
        this.currencies.push(row.refund.currency);
      }
      this.currencyOf[i] = at;
    });
  }

  /** Conditions evaluated over the history so far (the cost of the replays: reused ones are free). */
  get conditionsEvaluated(): number {
    return this.evaluated;
  }

  /** What replay(policy, paths) reports for the snapshot's files. */
  replay(policy: LoadedPolicy): ReplayReport {
    const ir = policy.ir;
    const inputs = this.snapshot.inputsFor(ir.facts);
    if (inputs !== this.inputs) {
      // Other facts, other inputs: no condition's results carry over.
      this.vectors = new Map();
      this.inputs = inputs;
    }
    const keys = ir.rules.map((rule) => canonicalJson(rule.condition as unknown as JsonValue));
    const withUnknown = ir.on_missing !== null;
    const fresh = new Map<string, RuleIR>();
    ir.rules.forEach((rule, i) => {
      const key = keys[i] as string;
      const known = this.vectors.get(key);
      if ((known === undefined || (withUnknown && known.unknown === null)) && !fresh.has(key)) fresh.set(key, rule);
    });
    const computed = this.evaluate(ir, [...fresh.values()], inputs, withUnknown);
    [...fresh.keys()].forEach((key, i) => this.vectors.set(key, computed[i] as ConditionVector));
    // Only the current version's conditions are kept: memory stays at one policy's worth.
    const current = new Set(keys);
    for (const key of this.vectors.keys()) if (!current.has(key)) this.vectors.delete(key);
    const vectors = keys.map((key) => this.vectors.get(key) as ConditionVector);
    return this.report(policy, vectors);
  }

  /** Evaluates the conditions of `rules` over every refund. */
  private evaluate(ir: PolicyIR, rules: readonly RuleIR[], inputs: readonly DecisionInput[], withUnknown: boolean): ConditionVector[] {
    if (rules.length === 0) return [];
    this.evaluated += rules.length;
    const truth = rules.map(() => new Uint32Array(this.words));
    const unknown = rules.map(() => new Uint32Array(this.words));
    const single = rules.map((rule) => () => loadPolicy({ ...ir, rules: [rule] }));
    if (rules.length <= SEPARATE_LIMIT) {
      rules.forEach((_, r) => {
        const policy = single[r]!();
        const t = truth[r] as Uint32Array;
        const u = unknown[r] as Uint32Array;
        for (let i = 0; i < inputs.length; i++) {
          const decision = policy.decide(inputs[i] as DecisionInput);
          if (decision.matched_rules.length > 0) t[i >>> 5]! |= 1 << (i & 31);
          else if (decision.missing_fields.length > 0) u[i >>> 5]! |= 1 << (i & 31);
        }
      });
    } else {
      const together = loadPolicy({ ...ir, rules });
      const position = new Map(rules.map((rule, r) => [rule.id, r]));
      const reads = rules.map((rule) => fieldsOf(rule.condition));
      const loaded: (LoadedPolicy | undefined)[] = [];
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i] as DecisionInput;
        const decision = together.decide(input);
        const word = i >>> 5;
        const bit = 1 << (i & 31);
        for (const id of decision.matched_rules) (truth[position.get(id) as number] as Uint32Array)[word]! |= bit;
        if (!withUnknown || decision.missing_fields.length === 0) continue;
        // Some rule could not tell: only a rule reading a missing field can be one of them.
        for (let r = 0; r < rules.length; r++) {
          if (((truth[r] as Uint32Array)[word]! & bit) !== 0) continue;
          const fields = reads[r] as Set<string>;
          if (!decision.missing_fields.some((name) => fields.has(name))) continue;
          const policy = (loaded[r] ??= single[r]!());
          if (policy.decide(input).missing_fields.length > 0) (unknown[r] as Uint32Array)[word]! |= bit;
        }
      }
    }
    // One rule at a time, its policy tells unknown from false at no extra cost: keep both.
    const keepUnknown = withUnknown || rules.length <= SEPARATE_LIMIT;
    return rules.map((_, r) => this.vectorOf(truth[r] as Uint32Array, keepUnknown ? (unknown[r] as Uint32Array) : null));
  }

  private vectorOf(truth: Uint32Array, unknown: Uint32Array | null): ConditionVector {
    const counts = new Int32Array(this.currencies.length);
    const sums = new Float64Array(this.currencies.length);
    const rows = this.snapshot.rows;
    let matched = 0;
    for (let w = 0; w < truth.length; w++) {
      let bits = truth[w] as number;
      while (bits !== 0) {
        const low = bits & -bits;
        const i = w * 32 + 31 - Math.clz32(low);
        bits ^= low;
        matched++;
        const currency = this.currencyOf[i] as number;
        counts[currency]!++;
        sums[currency]! += (rows[i] as (typeof rows)[number]).refund.amount_cents;
      }
    }
    const amount: Record<string, number> = {};
    const order = this.currencies.map((code, index) => ({ code, index })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    for (const { code, index } of order) if ((counts[index] as number) > 0) amount[code] = sums[index] as number;
    return { truth, unknown, matched, amount };
  }

  private report(policy: LoadedPolicy, vectors: readonly ConditionVector[]): ReplayReport {
    const ir = policy.ir;
    const rows = this.snapshot.rows;
    const order = orderCandidates(ir);
    const NONE = -1;
    // The deciding rule's priority per refund: rules strongest first, each taking the refunds
    // it matched that no stronger rule took.
    const winner = new Int32Array(rows.length).fill(NONE);
    const taken = new Uint32Array(this.words);
    order.ranked.forEach((candidate, priority) => {
      if (candidate.kind !== 'rule') return;
      const truth = (vectors[candidate.index] as ConditionVector).truth;
      for (let w = 0; w < truth.length; w++) {
        let bits = (truth[w] as number) & ~(taken[w] as number);
        if (bits === 0) continue;
        taken[w]! |= bits;
        while (bits !== 0) {
          const low = bits & -bits;
          winner[w * 32 + 31 - Math.clz32(low)] = priority;
          bits ^= low;
        }
      }
    });
    let undecided: Uint32Array | null = null;
    if (ir.on_missing !== null) {
      undecided = new Uint32Array(this.words);
      for (const { unknown } of vectors) if (unknown !== null) for (let w = 0; w < undecided.length; w++) undecided[w]! |= unknown[w] as number;
    }
    const decisions = order.ranked.map((candidate) => {
      if (candidate.kind === 'rule') {
        const rule = ir.rules[candidate.index] as RuleIR;
        return tally(rule, rule.id);
      }
      return tally(candidate.kind === 'otherwise' ? ir.default : (ir.on_missing ?? ir.default), null);
    });
    const builder = new ReportBuilder(policy);
    for (let i = 0; i < rows.length; i++) {
      const won = winner[i] as number;
      let priority = won === NONE ? order.otherwisePriority : won;
      if (undecided !== null && ((undecided[i >>> 5] as number) & (1 << (i & 31))) !== 0 && order.onMissingPriority < priority) {
        priority = order.onMissingPriority;
      }
      builder.add(rows[i] as (typeof rows)[number], decisions[priority] as Decision);
    }
    const built = builder.finish(this.snapshot.badRows, this.snapshot.badRowCount);
    const rules: Record<string, RuleHits> = {};
    ir.rules.forEach((rule, r) => {
      const vector = vectors[r] as ConditionVector;
      rules[rule.id] = { outcome: rule.outcome, matched: vector.matched, decided: (built.rules[rule.id] as RuleHits).decided, amount: { ...vector.amount } };
    });
    return { ...built, rules };
  }
}
