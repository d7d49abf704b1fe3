// A policy's decisions as regions: for each rule where it matches (TRUE), fails (FALSE) and is
// undecided (UNKNOWN); and for each candidate verdict the region where it decides. The latter
// follow the runtime's rule that the strongest applicable candidate wins, walking candidates
// strongest first and carving each one's region out of what is left:
//   a rule applies where it matches; `on missing` where some rule is undecided;
//   `otherwise` where no rule matches.

import type { PolicyIR, RuleIR, VerdictIR } from '@axiru/runtime';
import { candidateOrder, verdictKey, type Candidate } from './candidateOrder.js';
import type { Region, RegionAlgebra } from './Region.js';
import { regionOf, unknownOf } from './regionOf.js';

export interface RuleRegions {
  readonly rule: RuleIR;
  readonly index: number;
  readonly truth: Region;
  readonly falsity: Region;
}

export interface WinnerRegion {
  readonly candidate: Candidate;
  readonly region: Region;
}

export interface VerdictRegion {
  readonly key: string;
  readonly verdict: VerdictIR;
  /** Where the decision has this outcome (and, for approvals, these roles and count). */
  readonly region: Region;
}

export function ruleRegions(ir: PolicyIR, algebra: RegionAlgebra): RuleRegions[] {
  return ir.rules.map((rule, index) => ({ rule, index, ...regionOf(rule.condition, algebra) }));
}

/** Where some rule is undecided. */
export function undecidedRegion(rules: readonly RuleRegions[], algebra: RegionAlgebra): Region {
  return algebra.union(...rules.map((r) => unknownOf(r, algebra)));
}

/** Where no rule matches. */
export function unmatchedRegion(rules: readonly RuleRegions[], algebra: RegionAlgebra): Region {
  return algebra.complement(algebra.union(...rules.map((r) => r.truth)));
}

/** The region where each candidate decides; together they partition the input space. */
export function winnerRegions(ir: PolicyIR, rules: readonly RuleRegions[], algebra: RegionAlgebra, within: Region = algebra.full()): WinnerRegion[] {
  const out: WinnerRegion[] = [];
  let remaining = within;
  const pendingRules = new Set(rules.map((r) => r.index));
  for (const candidate of candidateOrder(ir)) {
    if (algebra.isEmpty(remaining)) break;
    let region: Region;
    switch (candidate.source.kind) {
      case 'rule': {
        const truth = rules[candidate.source.index]!.truth;
        pendingRules.delete(candidate.source.index);
        region = algebra.intersect(remaining, truth);
        remaining = algebra.subtract(remaining, truth);
        break;
      }
      case 'on_missing': {
        const undecided = undecidedRegion(rules, algebra);
        region = algebra.intersect(remaining, undecided);
        remaining = algebra.subtract(remaining, undecided);
        break;
      }
      case 'otherwise': {
        // What is left already excludes every rule handled so far: "no rule matches" there
        // means none of the rules still to come matches — far cheaper than a complement.
        const later = algebra.union(...[...pendingRules].map((index) => rules[index]!.truth));
        region = algebra.subtract(remaining, later);
        remaining = algebra.intersect(remaining, later);
        break;
      }
    }
    if (!algebra.isEmpty(region)) out.push({ candidate, region });
  }
  return out;
}

/** Winner regions (within `within`, everywhere by default) grouped by what the decision exposes (outcome, approver roles and count), in order of first appearance. */
export function verdictRegions(ir: PolicyIR, algebra: RegionAlgebra, within?: Region): VerdictRegion[] {
  const winners = winnerRegions(ir, ruleRegions(ir, algebra), algebra, within);
  const grouped = new Map<string, { verdict: VerdictIR; regions: Region[] }>();
  for (const { candidate, region } of winners) {
    const key = verdictKey(candidate.verdict);
    const group = grouped.get(key);
    if (group === undefined) grouped.set(key, { verdict: candidate.verdict, regions: [region] });
    else group.regions.push(region);
  }
  return [...grouped].map(([key, { verdict, regions }]) => ({ key, verdict, region: algebra.union(...regions) }));
}
