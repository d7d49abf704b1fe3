import { describe, expect, test } from 'vitest';
import {
  comparisonSet,
  complementSet,
  intersectSets,
  makeInterval,
  normalizeSet,
  setContains,
  unionSets,
  type Interval,
} from '../../src/analysis/Interval.js';

const closed = (lo: number, hi: number): Interval => ({ lo, hi, loOpen: false, hiOpen: false });
const NON_NEGATIVE: Interval = { lo: 0, hi: Infinity, loOpen: false, hiOpen: true };

describe('makeInterval', () => {
  test('integer intervals close their finite ends', () => {
    expect(makeInterval(10000, Infinity, true, true, true)).toEqual({ lo: 10001, hi: Infinity, loOpen: false, hiOpen: true });
    expect(makeInterval(-Infinity, 10001, true, true, true)).toEqual({ lo: -Infinity, hi: 10000, loOpen: true, hiOpen: false });
  });

  test('over 10000 and under 10001 holds no integer, but (36, 48) holds reals', () => {
    expect(makeInterval(10000, 10001, true, true, true)).toBeNull();
    expect(makeInterval(36, 48, true, true, false)).toEqual({ lo: 36, hi: 48, loOpen: true, hiOpen: true });
    expect(makeInterval(36, 37, true, true, false)).not.toBeNull();
  });

  test('a point is empty as soon as one end is open', () => {
    expect(makeInterval(5, 5, false, false, false)).toEqual(closed(5, 5));
    expect(makeInterval(5, 5, true, false, false)).toBeNull();
    expect(makeInterval(5, 5, false, true, false)).toBeNull();
  });
});

describe('NumberSet operations', () => {
  test('adjacent integer intervals merge; real ones merge only when they share a point', () => {
    expect(normalizeSet([closed(4, 5), closed(1, 3)], true)).toEqual([closed(1, 5)]);
    expect(normalizeSet([closed(1, 2), closed(4, 5)], true)).toEqual([closed(1, 2), closed(4, 5)]);
    const halfOpen = { lo: 1, hi: 3, loOpen: false, hiOpen: true };
    expect(normalizeSet([halfOpen, closed(3, 5)], false)).toEqual([closed(1, 5)]);
    const openBoth = { lo: 3, hi: 5, loOpen: true, hiOpen: false };
    expect(normalizeSet([halfOpen, openBoth], false)).toHaveLength(2);
  });

  test('intersection of unions', () => {
    const a = [closed(1, 10), closed(20, 30)];
    const b = [closed(5, 25)];
    expect(intersectSets(a, b, true)).toEqual([closed(5, 10), closed(20, 25)]);
    expect(intersectSets(a, [closed(11, 19)], true)).toEqual([]);
  });

  test('complement within a domain, for integers and reals', () => {
    const domain = closed(1, 100);
    expect(complementSet([closed(10, 20)], domain, true)).toEqual([closed(1, 9), closed(21, 100)]);
    const reals = complementSet([{ lo: 36, hi: 48, loOpen: true, hiOpen: true }], NON_NEGATIVE, false);
    expect(reals).toEqual([closed(0, 36), { lo: 48, hi: Infinity, loOpen: false, hiOpen: true }]);
    expect(complementSet(reals, NON_NEGATIVE, false)).toEqual([{ lo: 36, hi: 48, loOpen: true, hiOpen: true }]);
  });

  test('comparisons: `ne` is two intervals, `eq` a point; all clipped to the domain', () => {
    const domain = closed(1, 1e12);
    expect(comparisonSet('ne', 500, domain, true)).toEqual([closed(1, 499), closed(501, 1e12)]);
    expect(comparisonSet('eq', 500, domain, true)).toEqual([closed(500, 500)]);
    expect(comparisonSet('lt', 1, domain, true)).toEqual([]);
    expect(comparisonSet('le', 0, NON_NEGATIVE, false)).toEqual([closed(0, 0)]);
  });

  test('union and membership agree', () => {
    const set = unionSets([closed(1, 3)], [{ lo: 5, hi: 7, loOpen: true, hiOpen: false }], false);
    expect([0, 1, 3, 4, 5, 6, 7, 8].filter((v) => setContains(set, v))).toEqual([1, 3, 6, 7]);
  });
});
