// The formatter over generated valid policies (random rules, layout and comments): it is
// idempotent, keeps every comment, never changes the IR hash, and `parse(print(ast))` is the
// same tree. The generator is in helpers/generatePolicy.ts.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compile, formatPolicy, parse } from '@axiru/compiler';
import { generatedPolicy } from '../helpers/generatePolicy.js';
import { stripSpans } from '../helpers/stripSpans.js';

// Examples are not part of the hash, and a random one may fail; the analysis may rightly find a
// random conjunction impossible (AX1011). Neither is what these properties are about.
const OPTIONS = { analysis: false, examples: false } as const;
const commentsOf = (text: string) => parse(text).file.comments.map((c) => c.text.trimEnd());

describe('formatting generated policies', () => {
  test('the generator makes valid policies', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        const result = compile(text, OPTIONS);
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(result.ir).not.toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  test('format is idempotent: format(format(x)) === format(x)', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        const once = formatPolicy(text).text;
        expect(once).not.toBeNull();
        expect(formatPolicy(once!).text).toBe(once);
      }),
      { numRuns: 200 },
    );
  });

  test('format never changes the IR hash', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        const formatted = formatPolicy(text).text!;
        expect(compile(formatted, OPTIONS).ir!.hash).toBe(compile(text, OPTIONS).ir!.hash);
      }),
      { numRuns: 200 },
    );
  });

  test('format keeps every comment, in order', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        expect(commentsOf(formatPolicy(text).text!)).toEqual(commentsOf(text));
      }),
      { numRuns: 200 },
    );
  });

  test('parse(format(x)) is the same tree as parse(x), modulo positions', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        expect(stripSpans(parse(formatPolicy(text).text!).file.items)).toEqual(stripSpans(parse(text).file.items));
      }),
      { numRuns: 200 },
    );
  });

  test('the formatted text has no trailing blanks and ends in one line break', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        const formatted = formatPolicy(text).text!;
        expect(formatted.endsWith('\n')).toBe(true);
        expect(formatted.endsWith('\n\n')).toBe(false);
        expect(formatted.split('\n').filter((line) => /[ \t]$/.test(line))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  test('reformatting a policy laid out on one line per item gives the same text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        // Same seed, same rules: with and without random layout they format identically once
        // comments are out of the way.
        const plain = generatedPolicy({ layout: false });
        const [sample] = fc.sample(plain, { numRuns: 1, seed });
        const formatted = formatPolicy(sample!.text).text!;
        expect(formatPolicy(formatted).text).toBe(formatted);
        expect(compile(formatted, OPTIONS).ir!.hash).toBe(compile(sample!.text, OPTIONS).ir!.hash);
      }),
      { numRuns: 50 },
    );
  });
});
