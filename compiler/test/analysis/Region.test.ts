import { describe, expect, test } from 'vitest';
import type { CompareOp, ExprIR } from '@axiru/runtime';
import { CURRENCY_KEY, Space, type Dimension } from '../../src/analysis/Dimension.js';
import { missingSet, numberSet, presentSet, symbolSet, type DimensionSet } from '../../src/analysis/DimensionSet.js';
import { InconclusiveError } from '../../src/analysis/InconclusiveError.js';
import { comparisonSet } from '../../src/analysis/Interval.js';
import { RegionAlgebra, type Region } from '../../src/analysis/Region.js';
import { regionContains } from '../../src/analysis/regionContains.js';
import { regionOf, unknownOf } from '../../src/analysis/regionOf.js';
import { amount, and, cmp, days, eur, hours, or, over, reason, sym, tenure, under, usd } from './irBuilders.js';

/** The values `v CMP threshold` on a numeric dimension, as a dimension set. */
function compared(dim: Dimension, op: CompareOp, threshold: number): DimensionSet {
  if (dim.kind === 'symbol') throw new Error('numeric dimension expected');
  return numberSet(dim, comparisonSet(op, threshold, dim.domain, dim.kind === 'integer'));
}

function setup(): { space: Space; algebra: RegionAlgebra } {
  const space = new Space({ sources: ['support_tool', 'ai_agent'] });
  return { space, algebra: new RegionAlgebra(space) };
}

function sameRegion(algebra: RegionAlgebra, x: Region, y: Region): boolean {
  return algebra.covers(x, y) && algebra.covers(y, x);
}

describe('region algebra', () => {
  test('intersection, subtraction and emptiness on one dimension', () => {
    const { space, algebra } = setup();
    const dim = space.field(amount);
    const low = algebra.box([[dim.key, compared(dim, 'le', 100)]]);
    const high = algebra.box([[dim.key, compared(dim, 'ge', 50)]]);
    const both = algebra.intersect(low, high);
    expect(regionContains(space, both, { amount_cents: 50 })).toBe(true);
    expect(regionContains(space, both, { amount_cents: 100 })).toBe(true);
    expect(regionContains(space, both, { amount_cents: 101 })).toBe(false);
    const onlyLow = algebra.subtract(low, high);
    expect(regionContains(space, onlyLow, { amount_cents: 49 })).toBe(true);
    expect(regionContains(space, onlyLow, { amount_cents: 50 })).toBe(false);
    expect(algebra.isEmpty(algebra.subtract(both, low))).toBe(true);
    expect(algebra.isEmpty(algebra.subtract(low, both))).toBe(false);
  });

  test('box difference splits into pieces that together are exactly A minus B', () => {
    const { space, algebra } = setup();
    const money = space.field(amount);
    const why = space.field(reason);
    const a = algebra.box([[money.key, compared(money, 'le', 1000)]]);
    const b = algebra.box([
      [money.key, compared(money, 'ge', 500)],
      [why.key, symbolSet(why, ['fraud'], false)],
    ]);
    const diff = algebra.subtract(a, b);
    expect(regionContains(space, diff, { amount_cents: 600, reason: 'fraud' })).toBe(false);
    expect(regionContains(space, diff, { amount_cents: 600, reason: 'other' })).toBe(true);
    expect(regionContains(space, diff, { amount_cents: 600 })).toBe(true);
    expect(regionContains(space, diff, { amount_cents: 400, reason: 'fraud' })).toBe(true);
    expect(regionContains(space, diff, { amount_cents: 1001 })).toBe(false);
    // (A \ B) ∪ (A ∩ B) = A, and the two parts do not overlap.
    const inter = algebra.intersect(a, b);
    expect(sameRegion(algebra, algebra.union(diff, inter), a)).toBe(true);
    expect(algebra.isEmpty(algebra.intersect(diff, inter))).toBe(true);
  });

  test('complement twice gives the region back', () => {
    const { algebra } = setup();
    const { truth } = regionOf(or(and(over(usd(100)), under(days(30), tenure)), cmp(reason, 'eq', sym('fraud'))), algebra);
    expect(sameRegion(algebra, algebra.complement(algebra.complement(truth)), truth)).toBe(true);
    expect(algebra.isEmpty(algebra.intersect(truth, algebra.complement(truth)))).toBe(true);
  });

  test('a closed source universe makes `not in` an inclusion list', () => {
    const { space, algebra } = setup();
    const dim = space.field({ kind: 'source' });
    const notAgent = algebra.box([[dim.key, symbolSet(dim, ['ai_agent'], true)]]);
    const tool = algebra.box([[dim.key, symbolSet(dim, ['support_tool'], false)]]);
    expect(sameRegion(algebra, notAgent, tool)).toBe(true);
  });
});

describe('integer and real normalization', () => {
  test('`over $100 and under $100.01` is empty over integer cents', () => {
    const { algebra } = setup();
    expect(algebra.isEmpty(regionOf(and(over(usd(100)), under(usd(100.01))), algebra).truth)).toBe(true);
    expect(algebra.isEmpty(regionOf(and(over(usd(100)), under(usd(100.02))), algebra).truth)).toBe(false);
  });

  test('`customer tenure over 36 hours and under 48 hours` is not empty: days may be fractional', () => {
    const { space, algebra } = setup();
    const { truth } = regionOf(and(over(hours(36), tenure), under(hours(48), tenure)), algebra);
    expect(algebra.isEmpty(truth)).toBe(false);
    expect(regionContains(space, truth, { customer_tenure_days: 1.75 })).toBe(true);
    expect(regionContains(space, truth, { customer_tenure_days: 1.5 })).toBe(false);
    expect(regionContains(space, truth, { customer_tenure_days: 2 })).toBe(false);
  });

  test('amounts outside what the server accepts are not in the space', () => {
    const { algebra } = setup();
    expect(algebra.isEmpty(regionOf(under(usd(0.01)), algebra).truth)).toBe(true);
    expect(algebra.isEmpty(regionOf(over({ type: 'money', currency: 'USD', minor: 1e12 }), algebra).truth)).toBe(true);
  });
});

describe('three-valued atoms', () => {
  test('`amount over $100`: TRUE, FALSE and UNKNOWN regions as the runtime reads them', () => {
    const { space, algebra } = setup();
    const atom = regionOf(over(usd(100)), algebra);
    const unknown = unknownOf(atom, algebra);
    const money = space.field(amount);
    const usdOnly = symbolSet(space.currency(), ['USD'], false);
    expect(sameRegion(algebra, atom.truth, algebra.box([[CURRENCY_KEY, usdOnly], [money.key, compared(money, 'ge', 10001)]]))).toBe(true);
    expect(sameRegion(algebra, unknown, algebra.box([[CURRENCY_KEY, usdOnly], [money.key, missingSet(money)]]))).toBe(true);
    // Another currency is FALSE even without an amount; lower-case input is upper-cased.
    expect(regionContains(space, atom.falsity, { currency: 'eur' })).toBe(true);
    expect(regionContains(space, atom.truth, { currency: 'usd', amount_cents: 10001 })).toBe(true);
    expect(regionContains(space, unknown, {})).toBe(true);
  });

  test('`not` swaps TRUE and FALSE and leaves UNKNOWN alone', () => {
    const { algebra } = setup();
    const expr: ExprIR = over(eur(20));
    const atom = regionOf(expr, algebra);
    const negated = regionOf({ op: 'not', arg: expr }, algebra);
    expect(sameRegion(algebra, negated.truth, atom.falsity)).toBe(true);
    expect(sameRegion(algebra, unknownOf(negated, algebra), unknownOf(atom, algebra))).toBe(true);
  });

  test('presence constraints: a present set excludes missing and nothing else', () => {
    const { space, algebra } = setup();
    const dim = space.field(tenure);
    const present = algebra.box([[dim.key, presentSet(dim)]]);
    expect(regionContains(space, present, { customer_tenure_days: 0 })).toBe(true);
    expect(regionContains(space, present, {})).toBe(false);
  });
});

describe('budgets', () => {
  test('past the size cap the algebra throws InconclusiveError instead of answering', () => {
    const space = new Space();
    const algebra = new RegionAlgebra(space, { maxBoxes: 4, maxWork: 1_000_000 });
    const expr = and(
      ...Array.from({ length: 6 }, (_, i) => or(cmp(reason, 'eq', sym(`r${i}`)), over(usd(10 * (i + 1)), { kind: 'charge_amount' }), over(days(i + 1), tenure))),
    );
    expect(() => regionOf(expr, algebra)).toThrow(InconclusiveError);
  });

  test('past the work budget as well', () => {
    const space = new Space();
    const algebra = new RegionAlgebra(space, { maxBoxes: 20_000, maxWork: 50 });
    const expr = and(...Array.from({ length: 8 }, (_, i) => or(over(usd(i + 1)), over(days(i + 1), tenure))));
    expect(() => regionOf(expr, algebra)).toThrow(InconclusiveError);
  });
});
