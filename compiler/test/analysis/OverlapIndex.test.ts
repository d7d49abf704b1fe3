import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { intersectBoxes } from '../../src/analysis/Box.js';
import { coveredBy } from '../../src/analysis/coverage.js';
import { Space } from '../../src/analysis/Dimension.js';
import { OverlapIndex } from '../../src/analysis/OverlapIndex.js';
import { RegionAlgebra, type Region } from '../../src/analysis/Region.js';
import { regionOf, truthOf } from '../../src/analysis/regionOf.js';
import { boxContainsPoint, boxPoints } from '../../src/analysis/samplePoints.js';
import { expr } from './arbitraries.js';
import { and, atLeast, count, DEFAULT_SOURCES, days, from, isIn, not, over, reason, refunds, sym, tenure, under, usd } from './irBuilders.js';

// The index may keep pairs that do not overlap (the exact algebra settles them) but must never
// drop one that does, nor a rule that holds a point: a dropped pair would be a wrong finding.

const params = (numRuns: number, seed: number): fc.Parameters<unknown> => ({ numRuns, seed });

function regions(conditions: readonly Parameters<typeof truthOf>[0][]): { algebra: RegionAlgebra; truths: Region[] } {
  const algebra = new RegionAlgebra(new Space({ sources: DEFAULT_SOURCES }));
  return { algebra, truths: conditions.map((condition) => truthOf(condition, algebra)) };
}

const meet = (algebra: RegionAlgebra, a: Region, b: Region): boolean =>
  a.boxes.some((x) => b.boxes.some((y) => intersectBoxes(algebra.space, x, y) !== null));

describe('OverlapIndex', () => {
  test('keeps apart rules on different sources and disjoint amounts, and keeps the ones that meet', () => {
    const { algebra, truths } = regions([
      and(from('ai_agent'), over(usd(100))),
      and(from('support_tool'), over(usd(100))),
      and(from('ai_agent'), under(usd(50))),
      and(from('ai_agent'), over(usd(500)), isIn(reason, sym('fraudulent'))),
      over(usd(1000)),
    ]);
    const index = new OverlapIndex(algebra.space, truths);
    expect(index.candidates(0)).toEqual([3, 4]);
    expect(index.candidates(1)).toEqual([4]);
    expect(index.candidates(2)).toEqual([]);
    // Only rules before the limit, in increasing order.
    expect(index.candidates(3, 3)).toEqual([0]);
  });

  test('a point with a missing fact is not held by rules that need the fact', () => {
    const { algebra, truths } = regions([atLeast(count(3), refunds(30)), over(usd(10)), and(over(usd(10)), under(days(5), tenure))]);
    const index = new OverlapIndex(algebra.space, truths);
    const point = boxPoints(algebra.space, truths[1]!.boxes[0]!)[0]!;
    const held = [...index.mayHold(point, index.candidateSet(1))].filter((j) => j !== 1);
    expect(held).toEqual([]);
    const withFacts = [...index.mayHold(point, index.candidateSet(0))];
    expect(withFacts).not.toContain(0);
  });

  test('candidates include every rule whose TRUE region meets, and mayHold every rule holding a point', () => {
    fc.assert(
      fc.property(fc.array(expr, { minLength: 2, maxLength: 8 }), (conditions) => {
        const { algebra, truths } = regions(conditions);
        const index = new OverlapIndex(algebra.space, truths);
        truths.forEach((own, i) => {
          if (own.boxes.length === 0) return;
          const candidates = index.candidates(i);
          truths.forEach((other, j) => {
            if (j !== i && meet(algebra, own, other)) expect(candidates, `rule ${j} meets rule ${i}`).toContain(j);
          });
          for (const point of own.boxes.flatMap((box) => boxPoints(algebra.space, box))) {
            const holders = [...index.mayHold(point, index.candidateSet(i))];
            truths.forEach((other, j) => {
              if (j !== i && other.boxes.some((box) => boxContainsPoint(algebra.space, box, point))) expect(holders, `rule ${j} holds a point of rule ${i}`).toContain(j);
            });
            // The limit keeps exactly the holders before it.
            expect([...index.mayHold(point, index.candidateSet(i), i)]).toEqual(holders.filter((j) => j < i));
          }
        });
      }),
      params(150, 20261206),
    );
  });
});

describe('coveredBy', () => {
  test('answers as the region subtraction does', () => {
    fc.assert(
      fc.property(expr, fc.array(expr, { minLength: 1, maxLength: 5 }), (inner, outers) => {
        const algebra = new RegionAlgebra(new Space({ sources: DEFAULT_SOURCES }));
        const region = regionOf(inner, algebra).truth;
        const cuts = outers.flatMap((outer) => regionOf(outer, algebra).truth.boxes);
        expect(coveredBy(algebra, region, cuts)).toBe(algebra.isEmpty(algebra.subtract(region, { boxes: cuts })));
      }),
      params(300, 20261207),
    );
  });

  test('a rule under two that split it between them is covered, and not by either alone', () => {
    const algebra = new RegionAlgebra(new Space({ sources: DEFAULT_SOURCES }));
    const own = truthOf(over(usd(100)), algebra);
    const low = truthOf(and(over(usd(100)), under(usd(500))), algebra).boxes;
    const high = truthOf(not(under(usd(400))), algebra).boxes;
    expect(coveredBy(algebra, own, [...low, ...high])).toBe(true);
    expect(coveredBy(algebra, own, low)).toBe(false);
    expect(coveredBy(algebra, own, high)).toBe(false);
  });
});
