// The exact arithmetic behind durations and ratios, against a BigInt reference.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDaysToHours, compareRatio } from '../src/exactCompare.js';

/** A finite double as an exact fraction: mantissa * 2^exponent. */
function exactly(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  return { mantissa: sign * mantissa, exponent: (biased === 0 ? 1 : biased) - 1075 };
}

/** sign(days * 24 - hours), computed exactly. */
function reference(days: number, hours: number): number {
  const { mantissa, exponent } = exactly(days);
  const left = exponent >= 0 ? mantissa * 24n * (1n << BigInt(exponent)) : mantissa * 24n;
  const right = exponent >= 0 ? BigInt(hours) : BigInt(hours) * (1n << BigInt(-exponent));
  return left === right ? 0 : left < right ? -1 : 1;
}

describe('compareDaysToHours', () => {
  it('compares whole and half days exactly', () => {
    expect(compareDaysToHours(1.5, 36)).toBe(0);
    expect(compareDaysToHours(30, 720)).toBe(0);
    expect(compareDaysToHours(29.999, 720)).toBe(-1);
    expect(compareDaysToHours(0, 0)).toBe(0);
  });

  it('sees through rounding: the double nearest 1/24 is not exactly one hour', () => {
    expect(compareDaysToHours(1 / 24, 1)).toBe(reference(1 / 24, 1));
    expect(compareDaysToHours(1 / 24, 1)).not.toBe(0);
    expect(compareDaysToHours(7 / 24, 7)).toBe(reference(7 / 24, 7));
  });

  it('agrees with exact rational arithmetic on every double', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 24_000_000 }), (days, hours) => {
        expect(compareDaysToHours(days, hours)).toBe(reference(days, hours));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on values that are a hair away from whole hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: -3, max: 3 }), (hours, ulps) => {
        let days = hours / 24;
        for (let i = 0; i < Math.abs(ulps); i++) days = ulps > 0 ? days + Number.EPSILON * Math.max(days, 1) : Math.max(0, days - Number.EPSILON * Math.max(days, 1));
        expect(compareDaysToHours(days, hours)).toBe(reference(days, hours));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compareRatio', () => {
  it('agrees with BigInt arithmetic on every safe integer', () => {
    const amount = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.maxSafeNat());
    fc.assert(
      fc.property(amount, fc.integer({ min: 0, max: 1000 }), amount, (part, percent, whole) => {
        const left = BigInt(part) * 100n;
        const right = BigInt(percent) * BigInt(whole);
        expect(compareRatio(part, percent, whole)).toBe(left === right ? 0 : left < right ? -1 : 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not round near 2^53', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(compareRatio(max, 100, max - 1)).toBe(1);
    expect(compareRatio(max - 1, 100, max)).toBe(-1);
    expect(compareRatio(max, 100, max)).toBe(0);
  });
});
