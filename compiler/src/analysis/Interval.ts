// Intervals and sorted unions of intervals: the per-dimension building block of the region
// algebra. Two flavours share one representation:
// - integer dimensions (money in minor units, counts) keep every finite end closed, so
//   `over 10000` is [10001, ∞) and emptiness or adjacency is a plain integer test;
// - real dimensions (durations in hours, ratios in percent) keep open and closed ends, because
//   tenure is fractional: (36, 48) hours holds 1.75 days even though no whole hour fits at 36.
// Infinite ends are always marked open, so equal sets have equal representations.

import type { CompareOp } from '@axiru/runtime';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly loOpen: boolean;
  readonly hiOpen: boolean;
}

/** A sorted list of disjoint, non-adjacent, non-empty intervals. */
export type NumberSet = readonly Interval[];

/** Builds a normalized interval, or null when it holds no value of the dimension. */
export function makeInterval(lo: number, hi: number, loOpen: boolean, hiOpen: boolean, integer: boolean): Interval | null {
  let l = lo;
  let h = hi;
  let lOpen = loOpen || l === -Infinity;
  let hOpen = hiOpen || h === Infinity;
  if (Number.isNaN(l) || Number.isNaN(h)) return null;
  if (integer) {
    if (Number.isFinite(l)) {
      l = lOpen ? Math.floor(l) + 1 : Math.ceil(l);
      lOpen = false;
    }
    if (Number.isFinite(h)) {
      h = hOpen ? Math.ceil(h) - 1 : Math.floor(h);
      hOpen = false;
    }
  }
  if (l > h) return null;
  if (l === h && (lOpen || hOpen)) return null;
  return { lo: l, hi: h, loOpen: lOpen, hiOpen: hOpen };
}

/** Whether `b` starts at or before `a` ends (after sorting), so that the two may merge into one interval. */
function touches(a: Interval, b: Interval, integer: boolean): boolean {
  if (integer) return b.lo <= a.hi + 1;
  if (b.lo < a.hi) return true;
  // Same point: [1,3) and [3,5] merge, [1,3) and (3,5] leave 3 out.
  return b.lo === a.hi && !(a.hiOpen && b.loOpen);
}

function lowerFirst(a: Interval, b: Interval): number {
  if (a.lo !== b.lo) return a.lo < b.lo ? -1 : 1;
  if (a.loOpen !== b.loOpen) return a.loOpen ? 1 : -1;
  return 0;
}

/** Whether the upper end of `a` reaches at least as far as the upper end of `b`. */
function reachesFurther(a: Interval, b: Interval): boolean {
  if (a.hi !== b.hi) return a.hi > b.hi;
  return !a.hiOpen || b.hiOpen;
}

/** Sorts and merges intervals into the canonical NumberSet form. */
export function normalizeSet(intervals: readonly Interval[], integer: boolean): NumberSet {
  const sorted = [...intervals].sort(lowerFirst);
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && touches(last, next, integer)) {
      if (reachesFurther(next, last)) out[out.length - 1] = { lo: last.lo, loOpen: last.loOpen, hi: next.hi, hiOpen: next.hiOpen };
    } else {
      out.push(next);
    }
  }
  return out;
}

function intersectIntervals(a: Interval, b: Interval, integer: boolean): Interval | null {
  const lowFromA = a.lo > b.lo || (a.lo === b.lo && a.loOpen);
  const highFromA = a.hi < b.hi || (a.hi === b.hi && a.hiOpen);
  return makeInterval(
    lowFromA ? a.lo : b.lo,
    highFromA ? a.hi : b.hi,
    lowFromA ? a.loOpen : b.loOpen,
    highFromA ? a.hiOpen : b.hiOpen,
    integer,
  );
}

export function intersectSets(a: NumberSet, b: NumberSet, integer: boolean): NumberSet {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  // Both lists are sorted and disjoint: a two-pointer sweep visits each overlap once.
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const overlap = intersectIntervals(x, y, integer);
    if (overlap !== null) out.push(overlap);
    if (reachesFurther(x, y)) j++;
    else i++;
  }
  // Pieces of disjoint, non-adjacent inputs come out sorted, disjoint and non-adjacent.
  return out;
}

/** Whether the two sets share a value: intersectSets(a, b) is non-empty, without building it. */
export function setsMeet(a: NumberSet, b: NumberSet, integer: boolean): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (intersectIntervals(x, y, integer) !== null) return true;
    if (reachesFurther(x, y)) j++;
    else i++;
  }
  return false;
}

/** Whether every value of `inner` is in `outer` (both canonical). */
export function setIncludes(outer: NumberSet, inner: NumberSet): boolean {
  let j = 0;
  for (const part of inner) {
    while (j < outer.length && !reachesFurther(outer[j]!, { lo: part.hi, hi: part.hi, loOpen: part.hiOpen, hiOpen: part.hiOpen })) j++;
    const host = outer[j];
    if (host === undefined) return false;
    const startsInside = host.lo < part.lo || (host.lo === part.lo && (!host.loOpen || part.loOpen));
    if (!startsInside) return false;
  }
  return true;
}

export function unionSets(a: NumberSet, b: NumberSet, integer: boolean): NumberSet {
  return normalizeSet([...a, ...b], integer);
}

/** The values of `domain` that are not in `set`. */
export function complementSet(set: NumberSet, domain: Interval, integer: boolean): NumberSet {
  const gaps: Interval[] = [];
  let lo = -Infinity;
  let loOpen = true;
  for (const part of set) {
    const gap = makeInterval(lo, part.lo, loOpen, !part.loOpen, integer);
    if (gap !== null) gaps.push(gap);
    lo = part.hi;
    loOpen = !part.hiOpen;
  }
  const tail = makeInterval(lo, Infinity, loOpen, true, integer);
  if (tail !== null) gaps.push(tail);
  // Gaps between canonical parts are already sorted, disjoint and non-adjacent.
  return intersectSets(gaps, [domain], integer);
}

export function setsEqual(a: NumberSet, b: NumberSet): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    return x.lo === y.lo && x.hi === y.hi && x.loOpen === y.loOpen && x.hiOpen === y.hiOpen;
  });
}

export function setContains(set: NumberSet, value: number): boolean {
  return set.some(
    (part) =>
      (value > part.lo || (value === part.lo && !part.loOpen)) && (value < part.hi || (value === part.hi && !part.hiOpen)),
  );
}

/** The values `v` with `v CMP threshold`, intersected with `domain`. */
export function comparisonSet(cmp: CompareOp, threshold: number, domain: Interval, integer: boolean): NumberSet {
  const parts: (Interval | null)[] = [];
  switch (cmp) {
    case 'gt':
      parts.push(makeInterval(threshold, Infinity, true, true, integer));
      break;
    case 'ge':
      parts.push(makeInterval(threshold, Infinity, false, true, integer));
      break;
    case 'lt':
      parts.push(makeInterval(-Infinity, threshold, true, true, integer));
      break;
    case 'le':
      parts.push(makeInterval(-Infinity, threshold, true, false, integer));
      break;
    case 'eq':
      parts.push(makeInterval(threshold, threshold, false, false, integer));
      break;
    case 'ne':
      parts.push(makeInterval(-Infinity, threshold, true, true, integer));
      parts.push(makeInterval(threshold, Infinity, true, true, integer));
      break;
  }
  const set = normalizeSet(
    parts.filter((p): p is Interval => p !== null),
    integer,
  );
  return intersectSets(set, [domain], integer);
}

export function intervalKey(part: Interval): string {
  return `${part.loOpen ? '(' : '['}${part.lo},${part.hi}${part.hiOpen ? ')' : ']'}`;
}
