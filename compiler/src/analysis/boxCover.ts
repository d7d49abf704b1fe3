// Coverage questions answered box by box instead of by whole-region subtraction. Subtracting
// hundreds of stronger rules from a rule's region one after the other makes every step pay for
// the whole remaining region (splitting, deduplicating, merging thousands of boxes) although
// each cut touches a few of them. Here every piece of the region carries only the cuts that
// meet it: a piece no cut meets is uncovered, a piece inside one cut is done, and otherwise the
// piece is split around one cut and its pieces go on with the cuts that still meet them. The
// pieces of one split are disjoint, so each input of the region is examined in exactly one
// piece, and the answers are exact.
//
// Ratio axes are independent of their money fields in the box algebra (Dimension.ts), so a box
// there may hold no real request; the region algebra drops such boxes as it goes. These
// functions do not, and their callers use them only for spaces without ratio axes.

import { boxContains, boxesMeet, intersectBoxes, subtractBoxes, type Box } from './Box.js';
import type { Space } from './Dimension.js';

/** Pieces a question may split off before the caller falls back to the region algebra. */
export const PIECE_LIMIT = 200_000;

/** Returned when a question would split off more than PIECE_LIMIT pieces. */
export const GAVE_UP = 'gave_up';

/** Whether the union of `cuts` holds every input of `boxes`. */
export function boxesCovered(space: Space, boxes: readonly Box[], cuts: readonly Box[]): boolean | typeof GAVE_UP {
  // The first piece no cut holds is the answer.
  return eachUncovered(space, boxes, cuts, () => false);
}

/** The inputs of `boxes` that none of `cuts` holds, as disjoint boxes. */
export function uncoveredBoxes(space: Space, boxes: readonly Box[], cuts: readonly Box[]): Box[] | typeof GAVE_UP {
  const out: Box[] = [];
  const walked = eachUncovered(space, boxes, cuts, (box) => {
    out.push(box);
    return true;
  });
  return walked === GAVE_UP ? GAVE_UP : out;
}

/**
 * Splits `boxes` around `cuts` and hands each piece no cut holds (disjoint boxes) to
 * `uncovered`, which says whether to go on: false when it stopped the walk, true when the walk
 * ended, GAVE_UP past PIECE_LIMIT pieces.
 */
function eachUncovered(space: Space, boxes: readonly Box[], cuts: readonly Box[], uncovered: (box: Box) => boolean): boolean | typeof GAVE_UP {
  const stack: { box: Box; cuts: readonly Box[] }[] = [];
  /** Whether the walk goes on after this piece. */
  const push = (box: Box, from: readonly Box[]): boolean => {
    const meeting: Box[] = [];
    for (const cut of from) {
      if (!boxesMeet(space, box, cut)) continue;
      // One cut holding the whole piece takes it all.
      if (boxContains(space, cut, box)) return true;
      meeting.push(cut);
    }
    if (meeting.length === 0) return uncovered(box);
    stack.push({ box, cuts: meeting });
    return true;
  };
  for (const box of boxes) if (!push(box, cuts)) return false;
  let pieces = 0;
  while (stack.length > 0) {
    const { box, cuts: meeting } = stack.pop()!;
    const [cut, ...others] = meeting;
    const rest = subtractBoxes(space, box, cut!);
    pieces += rest.length;
    if (pieces > PIECE_LIMIT) return GAVE_UP;
    for (const piece of rest) if (!push(piece, others)) return false;
  }
  return true;
}

/** A piece of a region and the cuts that meet it, in order, up to the first that contains it. */
interface HeldPiece {
  readonly box: Box;
  readonly reach: readonly { readonly cut: number; readonly contains: boolean }[];
}

/**
 * The inputs of `boxes` by the first of `cuts` (one region each, in priority order) that holds
 * them: at each cut's position the boxes it wins, and at position `cuts.length` the boxes no cut
 * holds. Within one position the boxes may overlap; together they are exactly its inputs.
 */
export function firstHolderParts(space: Space, boxes: readonly Box[], cuts: readonly (readonly Box[])[]): Box[][] | typeof GAVE_UP {
  const reaching = (box: Box, from: Iterable<number>): HeldPiece['reach'] => {
    const out: { cut: number; contains: boolean }[] = [];
    for (const cut of from) {
      const parts = cuts[cut]!;
      if (!parts.some((part) => boxesMeet(space, box, part))) continue;
      const contains = parts.some((part) => boxContains(space, part, box));
      out.push({ cut, contains });
      if (contains) break;
    }
    return out;
  };
  const won: Box[][] = Array.from({ length: cuts.length + 1 }, () => []);
  const stack: HeldPiece[] = boxes.map((box) => ({ box, reach: reaching(box, cuts.keys()) }));
  let pieces = 0;
  while (stack.length > 0) {
    const { box, reach } = stack.pop()!;
    const first = reach[0];
    if (first === undefined) {
      won[cuts.length]!.push(box);
      continue;
    }
    if (first.contains) {
      won[first.cut]!.push(box);
      continue;
    }
    // The first cut that meets the piece wins their common inputs; the rest goes on without it.
    let rest: Box[] = [box];
    for (const part of cuts[first.cut]!) {
      const both = intersectBoxes(space, box, part);
      if (both !== null) won[first.cut]!.push(both);
      rest = rest.flatMap((piece) => subtractBoxes(space, piece, part));
    }
    pieces += rest.length;
    if (pieces > PIECE_LIMIT) return GAVE_UP;
    const later = reach.slice(1).map((r) => r.cut);
    for (const piece of rest) stack.push({ box: piece, reach: reaching(piece, later) });
  }
  return won;
}
