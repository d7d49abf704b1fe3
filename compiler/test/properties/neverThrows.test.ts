// The compiler never throws on user input: arbitrary text, token soup, and mutations of a real
// policy all come back as diagnostics. Hostile nesting is cut with AX1025, not a stack overflow,
// and a 64 KB input completes (no timing is asserted; the inputs are bounded in size).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compile, formatPolicy, type CompileResult } from '@axiru/compiler';
import { RESERVED_WORDS } from '../../src/syntax/tokens.js';
import { ACME } from '../helpers/paths.js';
import { buildPolicy } from '../helpers/generatePolicy.js';

const ACME_TEXT = readFileSync(ACME, 'utf8');

/** Words and punctuation of the language, and near misses, for token-level fuzzing. */
const VOCABULARY = [
  ...RESERVED_WORDS,
  'allow', 'flag', 'block', 'missing', 'over', 'under', 'at', 'least', 'most', 'up', 'to', 'between', 'from', 'for',
  'merchant', 'merchants', 'in', 'is', 'of', 'last', 'amount', 'charge', 'customer', 'tenure', 'age', 'refunded',
  'reason', 'source', 'currency', 'metadata', 'metadata.ticket', 'days', 'hours', 'day', 'cfo', 'support_lead',
  'ai_agent', 'duplicate_charge', 'pending_approval', 'EUR', 'KWD', 'XYZ',
  '$150', '$1,500.50', '€90', '£40', '¥5000', '¥5.5', '150', '1.2345', '0', '80%', '80.5%', '99999999999999999999',
  '"text"', '"', '"unterminated', ':', ',', '<', '(', ')', '[', ']', '{', '}', '#', '# comment\n', '\n', "'", '@', '₹',
];

const tokenSoup = fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 120 }).map((words) => words.join(' '));
const headedSoup = tokenSoup.map((soup) => `policy "p" version 1\nroles support_lead < cfo\n${soup}`);

/** compile() and formatPolicy() both return; the result is well formed. */
function survives(text: string): CompileResult {
  const result = compile(text);
  expect(Array.isArray(result.diagnostics)).toBe(true);
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^AX\d{4}$/);
    if (d.span) {
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.end).toBeLessThanOrEqual(text.length);
      expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    }
  }
  expect(result.ok).toBe(result.diagnostics.every((d) => d.severity !== 'error'));
  const formatted = formatPolicy(text);
  expect(formatted.text === null || typeof formatted.text === 'string').toBe(true);
  return result;
}

describe('compile never throws', () => {
  test('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => void survives(text)), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => void survives(text)), { numRuns: 200 });
  });

  test('on token soup, with and without a header', () => {
    fc.assert(fc.property(tokenSoup, (text) => void survives(text)), { numRuns: 300 });
    fc.assert(fc.property(headedSoup, (text) => void survives(text)), { numRuns: 300 });
  });

  test('on character mutations of examples/acme.axiru', () => {
    const edit = fc.record({
      at: fc.nat({ max: ACME_TEXT.length }),
      remove: fc.nat({ max: 6 }),
      insert: fc.string({ unit: 'grapheme', maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = ACME_TEXT;
        for (const { at, remove, insert } of edits) {
          const i = Math.min(at, text.length);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        survives(text);
      }),
      { numRuns: 300 },
    );
  });

  test('on token mutations of examples/acme.axiru: insert, delete or replace words', () => {
    const words = ACME_TEXT.split(/(\s+)/);
    const edit = fc.record({ kind: fc.constantFrom('insert', 'delete', 'replace'), at: fc.nat({ max: words.length - 1 }), word: fc.constantFrom(...VOCABULARY) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const mutated = [...words];
        for (const { kind, at, word } of edits) {
          const i = Math.min(at, mutated.length - 1);
          if (kind === 'insert') mutated.splice(i, 0, ` ${word} `);
          else if (kind === 'delete') mutated.splice(i, 1);
          else mutated[i] = word;
        }
        survives(mutated.join(''));
      }),
      { numRuns: 400 },
    );
  });

  test('on mutations of generated valid policies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.nat(), fc.constantFrom(...VOCABULARY), (seed, at, word) => {
        const text = buildPolicy(seed);
        const i = at % (text.length + 1);
        survives(`${text.slice(0, i)} ${word} ${text.slice(i)}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('bounded input', () => {
  test('a valid 64 KB policy compiles', () => {
    const rules: string[] = [];
    let text = 'policy "big" version 1\nroles support_lead < finance_manager < cfo\notherwise require support_lead\n';
    for (let i = 0; text.length < 64 * 1024; i++) {
      const rule = `\nrule r${i}:\n  refunds from ai_agent or automation over $${50 + i} when customer tenure under ${1 + (i % 90)} days and reason is not duplicate_charge require finance_manager\n`;
      rules.push(rule);
      text += rule;
    }
    expect(text.length).toBeGreaterThanOrEqual(64 * 1024);
    const result = compile(text, { analysis: false });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ir!.rules).toHaveLength(rules.length);
  });

  test('64 KB of token soup and of random characters complete', () => {
    const soup = fc.sample(fc.constantFrom(...VOCABULARY), { numRuns: 20_000, seed: 42 }).join(' ').slice(0, 64 * 1024);
    expect(soup.length).toBe(64 * 1024);
    expect(survives(soup).ok).toBe(false);
    const chars = fc.sample(fc.string({ unit: 'grapheme-ascii', minLength: 64, maxLength: 64 }), { numRuns: 1024, seed: 7 }).join('');
    expect(chars.length).toBe(64 * 1024);
    survives(chars);
  });

  test('one 64 KB condition of `and`s compiles', () => {
    const parts: string[] = [];
    while (parts.join(' and ').length < 64 * 1024) parts.push(`reason is not r${parts.length}`);
    const result = compile(`policy "p" version 1\nrule wide:\n  flag refunds when ${parts.join(' and ')}\n`, { analysis: false });
    expect(result.diagnostics).toEqual([]);
  });
});

describe('hostile nesting gives AX1025, not a stack overflow', () => {
  const header = 'policy "p" version 1\nroles cfo\n';
  const cases: [string, string][] = [
    ['10,000 nested parentheses', `rule r: flag refunds when ${'('.repeat(10_000)}reason is x${')'.repeat(10_000)}`],
    ['10,000 `not`s', `rule r: flag refunds when ${'not '.repeat(10_000)}reason is x`],
    ['10,000 `(not` pairs', `rule r: flag refunds when ${'(not '.repeat(10_000)}reason is x${')'.repeat(10_000)}`],
    ['64 parentheses with 64 `not`s in each', `rule r: flag refunds when ${`(${'not '.repeat(64)}`.repeat(64)}reason is x${')'.repeat(64)}`],
    ['10,000 levels of `and` inside `or`', `rule r: flag refunds when ${'(reason is x and '.repeat(10_000)}reason is y${' or reason is z)'.repeat(10_000)}`],
    ['10,000 unclosed parentheses', `rule r: flag refunds when ${'('.repeat(10_000)}`],
    ['10,000 nested example objects', `example "e" { metadata: ${'{ a: '.repeat(10_000)}"x"${' }'.repeat(10_000)} } expect allow`],
  ];

  test.each(cases)('%s', (_, body) => {
    const text = `${header}${body}\nrule later:\n  refunds over $5 require cfx\n`;
    const result = survives(text);
    expect(result.diagnostics.filter((d) => d.code === 'AX1025')).toHaveLength(1);
    // One diagnostic for the nesting; the rest of the file is still checked.
    expect(result.diagnostics.map((d) => d.code)).toContain('AX1003');
    // The shared parser is left in a usable state for the next file.
    expect(compile(ACME_TEXT).ok).toBe(true);
  });

  test('nesting just within the limit compiles and loads in the runtime', () => {
    const text = `${header}rule r:\n  flag refunds when ${'('.repeat(64)}reason is x${')'.repeat(64)}\nrule s:\n  flag refunds unless ${'(reason is a and '.repeat(31)}reason is b${' or reason is c)'.repeat(31)}\n`;
    const result = compile(text);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ir).not.toBeNull();
  });

  test('alternating `and` / `or` deeper than the IR allows is AX1025 (regression: compile() threw on the IR)', () => {
    const text = `${header}rule r:\n  flag refunds when ${'(reason is a and '.repeat(33)}reason is b${' or reason is c)'.repeat(33)}\n`;
    expect(survives(text).diagnostics.map((d) => [d.code, d.message])).toEqual([['AX1025', '`and`, `or` and `not` nested more than 64 deep']]);
  });
});
