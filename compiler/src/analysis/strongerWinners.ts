// Which stronger rules decide somewhere in a rule's region: the rules `by` is chosen from when the
// rule is shadowed. A stronger rule decides somewhere exactly when part of the region it holds is
// not held by any rule stronger still, so each rule is its own coverage question. Splitting the
// region around every stronger rule at once (the other way to ask) multiplies pieces along every
// dimension any of them tests: an `allow` under a hundred `flag … when customer refunds in last
// N days …` rules, each with its own N, split into thousands of pieces that way, while here
// almost every rule is settled by one sample point no stronger rule holds.

import { boxesMeet, intersectBoxes, type Box } from './Box.js';
import { GAVE_UP, uncoveredBoxes } from './boxCover.js';
import { coveredBy } from './coverage.js';
import type { Region, RegionAlgebra } from './Region.js';
import { boxContainsPoint, boxPoints, type Point } from './samplePoints.js';

/**
 * The region of some rule before `position` (among the stronger ones; `stronger.length` for any
 * of them) that holds the point, or null when none does.
 */
export type HolderBefore = (point: Point, position: number) => Region | null;

/**
 * The positions among `stronger` (strongest first) of the rules that decide somewhere in `own`
 * (each holds an input of it that no earlier one holds), in increasing order, or null when some
 * input of `own` is held by none of them. `holderBefore` may answer from an index; by default it
 * looks at every earlier region.
 */
export function strongerWinners(
  algebra: RegionAlgebra,
  own: Region,
  stronger: readonly Region[],
  holderBefore: HolderBefore = scanEarlier(algebra, stronger),
): number[] | null {
  if (algebra.space.hasRatios()) return carved(algebra, own, stronger);
  // `earlier.slice(0, ends[p])` are the boxes of the rules before position p.
  const earlier: Box[] = [];
  const ends: number[] = [];
  for (const region of stronger) {
    ends.push(earlier.length);
    earlier.push(...region.boxes);
  }
  if (!coveredAskingHolders(algebra, own, (point) => holderBefore(point, stronger.length), () => earlier)) return null;
  const winners: number[] = [];
  stronger.forEach((region, position) => {
    const held = meetOf(algebra, own, region);
    if (held.boxes.length === 0) return;
    if (!coveredAskingHolders(algebra, held, (point) => holderBefore(point, position), () => earlier.slice(0, ends[position]))) winners.push(position);
  });
  return winners;
}

/**
 * Whether `cuts` (all of the rules in question) cover `region`: asked first of the rules that
 * hold its sample points (heldByHolders), then, when that settles nothing, of all of them.
 */
export function coveredAskingHolders(
  algebra: RegionAlgebra,
  region: Region,
  holderOf: (point: Point) => Region | null,
  cuts: () => readonly Box[],
): boolean {
  return heldByHolders(algebra, region, holderOf) ?? coveredBy(algebra, region, cuts());
}

/** Rounds of heldByHolders before the question goes to all the earlier rules. */
const HOLDER_ROUNDS = 6;

/**
 * Whether some rules cover `region`, asking only those that hold its sample points (`holderOf`
 * finds one for a point, or null): a point none of them holds settles it (not covered), and the
 * rules holding the points usually cover it all (covered by some of the rules is covered by them
 * all). What they leave is sampled again for more holders, a few rounds; null when that settles
 * nothing, and always in a space with ratio axes (where a box may hold no real request, so
 * neither sample points nor box-by-box coverage apply).
 */
function heldByHolders(algebra: RegionAlgebra, region: Region, holderOf: (point: Point) => Region | null): boolean | null {
  if (algebra.space.hasRatios()) return null;
  const seen = new Set<Region>();
  const cuts: Box[] = [];
  let left: readonly Box[] = region.boxes;
  for (let round = 0; round < HOLDER_ROUNDS; round++) {
    let found = false;
    for (const box of left) {
      for (const point of boxPoints(algebra.space, box)) {
        const holder = holderOf(point);
        if (holder === null) return false;
        if (seen.has(holder)) continue;
        seen.add(holder);
        cuts.push(...holder.boxes);
        found = true;
      }
    }
    // No new holder: the points of what is left are read as held by the same rules (a point
    // stands for several inputs on a field it leaves free), so sampling cannot go further.
    if (!found) return null;
    const rest = uncoveredBoxes(algebra.space, left, cuts);
    if (rest === GAVE_UP) return null;
    if (rest.length === 0) return true;
    left = rest;
  }
  return null;
}

/**
 * The same answer by the region algebra, for spaces with ratio axes (where a box may hold no
 * real request, so neither sample points nor box-by-box coverage apply): carve each rule's region
 * out of what is left of `own`, strongest first; a rule decides somewhere exactly when it meets
 * what the earlier ones left.
 */
function carved(algebra: RegionAlgebra, own: Region, stronger: readonly Region[]): number[] | null {
  let left = own;
  const used: number[] = [];
  for (const [position, other] of stronger.entries()) {
    if (!left.boxes.some((box) => other.boxes.some((cut) => boxesMeet(algebra.space, box, cut)))) continue;
    used.push(position);
    left = algebra.subtract(left, other);
    if (algebra.isEmpty(left)) break;
  }
  return algebra.isEmpty(left) && used.length > 0 ? used : null;
}

/** The first earlier region that holds the point, region by region. */
function scanEarlier(algebra: RegionAlgebra, stronger: readonly Region[]): HolderBefore {
  return (point, position) => {
    for (let i = 0; i < position; i++) {
      if (stronger[i]!.boxes.some((box) => boxContainsPoint(algebra.space, box, point))) return stronger[i]!;
    }
    return null;
  };
}

/** The part of `region` inside `other`, as boxes (not simplified: for coverage questions). */
export function meetOf(algebra: RegionAlgebra, region: Region, other: Region): Region {
  const boxes: Box[] = [];
  for (const box of region.boxes) {
    for (const part of other.boxes) {
      if (!boxesMeet(algebra.space, box, part)) continue;
      boxes.push(intersectBoxes(algebra.space, box, part)!);
    }
  }
  return { boxes };
}
