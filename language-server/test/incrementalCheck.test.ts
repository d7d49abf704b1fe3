// The check as you type parses only the items an edit touched and compiles in stages: what it
// finds must be what compile() (and so `axiru check`) finds, for every text, after any edit.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPolicy, compile, finishCompile, IncrementalParser, parse } from '@axiru/compiler';
import { DocumentStore } from '../src/DocumentStore.js';
import { generatePolicy } from '../bench/generatePolicy.js';
import { LENS_POLICY } from './helpers/paths.js';
import { Texts } from './helpers/texts.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const FIXTURES = [
  ...readdirSync(examples).filter((f) => f.endsWith('.axiru')).map((f) => `${examples}${f}`),
  ...readdirSync(`${examples}invalid`).filter((f) => f.endsWith('.axiru')).map((f) => `${examples}invalid/${f}`),
].map((path) => readFileSync(path, 'utf8'));

/** The incremental parser's result for `text` checked and compiled in stages, against compile(). */
function expectSameAsCompile(parser: IncrementalParser, text: string, analysis = true): void {
  const parsed = parser.parse(text);
  const whole = parse(text);
  expect(parsed.file).toEqual(whole.file);
  expect(parsed.diagnostics).toEqual(whole.diagnostics);
  const checked = checkPolicy(text, parsed);
  expect(finishCompile(checked, { analysis: false })).toEqual(compile(text, { analysis: false }));
  if (analysis) expect(finishCompile(checked)).toEqual(compile(text));
}

describe('checking item by item', () => {
  it('gives compile()’s result for every example and every invalid fixture, one parser for them all', () => {
    const parser = new IncrementalParser();
    for (const text of FIXTURES) expectSameAsCompile(parser, text);
    // And again, now that the parser knows every item: pieces are reused, the result is the same.
    for (const text of FIXTURES) expectSameAsCompile(parser, text, false);
  });

  it('parses only the items an edit touched', () => {
    const parser = new IncrementalParser();
    const text = generatePolicy(200, 1);
    parser.parse(text);
    const before = parser.stats;
    const edited = text.replace(/^rule r100:\n {2}(.*?)[$€](\d+)/m, (match, head: string, amount: string) => match.replace(`${amount}`, `${Number(amount) + 7}`));
    expect(edited).not.toBe(text);
    expectSameAsCompile(parser, edited);
    // One piece for the edited rule; every other item only moved.
    expect(parser.stats.pieces - before.pieces).toBe(1);
    expect(parser.stats.whole).toBe(before.whole);
  });

  it('parses the whole text while there is a syntax error, and item by item again once it is fixed', () => {
    const parser = new IncrementalParser();
    const text = generatePolicy(50, 2);
    parser.parse(text);
    // `require` with no role: error recovery in the whole file reaches into the next rule.
    const broken = text.replace(/^(rule r\d+:\n {2}refunds [^\n]*?require) \w+$/m, '$1');
    expect(broken).not.toBe(text);
    expectSameAsCompile(parser, broken);
    expect(parser.stats.whole).toBe(1);
    const fixedFrom = parser.stats.pieces;
    expectSameAsCompile(parser, text);
    expect(parser.stats.pieces - fixedFrom).toBe(0);
  });

  it('gives compile()’s result after any sequence of edits', () => {
    const seed = `${LENS_POLICY}\n${generatePolicy(12, 4).split('\n').slice(6).join('\n')}`;
    // Insertions of words and symbols the grammar knows, deletions and replacements, anywhere.
    const pieces = ['rule ', 'rule x:\n  ', 'example "e" { amount: $5 } expect allow\n', 'on missing block\n', '\n', '$10', ' over ', ' when ', ' and ', 'require ', 'cfo', '"', '#', ' ', ':', 'roles a < b\n', 'refunds '];
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const parser = new IncrementalParser();
        let text = seed;
        parser.parse(text);
        for (const { at, remove, insert } of edits) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + remove);
          expectSameAsCompile(parser, text);
        }
      }),
      { numRuns: 60, seed: 20261126 },
    );
  });
});

describe('document store', () => {
  it('checks each version from the items of the last one, with compile()’s diagnostics', () => {
    const texts = new Texts();
    const store = new DocumentStore(texts);
    const uri = 'file:///p.axiru';
    let text = generatePolicy(30, 5);
    for (let i = 0; i < 5; i++) {
      texts.set(uri, text);
      const document = store.current(uri)!;
      expect(document.checked.diagnostics).toEqual(compile(text, { analysis: false, examples: false }).diagnostics);
      expect(document.isCompiled).toBe(false);
      expect(document.compiled).toEqual(compile(text, { analysis: false }));
      text = text.replace(`rule r${i}:`, `rule renamed${i}:`);
    }
  });
});
