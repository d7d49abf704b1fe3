// Error recovery's cost, bounded by counting its work (never by timing it): one pass over the
// tokens, re-sync searches that look at a number of tokens linear in the input, and a cap on
// the rules syntax errors unwind through. And the faster re-sync search (PolicyParser.ts,
// FollowStack.ts) answers as Chevrotain's own does: the same errors, the same tree.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CstParser, type CstElement, type CstNode, type IToken, type TokenType } from 'chevrotain';
import { describe, expect, test } from 'vitest';
import { lex } from '../../src/syntax/lex.js';
import { parse } from '../../src/syntax/parse.js';
import { MAX_RULES_UNWOUND, MAX_SYNTAX_ERRORS, PolicyParser, policyParser } from '../../src/syntax/PolicyParser.js';
import { mutants } from '../fuzz/policyMutations.js';
import { DEEPEST_RULE_STACK, expectBoundedWork } from '../helpers/parseWork.js';

const CORPUS = fileURLToPath(new URL('../fuzz/corpus/', import.meta.url));
const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.axiru')).sort();

const chevrotain = CstParser.prototype as unknown as {
  findReSyncTokenType(this: CstParser): TokenType;
  isInCurrentRuleReSyncSet(this: CstParser, type: TokenType): boolean;
};

/** The grammar with Chevrotain's own re-sync search (its counting of unwound rules kept, so it stops where the other does). */
class ChevrotainResync extends PolicyParser {
  override findReSyncTokenType(): TokenType {
    return chevrotain.findReSyncTokenType.call(this);
  }

  override isInCurrentRuleReSyncSet(type: TokenType): boolean {
    super.isInCurrentRuleReSyncSet(type);
    return chevrotain.isInCurrentRuleReSyncSet.call(this, type);
  }
}

const referenceParser = new ChevrotainResync();

function token(t: IToken): string {
  return `${t.tokenType.name}@${t.startOffset}:${t.image}`;
}

function tree(element: CstElement): unknown {
  if ('image' in element) return token(element);
  const node = element as CstNode;
  const children = Object.entries(node.children).map(([name, list]) => [name, list.map(tree)]);
  return { name: node.name, recovered: node.recoveredNode === true, children };
}

function parsedBy(parser: PolicyParser, text: string) {
  parser.input = lex(text).tokens;
  const cst = parser.file();
  return {
    tree: tree(cst),
    errors: parser.errors.map((e) => ({ name: e.name, message: e.message, at: token(e.token), skipped: e.resyncedTokens.map(token) })),
    stopped: parser.stopped === null ? null : { at: token(parser.stopped.token), why: parser.stopped.why },
  };
}

function expectBoundedParse(text: string): void {
  parse(text);
  expectBoundedWork(text, policyParser().work);
}

describe('error recovery work', () => {
  test.each(corpusFiles)('regression corpus %s: one pass, bounded unwinding, linear re-sync scans', (file) => {
    expectBoundedParse(readFileSync(join(CORPUS, file), 'utf8'));
  });

  test('errors deep inside nested conditions: each unwinds ~160 rules, and the parse stops at the cap', () => {
    // 200 rules, each with a syntax error inside 50 open parentheses: every error unwinds to
    // the top to reach the next rule. Chevrotain threw through some 33,000 rules for this.
    const rule = `rule deep:\n  flag refunds when ${'('.repeat(50)}reason.\n`;
    const text = `policy "p" version 1\n${rule.repeat(200)}`;
    const result = parse(text);
    const work = policyParser().work;
    expect(work.passes).toBe(1);
    expect(work.unwound).toBeGreaterThan(MAX_RULES_UNWOUND);
    expect(work.unwound).toBeLessThanOrEqual(MAX_RULES_UNWOUND + 2 * DEEPEST_RULE_STACK);
    const [cut, ...errors] = result.diagnostics.filter((d) => d.code === 'AX1001');
    expect(cut!.message).toBe('too many syntax errors inside deeply nested conditions or examples; the rest of the file was not read');
    expect(cut!.help).toBe('fix the errors above this point first');
    // Each error before the cut is reported where it is: the `rule` after the stray `.`.
    expect(errors.length).toBeGreaterThan(MAX_RULES_UNWOUND / (3 * 50 + 16));
    for (const error of errors) {
      expect(error.message).toMatch(/^expected a comparison: .*, found `rule`$/);
      expect(text.slice(error.span!.start - 2, error.span!.end)).toBe('.\nrule');
    }
    expect(text.slice(cut!.span!.start - 2, cut!.span!.end)).toBe('.\nrule');
  });

  test('past 200 syntax errors the parse stops in the same pass, and says where', () => {
    const text = `policy "p" version 1\n${'rule r: blok refunds\n'.repeat(300)}`;
    const result = parse(text);
    expect(policyParser().work.passes).toBe(1);
    const [cut, ...errors] = result.diagnostics.filter((d) => d.code === 'AX1001');
    expect(cut!.message).toBe(`more than ${MAX_SYNTAX_ERRORS} syntax errors; the rest of the file was not read`);
    // The cut is at the 201st `blok`: the 200 before it are reported, and the tree holds every
    // rule read, the 201st up to its colon.
    const blok = [...text.matchAll(/blok/g)].map((m) => m.index);
    expect(errors.map((d) => d.span!.start)).toEqual(blok.slice(0, MAX_SYNTAX_ERRORS));
    expect(cut!.span!.start).toBe(blok[MAX_SYNTAX_ERRORS]);
    expect(result.file.items.filter((i) => i.kind === 'Rule')).toHaveLength(MAX_SYNTAX_ERRORS + 1);
  });

  test('every mutant of the campaign meets the bounds', () => {
    for (const mutant of mutants(1919, 200)) expectBoundedParse(mutant.text);
  });
});

describe("the re-sync search answers as Chevrotain's", () => {
  test.each(corpusFiles)('regression corpus %s', (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    expect(parsedBy(policyParser(), text)).toEqual(parsedBy(referenceParser, text));
  });

  test('mutants of every example and invalid example', () => {
    let withErrors = 0;
    for (const mutant of mutants(7, 300)) {
      const ours = parsedBy(policyParser(), mutant.text);
      expect(ours).toEqual(parsedBy(referenceParser, mutant.text));
      if (ours.errors.length > 0) withErrors += 1;
    }
    expect(withErrors).toBeGreaterThan(100);
  });
});
