import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ExprIR } from '@axiru/runtime';
import { boxesMeet, intersectBoxes } from '../../src/analysis/Box.js';
import { boxesCovered } from '../../src/analysis/boxCover.js';
import { Space } from '../../src/analysis/Dimension.js';
import { RegionAlgebra, type Region } from '../../src/analysis/Region.js';
import { truthOf } from '../../src/analysis/regionOf.js';
import { strongerWinners } from '../../src/analysis/strongerWinners.js';
import { expr } from './arbitraries.js';
import { and, DEFAULT_SOURCES, from, not, over, under, usd } from './irBuilders.js';

// The box-by-box answers must equal the region algebra's on every space they are used for
// (those without ratio axes): the analysis' findings are built on them.

const params = (numRuns: number, seed: number): fc.Parameters<unknown> => ({ numRuns, seed });

function regions(conditions: readonly ExprIR[]): { algebra: RegionAlgebra; truths: Region[] } {
  const algebra = new RegionAlgebra(new Space({ sources: DEFAULT_SOURCES }));
  return { algebra, truths: conditions.map((condition) => truthOf(condition, algebra)) };
}

/** The region algebra's answer: carve the cuts out strongest first, noting those that meet what is left. */
function reference(algebra: RegionAlgebra, own: Region, cuts: readonly Region[]): number[] | null {
  let left = own;
  const used: number[] = [];
  for (const [position, cut] of cuts.entries()) {
    if (!left.boxes.some((box) => cut.boxes.some((part) => intersectBoxes(algebra.space, box, part) !== null))) continue;
    used.push(position);
    left = algebra.subtract(left, cut);
    if (algebra.isEmpty(left)) break;
  }
  return algebra.isEmpty(left) ? used : null;
}

describe('box-by-box coverage', () => {
  test('boxesMeet says exactly when intersectBoxes finds a common box', () => {
    fc.assert(
      fc.property(expr, expr, (a, b) => {
        const { algebra, truths } = regions([a, b]);
        for (const x of truths[0]!.boxes) {
          for (const y of truths[1]!.boxes) expect(boxesMeet(algebra.space, x, y)).toBe(intersectBoxes(algebra.space, x, y) !== null);
        }
      }),
      params(400, 31),
    );
  });

  test('strongerWinners names the cuts that win somewhere, as carving them out one by one does', () => {
    let compared = 0;
    let covered = 0;
    fc.assert(
      fc.property(expr, fc.array(expr, { minLength: 1, maxLength: 8 }), (own, cuts) => {
        const { algebra, truths } = regions([own, ...cuts]);
        const [mine, ...theirs] = truths;
        if (algebra.space.hasRatios() || mine!.boxes.length === 0) return;
        const fast = strongerWinners(algebra, mine!, theirs);
        expect(fast).toEqual(reference(algebra, mine!, theirs));
        compared++;
        if (fast !== null) covered++;
      }),
      params(600, 8080),
    );
    // Both answers must be exercised: regions left partly uncovered and regions fully covered.
    expect(compared).toBeGreaterThan(300);
    expect(covered).toBeGreaterThan(20);
  });

  test('strongerWinners: a region covered only by several cuts together, some of them never winning', () => {
    const { algebra, truths } = regions([
      // Money comparisons also fix the currency: every cut and the region are in dollars.
      and(from('ai_agent'), over(usd(1))),
      and(from('ai_agent'), over(usd(100))),
      and(from('ai_agent'), under(usd(200))),
      // Held only where the two before it already hold: never first.
      and(from('ai_agent'), over(usd(150)), under(usd(160))),
      and(from('ai_agent'), not(under(usd(200)))),
    ]);
    const [own, ...cuts] = truths;
    expect(strongerWinners(algebra, own!, cuts)).toEqual([0, 1]);
    expect(strongerWinners(algebra, own!, cuts.slice(2))).toBeNull();
  });

  test('boxesCovered agrees with the region algebra', () => {
    let compared = 0;
    let yes = 0;
    fc.assert(
      fc.property(expr, fc.array(expr, { minLength: 0, maxLength: 6 }), (own, cuts) => {
        const { algebra, truths } = regions([own, ...cuts]);
        const [mine, ...theirs] = truths;
        if (algebra.space.hasRatios()) return;
        const boxes = theirs.flatMap((region) => region.boxes);
        const fast = boxesCovered(algebra.space, mine!.boxes, boxes);
        expect(fast).toBe(algebra.covers({ boxes }, mine!));
        compared++;
        if (fast === true) yes++;
      }),
      params(600, 9090),
    );
    expect(compared).toBeGreaterThan(300);
    expect(yes).toBeGreaterThan(20);
  });
});
