// A box is a product of per-dimension sets: the inputs whose every dimension lies in its set.
// Only constrained dimensions are stored; a dimension a box leaves out is unconstrained
// (any value, or missing when the field may be missing). Boxes are closed under
// intersection, and the difference of two boxes is a union of at most one box per
// dimension of the subtrahend — that is all the region algebra needs.

import type { Space } from './Dimension.js';
import {
  complement,
  equalSets,
  fullSet,
  intersect,
  isEmptySet,
  isFullSet,
  isSubset,
  setKey,
  setsShareValue,
  union,
  type DimensionSet,
} from './DimensionSet.js';

export type Box = ReadonlyMap<string, DimensionSet>;

export const UNIVERSE_BOX: Box = new Map();

/** Builds a box from constraints, dropping unconstrained ones; null when some constraint is empty. */
export function makeBox(space: Space, constraints: Iterable<readonly [string, DimensionSet]>): Box | null {
  const box = new Map<string, DimensionSet>();
  for (const [key, set] of constraints) {
    const dimension = space.get(key);
    const merged = box.has(key) ? intersect(dimension, box.get(key)!, set) : set;
    if (isEmptySet(merged)) return null;
    box.set(key, merged);
  }
  for (const [key, set] of [...box]) if (isFullSet(space.get(key), set)) box.delete(key);
  return box;
}

/** The set a box allows on a dimension, explicit even when unconstrained. */
export function boxSet(space: Space, box: Box, key: string): DimensionSet {
  return box.get(key) ?? fullSet(space.get(key));
}

function withSet(space: Space, box: Box, key: string, set: DimensionSet): Box {
  const next = new Map(box);
  if (isFullSet(space.get(key), set)) next.delete(key);
  else next.set(key, set);
  return next;
}

export function intersectBoxes(space: Space, a: Box, b: Box): Box | null {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Map(large);
  for (const [key, set] of small) {
    const other = large.get(key);
    const merged = other === undefined ? set : intersect(space.get(key), other, set);
    if (isEmptySet(merged)) return null;
    out.set(key, merged);
  }
  return out;
}

/** Whether two boxes share an input: intersectBoxes(a, b) !== null, without building the box. */
export function boxesMeet(space: Space, a: Box, b: Box): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [key, set] of small) {
    const other = large.get(key);
    if (other !== undefined && !setsShareValue(space.get(key), set, other)) return false;
  }
  return true;
}

/**
 * a \ b as disjoint boxes: peel off, one dimension of b at a time, the part of a outside b on
 * that dimension, and keep the inside part for the next dimension.
 */
export function subtractBoxes(space: Space, a: Box, b: Box): Box[] {
  if (!boxesMeet(space, a, b)) return [a];
  const out: Box[] = [];
  let current: Box = a;
  for (const key of [...b.keys()].sort()) {
    const dimension = space.get(key);
    const mine = boxSet(space, current, key);
    const theirs = b.get(key)!;
    const outside = intersect(dimension, mine, complement(dimension, theirs));
    if (!isEmptySet(outside)) out.push(withSet(space, current, key, outside));
    current = withSet(space, current, key, intersect(dimension, mine, theirs));
  }
  // What is left of `current` lies inside b on every dimension of b: it is removed.
  return out;
}

/** Whether every input of `inner` is also in `outer`. */
export function boxContains(space: Space, outer: Box, inner: Box): boolean {
  // Stored sets are never full, so a dimension outer constrains and inner does not rules it out.
  if (outer.size > inner.size) return false;
  for (const key of outer.keys()) if (!inner.has(key)) return false;
  for (const [key, set] of outer) {
    if (!isSubset(space.get(key), boxSet(space, inner, key), set)) return false;
  }
  return true;
}

export function boxesEqual(a: Box, b: Box): boolean {
  if (a.size !== b.size) return false;
  for (const [key, set] of a) {
    const other = b.get(key);
    if (other === undefined || !equalSets(set, other)) return false;
  }
  return true;
}

/**
 * When two boxes differ on exactly one dimension their union is one box. Returns it, or null.
 * Merging keeps regions small after subtraction splits them.
 */
export function mergeBoxes(space: Space, a: Box, b: Box): Box | null {
  const keys = new Set([...a.keys(), ...b.keys()]);
  let differing: string | null = null;
  for (const key of keys) {
    const x = a.get(key);
    const y = b.get(key);
    if (x !== undefined && y !== undefined && equalSets(x, y)) continue;
    if (differing !== null) return null;
    differing = key;
  }
  if (differing === null) return a;
  const dimension = space.get(differing);
  return withSet(space, a, differing, union(dimension, boxSet(space, a, differing), boxSet(space, b, differing)));
}

const boxKeys = new WeakMap<Box, string>();

/**
 * A canonical text form: equal boxes have equal keys. Boxes are never changed once made, so
 * each box's key is computed once (regions are deduplicated by it after every subtraction step).
 */
export function boxKey(box: Box): string {
  let key = boxKeys.get(box);
  if (key === undefined) {
    key = [...box.keys()]
      .sort()
      .map((k) => `${k}=${setKey(box.get(k)!)}`)
      .join(' ');
    boxKeys.set(box, key);
  }
  return key;
}
