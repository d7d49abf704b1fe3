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
import { AnalysisCancelled, inconclusiveReason } from './InconclusiveError.js';
import { BitSet, OverlapIndex } from './OverlapIndex.js';
import { boxContainsPoint, boxPoints, type Point } from './samplePoints.js';
import { boxContains } from './Box.js';
import { ruleRegions, undecidedRegion, unmatchedRegion, type RuleRegions } from './policyRegions.js';
import { DEFAULT_LIMITS, RegionAlgebra, WorkMeter, type Region } from './Region.js';
import { truthOf } from './regionOf.js';
import { runtimeDecide } from './runtimeDecide.js';
import { shadowMemo } from './ShadowMemo.js';
import { truthMemo } from './TruthMemo.js';
import { coveredAskingHolders, meetOf, strongerWinners } from './strongerWinners.js';
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

/** Holders of earlier points a rule's shadowing question tries before the index. */
const RECENT_HOLDERS = 4;

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

  // Answers from earlier analyses (ShadowMemo.ts, TruthMemo.ts), only under the default limits:
  // with lower ones a question may rightly be left inconclusive, and a kept answer would hide that.
  const memo = options.limits === undefined ? shadowMemo : null;
  const regions = options.limits === undefined ? truthMemo : null;
  const sourcesKey = JSON.stringify(ir.sources ?? null);
  const conditions: string[] = [];
  const conditionOf = (i: number): string => (conditions[i] ??= JSON.stringify(ir.rules[i]!.condition));
  memo?.begin();
  regions?.begin();

  const stopIfCancelled = (): void => {
    if (options.cancelled?.() === true) throw new AnalysisCancelled();
  };
  const truths: (Region | null)[] = ir.rules.map((rule, i) => {
    stopIfCancelled();
    const known = regions?.get(sourcesKey, conditionOf(i));
    // Taken only when computing it would not have run out of the call's budget either.
    if (known !== undefined && meter.spent + known.work <= meter.limit) {
      space.adopt(known.dimensions);
      meter.spent += known.work;
      return known.region;
    }
    try {
      const algebra = fresh();
      const { value, dimensions } = space.recording(() => truthOf(rule.condition, algebra));
      regions?.set(sourcesKey, conditionOf(i), { region: value, dimensions, work: algebra.spent() });
      return value;
    } catch (error) {
      inconclusive.push({ rule: rule.id, why: inconclusiveReason(error) });
      return null;
    }
  });

  // Each rule is compared only with the rules the index says can overlap it. The index holds
  // the rules strongest first (the runtime's order), so "stronger than rule r" is "before r's
  // rank" and the stronger rules that hold a point come out strongest first.
  const priority = rulePriorities(ir);
  const byRank = ir.rules.map((_, i) => i).sort((x, y) => (priority[x] ?? Number.POSITIVE_INFINITY) - (priority[y] ?? Number.POSITIVE_INFINITY) || x - y);
  const rankOf: number[] = [];
  byRank.forEach((rule, rank) => (rankOf[rule] = rank));
  const ranked = byRank.map((rule) => truths[rule] ?? null);
  const index = new OverlapIndex(space, ranked);
  const ranking: Ranking = { ir, byRank, truths: ranked, index, overlapping: new BitSet(byRank.length) };
  // Numbered when first needed: most rules never reach the memo.
  const ruleNumbers: number[] = [];
  const ruleNumber = (i: number): number => (ruleNumbers[i] ??= memo!.rule(sourcesKey, ir.rules[i]!.id, conditionOf(i)));
  let positions: Map<string, number> | null = null;
  const filePosition = (id: string): number => (positions ??= new Map(ir.rules.map((rule, i) => [rule.id, i]))).get(id)!;
  ir.rules.forEach((rule, position) => {
    stopIfCancelled();
    const truth = truths[position];
    if (truth === null || truth === undefined) return;
    if (truth.boxes.length === 0) {
      findings.push({ kind: 'vacuous', rule: rule.id });
      return;
    }
    const rank = rankOf[position]!;
    // Most rules are settled by sample points and single rules, for less than a memo lookup.
    const settled = settledAtOnce(ranking, rank, space);
    if (settled !== undefined) {
      if (settled !== null) findings.push({ kind: 'shadowed', rule: rule.id, by: settled });
      return;
    }
    const stronger = index.candidates(rank, rank);
    const owner = memo === null ? 0 : memo.owner(sourcesKey, conditionOf(position));
    let key: Int32Array | null = null;
    if (memo !== null) {
      key = new Int32Array(stronger.length);
      for (let k = 0; k < stronger.length; k++) key[k] = ruleNumber(byRank[stronger[k]!]!);
    }
    const known = key === null ? undefined : memo!.get(owner, key);
    if (known !== undefined) {
      // The key fixes the rules' order of strength, not their order in the file, which `by` follows.
      if (known !== null) findings.push({ kind: 'shadowed', rule: rule.id, by: [...known].sort((a, b) => filePosition(a) - filePosition(b)) });
      return;
    }
    try {
      const by = shadowedBy(ranking, rank, stronger, fresh());
      if (by !== null) findings.push({ kind: 'shadowed', rule: rule.id, by });
      if (key !== null) memo!.set(owner, key, by);
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

/** The rules in the runtime's order, strongest first, and the overlap index over them. */
interface Ranking {
  readonly ir: PolicyIR;
  /** The rule index at each rank. */
  readonly byRank: readonly number[];
  /** Each rank's TRUE region (null when unknown). */
  readonly truths: readonly (Region | null)[];
  readonly index: OverlapIndex;
  /** Scratch: the stronger rules that can overlap the rule in question. */
  readonly overlapping: BitSet;
}

/**
 * The answer for the rule at `rank` when one of two exact shortcuts gives it: null when a sample
 * point of its region is held by no stronger rule (it decides there), the one stronger rule that
 * covers it box by box when there is one (the strongest such rule: the smallest answer there is).
 * Undefined when neither settles it.
 */
function settledAtOnce({ ir, byRank, truths, index }: Ranking, rank: number, space: Space): string[] | null | undefined {
  const own = truths[rank]!;
  const idOf = (j: number): string => ir.rules[byRank[j]!]!.id;
  const points = own.boxes.flatMap((box) => boxPoints(space, box));
  if (points.length === 0) {
    for (const j of index.candidates(rank, rank)) if (coversAll(space, truths[j]!, own)) return [idOf(j)];
    return undefined;
  }
  // The rules that can overlap it on symbol dimensions; mayHold checks the rest per point.
  const overlapping = index.candidateSet(rank);
  for (const point of points) {
    let held = false;
    for (const j of index.mayHold(point, overlapping, rank)) {
      if (holdsPoint(space, truths[j]!, point)) {
        held = true;
        break;
      }
    }
    if (!held) return null;
  }
  // A rule that covers it holds every point, so the first point's holders are enough.
  for (const j of index.mayHold(points[0]!, overlapping, rank)) if (coversAll(space, truths[j]!, own)) return [idOf(j)];
  return undefined;
}

function holdsPoint(space: Space, region: Region, point: Point): boolean {
  return region.boxes.some((box) => boxContainsPoint(space, box, point));
}

/** Whether each box of `inner` lies in one box of `outer`. */
function coversAll(space: Space, outer: Region, inner: Region): boolean {
  return inner.boxes.every((box) => outer.boxes.some((part) => boxContains(space, part, box)));
}

/**
 * The rules that together always beat the rule at `rank` where it matches, or null when it
 * decides somewhere, once settledAtOnce has not settled it; `strongestFirst` are the stronger
 * rules that can overlap it (the index's candidates), strongest first. The rule is shadowed when
 * they together cover it, and `by` is chosen from those that decide somewhere in it
 * (strongerWinners.ts): dropping those the others make redundant, weakest first, so `by` names
 * a set none of whose members can go (in file order) and keeps the rules that actually decide
 * there.
 */
function shadowedBy({ ir, byRank, truths, index, overlapping }: Ranking, rank: number, strongestFirst: readonly number[], algebra: RegionAlgebra): string[] | null {
  const own = truths[rank]!;
  const space = algebra.space;
  const idOf = (j: number): string => ir.rules[byRank[j]!]!.id;
  const holds = (j: number, point: Point): boolean => holdsPoint(space, truths[j]!, point);
  // The stronger rules that can overlap it, as a set: mayHold reads only these.
  overlapping.words.fill(0);
  for (const j of strongestFirst) overlapping.add(j);
  // Any earlier holder will do (strongerWinners asks for one), and the same few rules hold
  // most points of one rule's question: those found last are tried before the index.
  const recent: number[] = [];
  const holderBefore = (point: Point, position: number): Region | null => {
    const limit = position < strongestFirst.length ? strongestFirst[position]! : rank;
    for (const j of recent) if (j < limit && holds(j, point)) return truths[j]!;
    for (const j of index.mayHold(point, overlapping, limit)) {
      if (!holds(j, point)) continue;
      recent.unshift(j);
      if (recent.length > RECENT_HOLDERS) recent.pop();
      return truths[j]!;
    }
    return null;
  };
  const winners = strongerWinners(
    algebra,
    own,
    strongestFirst.map((j) => truths[j]!),
    holderBefore,
  );
  if (winners === null) return null;
  const used = winners.map((position) => strongestFirst[position]!);
  // kept covers own throughout, so j can go exactly when the part of own only j was needed for
  // is covered by the others.
  let kept = [...used];
  for (const j of used.length > 1 ? [...used].reverse() : []) {
    const without = kept.filter((k) => k !== j);
    if (without.length === 0) continue;
    const part = meetOf(algebra, own, truths[j]!);
    // Asked of the rules holding its points first, weakest first: the rules kept so far, weaker
    // than j, usually cover its part alone.
    const holderOf = (point: Point): Region | null => {
      for (let k = without.length - 1; k >= 0; k--) if (holds(without[k]!, point)) return truths[without[k]!]!;
      return null;
    };
    if (coveredAskingHolders(algebra, part, holderOf, () => without.flatMap((k) => truths[k]!.boxes))) kept = without;
  }
  return kept.sort((a, b) => byRank[a]! - byRank[b]!).map(idOf);
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
