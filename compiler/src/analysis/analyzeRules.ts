// Rule-level findings for the compiler's warnings (docs/language.md, "Precise rules >
// Diagnostics severities"): rules that can never match (vacuous), rules that can never decide
// because stronger rules always match with them (shadowed), and currencies that slip through
// every money threshold to `otherwise allow` (currency_gap). Each claim is either a proof over
// the exact region algebra (vacuous, shadowed) or carries a request the runtime confirms
// (currency_gap); when neither is possible the analysis stays silent and says why.

import { validateIR, type DecisionInput, type ExprIR, type PolicyIR, type ValueIR } from '@axiru/runtime';
import type { AnalysisOptions } from './AnalysisOptions.js';
import { rulePriorities } from './candidateOrder.js';
import { CURRENCY_KEY, Space } from './Dimension.js';
import { symbolSet } from './DimensionSet.js';
import { inconclusiveReason } from './InconclusiveError.js';
import { OverlapIndex } from './OverlapIndex.js';
import { boxContainsPoint, boxPoints } from './samplePoints.js';
import { boxContains, intersectBoxes } from './Box.js';
import { ruleRegions, undecidedRegion, unmatchedRegion, type RuleRegions } from './policyRegions.js';
import { DEFAULT_LIMITS, RegionAlgebra, WorkMeter, type Region } from './Region.js';
import { regionOf } from './regionOf.js';
import { runtimeDecide } from './runtimeDecide.js';
import { witness } from './witness.js';

export type RuleFinding =
  | { readonly kind: 'vacuous'; readonly rule: string; readonly witness?: undefined }
  | { readonly kind: 'shadowed'; readonly rule: string; readonly by: readonly string[] }
  | { readonly kind: 'currency_gap'; readonly currencies: readonly string[]; readonly witness: DecisionInput };

export interface RuleAnalysis {
  readonly findings: readonly RuleFinding[];
  /** Questions the analysis could not settle: `rule` null for policy-level ones. */
  readonly inconclusive: readonly { readonly rule: string | null; readonly why: string }[];
}

/** Box operations a call may spend per rule of the policy, beyond the fixed total budget. */
const WORK_PER_RULE = 4_000;

export function analyzeRules(ir: PolicyIR, options: AnalysisOptions = {}): RuleFinding[] {
  return [...analyzeRulesReport(ir, options).findings];
}

export function analyzeRulesReport(ir: PolicyIR, options: AnalysisOptions = {}): RuleAnalysis {
  // Witnesses are checked by loading the policy; IR the runtime refuses gets no findings at all.
  const valid = validateIR(ir);
  if (!valid.ok) return { findings: [], inconclusive: [{ rule: null, why: `invalid IR: ${valid.errors.join('; ')}` }] };
  const findings: RuleFinding[] = [];
  const inconclusive: { rule: string | null; why: string }[] = [];
  const space = new Space({ sources: ir.sources });

  // One algebra (one work budget) per question, so that one hard rule cannot starve the rest;
  // all of them share the call's total budget.
  const limits = options.limits ?? DEFAULT_LIMITS;
  // The call's budget grows with the policy: each rule is one question of bounded work, so a
  // large policy is not left unanalysed merely for being large.
  const meter = new WorkMeter(Math.max(limits.maxTotalWork ?? limits.maxWork, ir.rules.length * WORK_PER_RULE));
  const fresh = (): RegionAlgebra => new RegionAlgebra(space, limits, meter);

  const truths: (Region | null)[] = ir.rules.map((rule) => {
    try {
      return regionOf(rule.condition, fresh()).truth;
    } catch (error) {
      inconclusive.push({ rule: rule.id, why: inconclusiveReason(error) });
      return null;
    }
  });

  // Each rule is compared only with the rules the index says can overlap it.
  const index = new OverlapIndex(space, truths);
  ir.rules.forEach((rule, position) => {
    const truth = truths[position];
    if (truth === null || truth === undefined) return;
    if (truth.boxes.length === 0) {
      findings.push({ kind: 'vacuous', rule: rule.id });
      return;
    }
    try {
      const by = shadowedBy(ir, position, truths, index, fresh());
      if (by !== null) findings.push({ kind: 'shadowed', rule: rule.id, by });
    } catch (error) {
      inconclusive.push({ rule: rule.id, why: inconclusiveReason(error) });
    }
  });

  try {
    const gap = currencyGap(ir, space, fresh(), options);
    if (gap.finding !== null) findings.push(gap.finding);
    if (gap.why !== null) inconclusive.push({ rule: null, why: gap.why });
  } catch (error) {
    inconclusive.push({ rule: null, why: inconclusiveReason(error) });
  }
  return { findings, inconclusive };
}

/**
 * The rules that together always beat rule `index` where it matches, or null when it decides
 * somewhere. Walks the stronger rules that can overlap it, strongest first, carving each one's
 * region out of what is left of the rule's own; the rule is shadowed when nothing is left. Then
 * drops those the others make redundant, weakest first, so `by` names a set none of whose
 * members can go (in file order) and keeps the rules that actually decide there.
 */
function shadowedBy(ir: PolicyIR, index: number, truths: readonly (Region | null)[], overlaps: OverlapIndex, algebra: RegionAlgebra): string[] | null {
  const own = truths[index]!;
  const priority = rulePriorities(ir);
  const mine = priority[index] ?? Number.POSITIVE_INFINITY;
  const strongestFirst = overlaps
    .candidates(index, (j) => truths[j] != null && (priority[j] ?? Number.POSITIVE_INFINITY) < mine)
    .sort((x, y) => (priority[x] ?? 0) - (priority[y] ?? 0));
  if (strongestFirst.length === 0) return null;
  // A point of the rule's region that no stronger rule matches settles it: it decides there.
  for (const box of own.boxes) {
    for (const point of boxPoints(algebra.space, box)) {
      if (!strongestFirst.some((j) => truths[j]!.boxes.some((other) => boxContainsPoint(algebra.space, other, point)))) return null;
    }
  }
  // One stronger rule that covers it box by box is a whole answer, and the smallest there is:
  // the strongest such rule.
  for (const j of strongestFirst) {
    const other = truths[j]!.boxes;
    if (own.boxes.every((box) => other.some((outer) => boxContains(algebra.space, outer, box)))) return [ir.rules[j]!.id];
  }
  let left = own;
  const used: number[] = [];
  for (const j of strongestFirst) {
    const other = truths[j]!;
    if (!left.boxes.some((box) => other.boxes.some((cut) => intersectBoxes(algebra.space, box, cut) !== null))) continue;
    used.push(j);
    left = algebra.subtract(left, other);
    if (algebra.isEmpty(left)) break;
  }
  if (!algebra.isEmpty(left) || used.length === 0) return null;
  // kept covers own throughout, so j can go exactly when the part of own only j was needed for
  // is covered by the others: (own ∩ j) minus the others is empty. No union is built.
  let kept = [...used];
  for (const j of used.length > 1 ? [...used].reverse() : []) {
    const without = kept.filter((k) => k !== j);
    if (without.length === 0) continue;
    const others: Region = { boxes: without.flatMap((k) => truths[k]!.boxes) };
    if (algebra.isEmpty(algebra.subtract(algebra.intersect(own, truths[j]!), others))) kept = without;
  }
  return kept.sort((a, b) => a - b).map((j) => ir.rules[j]!.id);
}

function moneyCurrencies(expr: ExprIR, out: Set<string>): void {
  const visit = (value: ValueIR): void => {
    if (value.type === 'money') out.add(value.currency);
  };
  switch (expr.op) {
    case 'true':
    case 'ratio':
      return;
    case 'and':
    case 'or':
      expr.args.forEach((arg) => moneyCurrencies(arg, out));
      return;
    case 'not':
      moneyCurrencies(expr.arg, out);
      return;
    case 'cmp':
      visit(expr.value);
      return;
    case 'between':
      visit(expr.low);
      visit(expr.high);
      return;
    case 'in':
      expr.values.forEach(visit);
      return;
  }
}

/**
 * With `otherwise allow`, a refund in a currency no threshold mentions may match no rule and be
 * allowed silently. The gap region: such a currency, no rule matched, and no `on missing`
 * stricter than allow in play.
 */
function currencyGap(
  ir: PolicyIR,
  space: Space,
  algebra: RegionAlgebra,
  options: AnalysisOptions,
): { finding: RuleFinding | null; why: string | null } {
  const covered = new Set<string>();
  ir.rules.forEach((rule) => moneyCurrencies(rule.condition, covered));
  const currencies = [...covered].sort();
  if (ir.default.outcome !== 'allow' || currencies.length === 0) return { finding: null, why: null };

  const rules: RuleRegions[] = ruleRegions(ir, algebra);
  const elsewhere = algebra.box([[CURRENCY_KEY, symbolSet(space.currency(), currencies, true)]]);
  let gap = algebra.intersect(elsewhere, unmatchedRegion(rules, algebra));
  if (ir.on_missing !== null && ir.on_missing.outcome !== 'allow') {
    gap = algebra.subtract(gap, undecidedRegion(rules, algebra));
  }
  if (algebra.isEmpty(gap)) return { finding: null, why: null };

  const decide = options.decide ?? runtimeDecide;
  const found = witness(
    space,
    gap,
    (input) => {
      const decision = decide(ir, input);
      const currency = typeof input.currency === 'string' ? input.currency.toUpperCase() : 'USD';
      return decision.outcome === 'allow' && decision.matched_rules.length === 0 && !covered.has(currency);
    },
    { sourcePreference: ir.sources },
  );
  if (found === null) return { finding: null, why: 'a currency gap looks possible but no request could be built that the runtime confirms' };
  return { finding: { kind: 'currency_gap', currencies, witness: found }, why: null };
}
