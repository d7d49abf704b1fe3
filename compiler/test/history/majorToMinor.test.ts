import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { majorToMinor } from '@axiru/compiler';
import { minorUnits } from '@axiru/runtime';

describe('majorToMinor', () => {
  test.each([
    ['1234.56', 'usd', 123456],
    ['1,234.56', 'usd', 123456],
    ['1,000,000.00', 'usd', 100000000],
    ['0.29', 'usd', 29],
    ['0.07', 'usd', 7],
    ['12', 'usd', 1200],
    ['12.5', 'usd', 1250],
    ['.5', 'usd', 50],
    [' 3.10 ', 'usd', 310],
    ['-3.10', 'usd', -310],
    ['5000', 'jpy', 5000],
    ['5000.00', 'jpy', 5000],
    ['1.250', 'kwd', 1250],
    ['0.005', 'KWD', 5],
    ['12.500', 'kwd', 12500],
  ])('%s %s is %d minor units', (text, currency, minor) => {
    expect(majorToMinor(text, currency)).toBe(minor);
  });

  test.each([
    ['5000.5', 'jpy', 'has more decimals than JPY has (0)'],
    ['1.005', 'usd', 'has more decimals than USD has (2)'],
    ['1.0005', 'kwd', 'has more decimals than KWD has (3)'],
    ['1O.00', 'usd', 'is not an amount'],
    ['1,23.00', 'usd', 'is not an amount'],
    ['$12.00', 'usd', 'is not an amount'],
    ['', 'usd', 'is not an amount'],
    ['.', 'usd', 'is not an amount'],
    ['99999999999999999', 'usd', 'is too large'],
  ])('%s %s is refused: %s', (text, currency, reason) => {
    const result = majorToMinor(text, currency);
    expect(typeof result).toBe('string');
    expect(result).toContain(reason);
  });

  test('any minor amount printed in major units converts back exactly (no floating point)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), fc.constantFrom('usd', 'jpy', 'kwd', 'eur', 'bhd', 'krw'), (minor, currency) => {
        const digits = minorUnits(currency);
        const padded = String(minor).padStart(digits + 1, '0');
        const major = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
        expect(majorToMinor(major, currency)).toBe(minor);
      }),
    );
  });
});
