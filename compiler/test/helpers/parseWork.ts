// The work bounds of parsing one text (PolicyParser.work), asserted by the fuzz tests: counted
// work, never time, so they hold on any machine, however busy.
import { expect } from 'vitest';
import { lex, MAX_NESTING } from '../../src/syntax/lex.js';
import { MAX_RULES_UNWOUND, type ParseWork } from '../../src/syntax/PolicyParser.js';

/**
 * The most rules one error can unwind through: three per parenthesis or `not` the lexer keeps
 * (condition, andCondition, notCondition), and the rules around a condition.
 */
export const DEEPEST_RULE_STACK = 3 * MAX_NESTING + 16;

export function expectBoundedWork(text: string, work: ParseWork): void {
  const tokens = lex(text).tokens.length;
  // One pass over the tokens: the parser stops at its limits by itself, it is never re-run.
  expect(work.passes).toBe(1);
  expect(work.tokens).toBe(tokens);
  // The limit on unwinding holds, overshot at most by the error that reached it and the one
  // that then stopped the parse.
  expect(work.unwound).toBeLessThanOrEqual(MAX_RULES_UNWOUND + 2 * DEEPEST_RULE_STACK);
  // Re-sync searches look at a number of tokens linear in the input: each token at most once
  // per rule stack, and a search one rule out starts where the one before stopped. A few
  // stacks can each scan a long stretch: the most over the soak's 20,000 mutants was 2.2 times
  // (tokens + searches); the search before this one reached 94 tokens per token.
  expect(work.scanned).toBeLessThanOrEqual(4 * (tokens + work.searches));
}
