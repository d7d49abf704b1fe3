// Whether a union of boxes covers a region, answered cheaply where it can be and exactly always:
// a box of the region inside one cut is covered outright, a sample point of the region in no
// cut proves it is not covered (samplePoints.ts), and only what neither settles goes through
// the region subtraction — with the cuts that hold the most sample points first, since the
// answer does not depend on the order and a few large cuts usually leave nothing to split.

import { boxContains, boxesMeet, type Box } from './Box.js';
import { boxesCovered, GAVE_UP } from './boxCover.js';
import type { Region, RegionAlgebra } from './Region.js';
import { boxContainsPoint, boxPoints } from './samplePoints.js';

export function coveredBy(algebra: RegionAlgebra, region: Region, cuts: readonly Box[]): boolean {
  const space = algebra.space;
  const open = region.boxes.filter((box) => !cuts.some((cut) => boxContains(space, cut, box)));
  if (open.length === 0) return true;
  const reaching = cuts.filter((cut) => open.some((box) => boxesMeet(space, box, cut)));
  const points = open.flatMap((box) => boxPoints(space, box));
  const held = new Map<Box, number>(reaching.map((cut) => [cut, 0]));
  for (const point of points) {
    let covered = false;
    for (const cut of reaching) {
      if (!boxContainsPoint(space, cut, point)) continue;
      covered = true;
      held.set(cut, held.get(cut)! + 1);
    }
    if (!covered) return false;
  }
  // Stable sort: equal scores keep the callers' order, so the work done is deterministic.
  const ordered = [...reaching].sort((a, b) => held.get(b)! - held.get(a)!);
  if (!space.hasRatios()) {
    const answer = boxesCovered(space, open, ordered);
    if (answer !== GAVE_UP) return answer;
  }
  return algebra.isEmpty(algebra.subtract({ boxes: open }, { boxes: ordered }));
}

/**
 * What is left of a region once every cut is taken out: the same region the plain subtraction
 * gives, but boxes inside one cut go first, and the cuts that hold the most sample points are
 * subtracted first, so a few large cuts remove most of it before the many small ones split it.
 */
export function subtractAll(algebra: RegionAlgebra, region: Region, cuts: readonly Box[]): Region {
  const space = algebra.space;
  const open = region.boxes.filter((box) => !cuts.some((cut) => boxContains(space, cut, box)));
  if (open.length === 0) return algebra.empty();
  const reaching = cuts.filter((cut) => open.some((box) => boxesMeet(space, box, cut)));
  if (reaching.length === 0) return open.length === region.boxes.length ? region : { boxes: open };
  const points = open.flatMap((box) => boxPoints(space, box));
  const held = new Map<Box, number>(reaching.map((cut) => [cut, points.filter((point) => boxContainsPoint(space, cut, point)).length]));
  // Stable sort: equal scores keep the callers' order, so the work done is deterministic.
  const ordered = [...reaching].sort((a, b) => held.get(b)! - held.get(a)!);
  return algebra.subtract({ boxes: open }, { boxes: ordered });
}
