// Points of the analysis' space (one value, or "missing", per dimension), to refute coverage
// cheaply: a point of a rule's TRUE region that lies in none of the stronger rules' TRUE
// regions proves, exactly, that the rule decides somewhere — no region subtraction needed.
// Most rules of a large policy decide somewhere, and the points tried (each box's extreme
// values, with every field it leaves free missing) usually show it at once; only when every
// point is covered does the analysis fall back to the exact subtraction.

import type { Box } from './Box.js';
import type { Dimension, Space } from './Dimension.js';
import type { DimensionSet } from './DimensionSet.js';

/** A value per dimension key; a key left out is missing (or, when it cannot be, a value no box names). */
export type Point = ReadonlyMap<string, number | string | null>;

/** A symbol no policy names, for "any value but these". */
export const FRESH = '\u0000fresh';

function ends(dimension: Dimension, set: DimensionSet): (number | string | null)[] {
  const out: (number | string | null)[] = [];
  if (set.kind === 'number') {
    const first = set.intervals[0];
    const last = set.intervals[set.intervals.length - 1];
    if (first !== undefined) out.push(first.loOpen ? nudge(dimension, first.lo, 1) : first.lo);
    if (last !== undefined && Number.isFinite(last.hi)) out.push(last.hiOpen ? nudge(dimension, last.hi, -1) : last.hi);
    else if (last !== undefined) out.push(Math.max(last.lo, 0) * 2 + 1e9);
  } else if (set.exclude) {
    out.push(FRESH);
  } else {
    if (set.values[0] !== undefined) out.push(set.values[0]);
    if (set.values.length > 1) out.push(set.values[set.values.length - 1]!);
  }
  if (set.missing) out.push(null);
  return out;
}

/** Just inside an open end: the next integer, or a little way in for real dimensions. */
function nudge(dimension: Dimension, value: number, direction: 1 | -1): number {
  return dimension.kind === 'integer' ? value + direction : value + direction * 1e-6 * Math.max(1, Math.abs(value));
}

/** A few points of a box: all lowest ends, all highest ends, and each dimension flipped once. */
export function boxPoints(space: Space, box: Box): Point[] {
  return candidatePoints(space, box).filter((point) => boxContainsPoint(space, box, point));
}

function candidatePoints(space: Space, box: Box): Point[] {
  const keys = [...box.keys()];
  const choices = keys.map((key) => ends(space.get(key), box.get(key)!));
  const pointOf = (pick: (i: number) => number): Point => new Map(keys.map((key, i) => [key, choices[i]![Math.min(pick(i), choices[i]!.length - 1)]!]));
  const points = [pointOf(() => 0), pointOf(() => 1)];
  for (let flip = 0; flip < keys.length; flip++) {
    points.push(pointOf((i) => (i === flip ? 1 : 0)));
    if ((choices[flip]?.length ?? 0) > 2) points.push(pointOf((i) => (i === flip ? 2 : 0)));
  }
  return points;
}

/**
 * Whether the point's value lies in the set. A dimension the point leaves free is missing when
 * it can be, a fresh symbol when any string can be; otherwise (finite universes, ratio axes)
 * the point stands for several inputs, and the answer is `true`, which can only make a rule
 * look covered, never wrongly not covered.
 */
function inSet(dimension: Dimension, set: DimensionSet, value: number | string | null | undefined): boolean {
  if (value === undefined) {
    if (dimension.nullable) value = null;
    else if (dimension.kind === 'symbol' && dimension.universe === null) value = FRESH;
    else return true;
  }
  if (value === null) return set.missing;
  if (set.kind === 'symbol') return typeof value === 'string' && set.values.includes(value) !== set.exclude;
  if (typeof value !== 'number') return false;
  return set.intervals.some((i) => (i.loOpen ? value > i.lo : value >= i.lo) && (i.hiOpen ? value < i.hi : value <= i.hi));
}

export function boxContainsPoint(space: Space, box: Box, point: Point): boolean {
  for (const [key, set] of box) if (!inSet(space.get(key), set, point.get(key))) return false;
  return true;
}
