import { describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver';
import { definition, documentHighlights, prepareRename, references, rename } from '../src/features/navigation.js';
import { at } from './helpers/fixture.js';

const POLICY = `policy "test" version 1
roles support_lead < finance_manager
sources support_tool, ai_agent

rule high_value:
  refunds over $150 require finance_manager

rule bots:
  refunds from ai_agent over $50 require support_lead or finance_manager
  unless source is support_tool

otherwise require support_lead

example "large" { amount: $200, source: ai_agent } expect pending_approval by high_value
`;

/** The policy with the cursor inside the `nth` occurrence (0-based) of `word`. */
function cursorOn(word: string, nth = 0) {
  let index = -1;
  for (let i = 0; i <= nth; i++) index = POLICY.indexOf(word, index + 1);
  if (index < 0) throw new Error(`no ${word} #${nth}`);
  return at(`${POLICY.slice(0, index + 1)}|${POLICY.slice(index + 1)}`);
}

const lineOf = (ranges: { range: { start: { line: number } } }[]) => ranges.map((r) => r.range.start.line);

describe('go to definition', () => {
  it('goes from a required role to its declaration', () => {
    const cursor = cursorOn('finance_manager', 1);
    expect(definition(cursor.document, cursor.position)).toEqual([
      { uri: cursor.document.uri, range: { start: { line: 1, character: 21 }, end: { line: 1, character: 36 } } },
    ]);
  });

  it('goes from an example’s `by` to the rule', () => {
    const cursor = cursorOn('high_value', 1);
    expect(lineOf(definition(cursor.document, cursor.position))).toEqual([4]);
  });

  it('goes from a source in a qualifier, a comparison or an example input to its declaration', () => {
    for (const [word, nth] of [['ai_agent', 1], ['support_tool', 1], ['ai_agent', 2]] as const) {
      const cursor = cursorOn(word, nth);
      expect(lineOf(definition(cursor.document, cursor.position))).toEqual([2]);
    }
  });

  it('finds nothing on a keyword', () => {
    const cursor = cursorOn('refunds');
    expect(definition(cursor.document, cursor.position)).toEqual([]);
  });
});

describe('references and highlights', () => {
  it('finds every use of a role, with or without its declaration', () => {
    const cursor = cursorOn('support_lead');
    expect(lineOf(references(cursor.document, cursor.position, true))).toEqual([1, 8, 11]);
    expect(lineOf(references(cursor.document, cursor.position, false))).toEqual([8, 11]);
  });

  it('highlights the declaration as written and uses as read', () => {
    const cursor = cursorOn('high_value');
    expect(documentHighlights(cursor.document, cursor.position).map((h) => [h.range.start.line, h.kind])).toEqual([
      [4, 3],
      [13, 2],
    ]);
  });
});

describe('rename', () => {
  it('renames a role everywhere', () => {
    const cursor = cursorOn('finance_manager', 2);
    expect(prepareRename(cursor.document, cursor.position)).toEqual({
      range: { start: { line: 8, character: 57 }, end: { line: 8, character: 72 } },
      placeholder: 'finance_manager',
    });
    const edit = rename(cursor.document, cursor.position, 'controller');
    expect(edit.changes![cursor.document.uri]!.map((e) => [e.range.start.line, e.newText])).toEqual([
      [1, 'controller'],
      [5, 'controller'],
      [8, 'controller'],
    ]);
  });

  it('renames a rule with the examples that name it', () => {
    const cursor = cursorOn('high_value');
    const edits = rename(cursor.document, cursor.position, 'big_refunds').changes![cursor.document.uri]!;
    expect(edits.map((e) => e.range.start.line)).toEqual([4, 13]);
  });

  it('refuses names that are not names, reserved words and names taken', () => {
    const cursor = cursorOn('support_lead');
    expect(() => rename(cursor.document, cursor.position, '2nd')).toThrow(ResponseError);
    expect(() => rename(cursor.document, cursor.position, 'rule')).toThrow('`rule` is a reserved word');
    expect(() => rename(cursor.document, cursor.position, 'finance_manager')).toThrow('a role named `finance_manager` already exists');
  });

  it('cannot rename a keyword or an undeclared default source', () => {
    const keyword = cursorOn('require');
    expect(prepareRename(keyword.document, keyword.position)).toBeNull();
    const defaults = at('policy "p" version 1\nrule r:\n  block refunds from ai_a|gent\n');
    expect(prepareRename(defaults.document, defaults.position)).toBeNull();
    expect(() => rename(defaults.document, defaults.position, 'bot')).toThrow('only a declared role, rule or source can be renamed');
  });
});
