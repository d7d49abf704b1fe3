// Representative values inside a dimension set, chosen to read well in an example: the
// threshold itself when the set starts at one (`over $150` gives $150.01), whole days for
// durations, and durations that are exact in binary (k / 2^j days) so that the runtime's
// `days * 24` lands exactly on the intended hour count.

import type { Dimension } from './Dimension.js';
import type { Interval, NumberSet } from './Interval.js';

/** A typical value for a field whose set does not pin one down. */
function typical(dimension: Dimension): number {
  switch (dimension.target.kind) {
    case 'money':
      return 5_000;
    case 'days':
      return 30 * 24;
    case 'count':
      return 0;
    default:
      return 100;
  }
}

function clampInto(value: number, part: Interval): number {
  if (value < part.lo) return part.lo;
  if (value > part.hi) return part.hi;
  return value;
}

/** Integers in preference order: a threshold-adjacent end first, then the other end, then typical values. */
export function integerCandidates(dimension: Dimension, set: NumberSet): number[] {
  if (dimension.kind !== 'integer') return [];
  const out: number[] = [];
  const domain = dimension.domain;
  for (const part of set) {
    const lowIsThreshold = part.lo > domain.lo;
    const highIsThreshold = part.hi < domain.hi;
    if (lowIsThreshold) out.push(part.lo);
    if (highIsThreshold) out.push(part.hi);
    out.push(clampInto(typical(dimension), part));
    if (Number.isFinite(part.lo)) out.push(part.lo);
    if (Number.isFinite(part.hi)) out.push(part.hi);
  }
  return [...new Set(out)];
}

/** Steps from whole days down to 24/2^12 hours: every multiple is k / 2^j days, exact in binary. */
const STEPS: readonly number[] = Array.from({ length: 13 }, (_, j) => 24 / 2 ** j);

function inside(value: number, part: Interval): boolean {
  const aboveLow = value > part.lo || (value === part.lo && !part.loOpen);
  const belowHigh = value < part.hi || (value === part.hi && !part.hiOpen);
  return aboveLow && belowHigh;
}

/** The smallest (or largest) multiple of the coarsest step that lies in the interval. */
function niceValue(part: Interval, fromLow: boolean): number | undefined {
  for (const step of STEPS) {
    let value: number;
    if (fromLow) {
      value = Math.ceil(part.lo / step) * step;
      if (!inside(value, part)) value += step;
    } else {
      if (!Number.isFinite(part.hi)) return undefined;
      value = Math.floor(part.hi / step) * step;
      if (!inside(value, part)) value -= step;
    }
    if (inside(value, part)) return value;
  }
  return undefined;
}

/** Real values (hours, or percent for ratios) in preference order. */
export function realCandidates(dimension: Dimension, set: NumberSet): number[] {
  if (dimension.kind !== 'real') return [];
  const out: number[] = [];
  const domain = dimension.domain;
  for (const part of set) {
    const lowIsThreshold = part.lo > domain.lo || (part.lo === domain.lo && part.loOpen && !domain.loOpen);
    const highIsThreshold = Number.isFinite(part.hi);
    const fromLow = niceValue(part, true);
    const fromHigh = niceValue(part, false);
    if (lowIsThreshold && fromLow !== undefined) out.push(fromLow);
    if (highIsThreshold && fromHigh !== undefined) out.push(fromHigh);
    const usual = typical(dimension);
    if (inside(usual, part)) out.push(usual);
    if (fromLow !== undefined) out.push(fromLow);
  }
  return [...new Set(out)];
}

/** Fresh symbols for "anything but these": readable first, then numbered. */
export function freshSymbol(dimension: Dimension, excluded: readonly string[], preferred: readonly string[]): string {
  const taken = new Set(excluded);
  for (const value of preferred) if (!taken.has(value)) return value;
  const base = freshBase(dimension);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

function freshBase(dimension: Dimension): string {
  switch (dimension.target.kind) {
    case 'symbol':
      return dimension.target.input === 'stripe_account' ? 'acct_other' : `other_${dimension.target.input}`;
    case 'metadata':
      return 'other';
    default:
      return 'other';
  }
}
