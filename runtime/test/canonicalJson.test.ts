import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from '@axiru/runtime';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 'y' }] })).toBe('{"a":[true,null,{"c":"y","d":"x"}],"b":1}');
    // RFC 8785 §3.2.3 sorts by UTF-16 code units: € is U+20AC, and 😀 starts with the surrogate U+D83D.
    const keys = { '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, '\u0080': 5, '\u00f6': 6 };
    expect(canonicalJson(keys)).toBe('{"\\r":2,"1":4,"\u0080":5,"\u00f6":6,"\u20ac":1,"\ud83d\ude00":3}');
  });

  it('serializes numbers as ECMAScript does (RFC 8785 appendix B samples)', () => {
    const samples: Array<[number, string]> = [
      [0, '0'], [-0, '0'], [1, '1'], [-1.5, '-1.5'],
      [1e21, '1e+21'], [1e20, '100000000000000000000'], [0.000001, '0.000001'], [1e-7, '1e-7'],
      [333333333.33333329, '333333333.3333333'], [9007199254740992, '9007199254740992'],
      [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [295147905179352830000, '295147905179352830000'],
    ];
    for (const [value, text] of samples) expect(canonicalJson(value)).toBe(text);
  });

  it('escapes only what JSON requires', () => {
    expect(canonicalJson('\u0000\u001f"\\/\n\u2028é€😀')).toBe('"\\u0000\\u001f\\"\\\\/\\n\u2028é€😀"');
  });

  it('refuses what I-JSON forbids', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity, '\ud800', { k: '\udc00' }, [undefined], new Date(0), () => 1, 1n]) {
      expect(() => canonicalJson(bad)).toThrow(CanonicalJsonError);
    }
  });

  it('omits undefined members like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('is a fixed point and agrees with JSON.parse for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = canonicalJson(value);
      expect(canonicalJson(JSON.parse(text))).toBe(text);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    }), { numRuns: 300 });
  });

  it('does not depend on key insertion order', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
      const reversed = Object.fromEntries(Object.entries(record).reverse());
      expect(canonicalJson(reversed)).toBe(canonicalJson(record));
    }), { numRuns: 200 });
  });
});
