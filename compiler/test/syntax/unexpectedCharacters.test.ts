// Characters that start no token: lexed as runs (tokens.ts, Unexpected) instead of by
// Chevrotain's recovery, which tries every pattern at every character. The runs must give
// exactly what Chevrotain's recovery alone gives: the same tokens, the same AX1000 spans.
import { Lexer } from 'chevrotain';
import { describe, expect, test } from 'vitest';
import { compile } from '@axiru/compiler';
import { lex } from '../../src/syntax/lex.js';
import * as T from '../../src/syntax/tokens.js';
import { mutants, Rng } from '../fuzz/policyMutations.js';

/** Chevrotain's own lexer over the language's tokens, its recovery untouched: the reference. */
const reference = new Lexer(T.allTokens, { positionTracking: 'full' });
const withRuns = new Lexer(T.lexerTokens, { positionTracking: 'full' });

const tokensOf = (result: ReturnType<Lexer['tokenize']>) => result.tokens.map((t) => `${t.tokenType.name}@${t.startOffset}:${t.image}`);

function expectSameAsChevrotain(text: string): void {
  const expected = reference.tokenize(text);
  expect(tokensOf(withRuns.tokenize(text))).toEqual(tokensOf(expected));
  const spans = lex(text).diagnostics.filter((d) => d.code === 'AX1000').map((d) => d.span);
  expect(spans).toEqual(expected.errors.map((e) => ({ start: e.offset, end: e.offset + e.length })));
}

/** Text from an alphabet of token starts, near misses and characters that start nothing. */
function mixed(rng: Rng, length: number): string {
  const alphabet = ['a', 'z', 'Z', '_', '1', '9', '$', '€', '£', '¥', '₹', '"', ':', ',', '<', '(', ')', '[', ']', '{', '}', '#', ' ', '\n', '\t', '\u00a0', '\ufeff',
    'é', '.', '-', '\'', '@', '\u0000', '\uD800', '😀', '%', '&', '\\', 'metadata.', 'lists.', '1,000', '$5'];
  let text = '';
  while (text.length < length) text += rng.pick(alphabet);
  return text;
}

describe('characters that start no token', () => {
  test('every UTF-16 code unit, alone and next to token starts, lexes as Chevrotain alone lexes it', () => {
    const all = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code));
    for (let from = 0; from < all.length; from += 4096) {
      const chunk = all.slice(from, from + 4096);
      expectSameAsChevrotain(chunk.join(''));
      expectSameAsChevrotain(chunk.join(' a$'));
    }
  });

  test('random mixes of token starts and stray characters lex as Chevrotain alone lexes them', () => {
    const rng = new Rng(19);
    for (let i = 0; i < 2_000; i += 1) expectSameAsChevrotain(mixed(rng, 1 + rng.int(60)));
  });

  test('mutated policies lex as Chevrotain alone lexes them', () => {
    for (const mutant of mutants(1919, 300)) expectSameAsChevrotain(mutant.text);
  });

  test("the lexer's own recovery, a search over every pattern at every character, never runs", () => {
    const rng = new Rng(1919);
    for (let i = 0; i < 500; i += 1) expect(withRuns.tokenize(mixed(rng, 200)).errors).toEqual([]);
    for (const stray of ['é', '$', '€', '\u0000']) {
      const text = `policy "p" version 1\nrule r: flag refunds when reason is ${stray.repeat(60_000)}\n`;
      expect(withRuns.tokenize(text).errors).toEqual([]);
      expect(lex(text).diagnostics.map((d) => d.code)).toEqual(['AX1000']);
    }
  });

  test('a long run is one diagnostic that shows its start and its length', () => {
    const text = `policy "p" version 1\nrule r: flag refunds when reason is a${'é'.repeat(60_000)}\n`;
    const unexpected = compile(text).diagnostics.filter((d) => d.code === 'AX1000');
    expect(unexpected).toHaveLength(1);
    expect(unexpected[0]!.message).toBe(`unexpected characters \`${'é'.repeat(24)}…\` (60,000 characters)`);
    expect(unexpected[0]!.span).toEqual({ start: text.indexOf('é'), end: text.indexOf('é') + 60_000 });
  });

  test('a short run is shown whole; a stray `$` next to it is part of the same run, `$5` after it is money', () => {
    const text = 'policy "p" version 1\nrule r: flag refunds when reason is a é$@$5 b\n';
    const [d] = compile(text).diagnostics.filter((x) => x.code === 'AX1000');
    expect(d!.message).toBe('unexpected characters `é$@`');
    expect(text.slice(d!.span!.start, d!.span!.end)).toBe('é$@');
  });
});
