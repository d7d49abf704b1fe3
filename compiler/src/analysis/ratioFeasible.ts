// Ratio axes are independent of their money fields in the algebra (see Dimension.ts), so a box
// can pair a ratio with amounts that cannot produce it: `amount under 100% of charge refunded`
// with charge refunded = 1 cent needs an amount below one cent. Such a box holds no real
// request. Over a rectangle of part × whole values (whole > 0), 100 * part / whole takes
// exactly the values between 100 * min part / max whole and 100 * max part / min whole, so a
// box whose ratio set misses that range can be dropped — a sound cut that never loses a
// request (the integer version of the question can still be empty; realizeBox finds out).

import { boxSet, type Box } from './Box.js';
import type { Space } from './Dimension.js';
import type { Interval } from './Interval.js';

/** Sign of 100 * num / den - bound, exactly (den > 0, bound an integer or ±∞). */
function compareTo(num: number, den: number, bound: number): number {
  if (bound === Infinity) return -1;
  if (bound === -Infinity) return 1;
  if (!Number.isSafeInteger(bound) || !Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
    const value = (100 * num) / den;
    return value === bound ? 0 : value < bound ? -1 : 1;
  }
  const left = BigInt(num) * 100n;
  const right = BigInt(bound) * BigInt(den);
  return left === right ? 0 : left < right ? -1 : 1;
}

/** Whether [100 p1 / w2, 100 p2 / w1] meets the interval `ratio`. */
function rangeMeets(part: Interval, whole: Interval, ratio: Interval): boolean {
  // Below the ratio's upper end: the smallest value must be under it.
  const low = compareTo(part.lo, whole.hi, ratio.hi);
  if (ratio.hiOpen ? low >= 0 : low > 0) return false;
  // Above the ratio's lower end: the largest value must be over it.
  const high = compareTo(part.hi, whole.lo, ratio.lo);
  return ratio.loOpen ? high > 0 : high >= 0;
}

export function ratioFeasible(space: Space, box: Box): boolean {
  for (const [key, set] of box) {
    const target = space.get(key).target;
    if (target.kind !== 'ratio' || set.kind !== 'number') continue;
    const part = boxSet(space, box, target.field);
    const whole = boxSet(space, box, target.of);
    // A missing field makes every atom on this ratio unknown, whatever the axis says.
    if (part.missing || whole.missing || part.kind !== 'number' || whole.kind !== 'number') continue;
    const possible = part.intervals.some((p) =>
      whole.intervals.some((w) => {
        // A whole of zero gives an unbounded ratio (or 0/0): not worth modelling, keep the box.
        if (w.lo <= 0 || !Number.isFinite(w.hi) || !Number.isFinite(p.hi)) return true;
        return set.intervals.some((r) => rangeMeets(p, w, r));
      }),
    );
    if (!possible) return false;
  }
  return true;
}
