// The set of values one box allows on one dimension, plus whether "missing" is allowed.
// Numbers are NumberSets within the dimension's domain. Symbols are a finite list either
// included or excluded (`reason in [a, b]` / `reason not in [a, b]`); on a dimension with a
// finite universe (declared sources) every set is kept as an inclusion list, so equal sets
// always look the same and emptiness is a length test.

import type { Dimension } from './Dimension.js';
import {
  complementSet,
  intersectSets,
  intervalKey,
  setIncludes,
  setsEqual,
  setsMeet,
  unionSets,
  type NumberSet,
} from './Interval.js';

export type DimensionSet =
  | { readonly kind: 'number'; readonly intervals: NumberSet; readonly missing: boolean }
  | {
      readonly kind: 'symbol';
      /** true: every value except `values`; false: exactly `values`. */
      readonly exclude: boolean;
      /** Sorted, without duplicates. */
      readonly values: readonly string[];
      readonly missing: boolean;
    };

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function isInteger(dimension: Dimension): boolean {
  return dimension.kind === 'integer';
}

const fullSets = new WeakMap<Dimension, DimensionSet>();

/** Every value of the dimension, and missing when it may be (one shared, frozen set per dimension). */
export function fullSet(dimension: Dimension): DimensionSet {
  let set = fullSets.get(dimension);
  if (set === undefined) {
    set = Object.freeze(makeFullSet(dimension));
    fullSets.set(dimension, set);
  }
  return set;
}

function makeFullSet(dimension: Dimension): DimensionSet {
  if (dimension.kind === 'symbol') {
    return dimension.universe === null
      ? { kind: 'symbol', exclude: true, values: [], missing: dimension.nullable }
      : { kind: 'symbol', exclude: false, values: dimension.universe, missing: dimension.nullable };
  }
  return { kind: 'number', intervals: [dimension.domain], missing: dimension.nullable };
}

/** Present values only, all of them. */
export function presentSet(dimension: Dimension): DimensionSet {
  return { ...fullSet(dimension), missing: false };
}

export function missingSet(dimension: Dimension): DimensionSet {
  return dimension.kind === 'symbol'
    ? { kind: 'symbol', exclude: false, values: [], missing: dimension.nullable }
    : { kind: 'number', intervals: [], missing: dimension.nullable };
}

export function numberSet(dimension: Dimension, intervals: NumberSet): DimensionSet {
  if (dimension.kind === 'symbol') throw new Error(`analysis: ${dimension.key} is not numeric`);
  return { kind: 'number', intervals: intersectSets(intervals, [dimension.domain], isInteger(dimension)), missing: false };
}

/** A present symbol among `values` (exclude = false) or outside them (exclude = true). */
export function symbolSet(dimension: Dimension, values: readonly string[], exclude: boolean): DimensionSet {
  if (dimension.kind !== 'symbol') throw new Error(`analysis: ${dimension.key} is not a symbol`);
  return normalizeSymbol(dimension, { kind: 'symbol', exclude, values: sortedUnique(values), missing: false });
}

function normalizeSymbol(dimension: Dimension, set: DimensionSet & { kind: 'symbol' }): DimensionSet {
  const missing = set.missing && dimension.nullable;
  if (dimension.kind === 'symbol' && dimension.universe !== null) {
    const listed = new Set(set.values);
    const values = dimension.universe.filter((v) => listed.has(v) !== set.exclude);
    return { kind: 'symbol', exclude: false, values, missing };
  }
  return { ...set, missing };
}

export function intersect(dimension: Dimension, a: DimensionSet, b: DimensionSet): DimensionSet {
  const missing = a.missing && b.missing;
  if (a.kind === 'number' && b.kind === 'number') {
    return { kind: 'number', intervals: intersectSets(a.intervals, b.intervals, isInteger(dimension)), missing };
  }
  if (a.kind === 'symbol' && b.kind === 'symbol') {
    if (!a.exclude && !b.exclude) {
      const inB = new Set(b.values);
      return { kind: 'symbol', exclude: false, values: a.values.filter((v) => inB.has(v)), missing };
    }
    if (a.exclude && b.exclude) {
      return { kind: 'symbol', exclude: true, values: sortedUnique([...a.values, ...b.values]), missing };
    }
    const [included, excluded] = a.exclude ? [b, a] : [a, b];
    const out = new Set(excluded.values);
    return { kind: 'symbol', exclude: false, values: included.values.filter((v) => !out.has(v)), missing };
  }
  throw new Error(`analysis: mixed set kinds on ${dimension.key}`);
}

/** Whether the two sets share a value (or both allow missing): intersect() is non-empty, without building it. */
export function setsShareValue(dimension: Dimension, a: DimensionSet, b: DimensionSet): boolean {
  if (a.missing && b.missing) return true;
  if (a.kind === 'number' && b.kind === 'number') return setsMeet(a.intervals, b.intervals, isInteger(dimension));
  if (a.kind === 'symbol' && b.kind === 'symbol') {
    // Two co-finite sets of an open universe always share a value.
    if (a.exclude && b.exclude) return true;
    if (!a.exclude && !b.exclude) {
      const [small, large] = a.values.length <= b.values.length ? [a, b] : [b, a];
      return small.values.some((v) => large.values.includes(v));
    }
    const [included, excluded] = a.exclude ? [b, a] : [a, b];
    return included.values.some((v) => !excluded.values.includes(v));
  }
  throw new Error(`analysis: mixed set kinds on ${dimension.key}`);
}

export function union(dimension: Dimension, a: DimensionSet, b: DimensionSet): DimensionSet {
  const missing = a.missing || b.missing;
  if (a.kind === 'number' && b.kind === 'number') {
    return { kind: 'number', intervals: unionSets(a.intervals, b.intervals, isInteger(dimension)), missing };
  }
  if (a.kind === 'symbol' && b.kind === 'symbol') {
    if (!a.exclude && !b.exclude) {
      return normalizeSymbol(dimension, { kind: 'symbol', exclude: false, values: sortedUnique([...a.values, ...b.values]), missing });
    }
    if (a.exclude && b.exclude) {
      const inB = new Set(b.values);
      return { kind: 'symbol', exclude: true, values: a.values.filter((v) => inB.has(v)), missing };
    }
    const [included, excluded] = a.exclude ? [b, a] : [a, b];
    const inIncluded = new Set(included.values);
    return { kind: 'symbol', exclude: true, values: excluded.values.filter((v) => !inIncluded.has(v)), missing };
  }
  throw new Error(`analysis: mixed set kinds on ${dimension.key}`);
}

export function complement(dimension: Dimension, a: DimensionSet): DimensionSet {
  const missing = !a.missing && dimension.nullable;
  if (a.kind === 'number') {
    if (dimension.kind === 'symbol') throw new Error(`analysis: ${dimension.key} is not numeric`);
    return { kind: 'number', intervals: complementSet(a.intervals, dimension.domain, isInteger(dimension)), missing };
  }
  return normalizeSymbol(dimension, { kind: 'symbol', exclude: !a.exclude, values: a.values, missing });
}

export function isEmptySet(a: DimensionSet): boolean {
  if (a.missing) return false;
  return a.kind === 'number' ? a.intervals.length === 0 : !a.exclude && a.values.length === 0;
}

export function isFullSet(dimension: Dimension, a: DimensionSet): boolean {
  return equalSets(a, fullSet(dimension));
}

export function equalSets(a: DimensionSet, b: DimensionSet): boolean {
  if (a.missing !== b.missing) return false;
  if (a.kind === 'number' && b.kind === 'number') return setsEqual(a.intervals, b.intervals);
  if (a.kind === 'symbol' && b.kind === 'symbol') {
    return a.exclude === b.exclude && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);
  }
  return false;
}

/** Whether every value of `inner` is in `outer`. */
export function isSubset(dimension: Dimension, inner: DimensionSet, outer: DimensionSet): boolean {
  if (inner.missing && !outer.missing) return false;
  if (inner.kind === 'number' && outer.kind === 'number') return setIncludes(outer.intervals, inner.intervals);
  if (inner.kind === 'symbol' && outer.kind === 'symbol') {
    const listed = new Set(outer.values);
    if (!inner.exclude) return inner.values.every((v) => listed.has(v) !== outer.exclude);
    // Inner is co-finite (an open universe): only a co-finite outer excluding less can hold it.
    if (!outer.exclude) return false;
    const excluded = new Set(inner.values);
    return outer.values.every((v) => excluded.has(v));
  }
  return isEmptySet(intersect(dimension, inner, complement(dimension, outer)));
}

const keys = new WeakMap<DimensionSet, string>();

/** A canonical text form, for deduplication and deterministic ordering (computed once per set). */
export function setKey(a: DimensionSet): string {
  const known = keys.get(a);
  if (known !== undefined) return known;
  const missing = a.missing ? '|missing' : '';
  const key =
    a.kind === 'number'
      ? a.intervals.map(intervalKey).join('∪') + missing
      : `${a.exclude ? '¬' : ''}{${a.values.map((v) => JSON.stringify(v)).join(',')}}${missing}`;
  keys.set(a, key);
  return key;
}
