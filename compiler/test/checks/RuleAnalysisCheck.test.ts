import { describe, expect, test } from 'vitest';
import { compile } from '@axiru/compiler';
import { loadPolicy } from '@axiru/runtime';
import { diagnosticsWithCode, policy, spanText } from '../helpers/policies.js';

// An IR check over the exact static analysis: it runs inside compile() on a file without errors.
describe('RuleAnalysisCheck (AX2001, AX2002, AX2003, AX2005)', () => {
  test('AX2001: an `unless` that exempts everything the rule selects', () => {
    const text = policy('rule never_blocks:', '  block refunds in USD over $100 unless amount over $50', 'otherwise flag');
    const [d, ...rest] = diagnosticsWithCode(text, 'AX2001');
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('warning');
    expect(d!.message).toBe('rule `never_blocks` can never match: its `unless` exempts every refund it selects');
    expect(spanText(text, d!)).toBe('never_blocks');
    expect(compile(text).ok).toBe(true);
  });

  test('AX2002: a rule a stronger rule always overrides', () => {
    const text = policy('rule large:', '  block refunds over $100', 'rule cfo_review:', '  refunds over $500 require cfo', 'otherwise flag');
    const [d, ...rest] = diagnosticsWithCode(text, 'AX2002');
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('warning');
    expect(d!.message).toBe('rule `cfo_review` can never decide the outcome: every refund it matches is also matched by `large`, which wins');
    expect(spanText(text, d!)).toBe('cfo_review');
    expect(d!.related!.map((r) => [r.message, text.slice(r.span.start, r.span.end)])).toEqual([['`large` wins over it', 'large']]);
    expect(d!.help).toBe('most restrictive wins, so the order of rules never matters: remove or narrow this rule');
  });

  test('AX2003: thresholds in one currency with `otherwise allow`, with a witness that really falls through', () => {
    const text = policy('rule large:', '  refunds over $150 require cfo');
    const [d, ...rest] = diagnosticsWithCode(text, 'AX2003');
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('warning');
    expect(d!.message).toMatch(/^amount thresholds cover only USD: a refund in any other currency \(for example .+\) matches no rule and falls to `otherwise allow`$/);
    expect(spanText(text, d!)).toBe('large');
    const decision = loadPolicy(compile(text).ir!).decide(d!.witness!);
    expect(decision.outcome).toBe('allow');
    expect(decision.matched_rule).toBeNull();
  });

  test('AX2003 points at an explicit `otherwise allow`', () => {
    const text = policy('rule large:', '  refunds over $150 require cfo', 'otherwise allow');
    expect(diagnosticsWithCode(text, 'AX2003').map((d) => spanText(text, d))).toEqual(['otherwise allow']);
  });

  test('AX2005: a condition past the analysis limit is reported, not analysed', () => {
    const parts = Array.from({ length: 16 }, (_, i) => `(metadata.a${i} is "x" or metadata.b${i} is "x")`).join(' and ');
    const text = policy('rule wide:', `  flag refunds when ${parts}`);
    const [d] = diagnosticsWithCode(text, 'AX2005');
    expect(d!.severity).toBe('warning');
    expect(d!.message).toMatch(/^rule `wide` was not fully analysed: /);
    expect(spanText(text, d!)).toBe('wide');
  });

  test.each([
    ['a stricter `otherwise`', ['rule large:', '  refunds over $150 require cfo', 'otherwise require support_lead']],
    ['a rule per currency and a default for the rest', ['rule usd:', '  refunds in USD over $150 require cfo', 'rule eur:', '  refunds in EUR over €150 require cfo', 'otherwise flag']],
    ['rules that each decide somewhere', ['rule large:', '  block refunds over $1,000', 'rule medium:', '  refunds over $100 require cfo', 'otherwise flag']],
    ['an `unless` that exempts only part', ['rule r:', '  block refunds in USD over $100 unless amount over $500', 'otherwise flag']],
  ])('no finding for %s', (_, lines) => {
    const result = compile(policy(...lines));
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([]);
  });
});
