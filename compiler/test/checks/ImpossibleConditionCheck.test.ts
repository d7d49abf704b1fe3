import { describe, expect, test } from 'vitest';
import { compile } from '@axiru/compiler';
import { diagnosticsWithCode, policy, spanText } from '../helpers/policies.js';

// An IR check: it runs inside compile() on a file without other errors.
describe('ImpossibleConditionCheck (AX1011)', () => {
  test('a qualifier and a `when` that exclude each other', () => {
    const text = policy('rule never:', '  block refunds over $500 when amount under $100', 'otherwise flag');
    const [d, ...rest] = diagnosticsWithCode(text, 'AX1011');
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('this rule can never match: `over $500` and `amount under $100` cannot all hold for one refund');
    expect(spanText(text, d!)).toBe('over $500');
    expect(d!.related!.map((r) => [r.message, text.slice(r.span.start, r.span.end)])).toEqual([['conflicts with this', 'amount under $100']]);
    const result = compile(text);
    expect(result.ok).toBe(false);
    expect(result.ir).toBeNull();
  });

  test('the message names only the conflicting parts', () => {
    const text = policy('rule never:', '  flag refunds from ai_agent over $5 when reason is a and customer tenure over 30 days and customer tenure under 2 days');
    const [d] = diagnosticsWithCode(text, 'AX1011');
    expect(d!.message).toBe('this rule can never match: `customer tenure over 30 days` and `customer tenure under 2 days` cannot all hold for one refund');
    expect(spanText(text, d!)).toBe('customer tenure over 30 days');
  });

  test('one comparison that no refund satisfies', () => {
    const text = policy('rule never:', '  flag refunds when amount under $0');
    const [d] = diagnosticsWithCode(text, 'AX1011');
    expect(d!.message).toBe('this condition can never hold: no refund satisfies `amount under $0`');
    expect(spanText(text, d!)).toBe('amount under $0');
  });

  test.each([
    ['overlapping ranges', 'block refunds over $100 when amount under $500'],
    ['touching inclusive ranges', 'block refunds at least $100 when amount at most $100'],
    ['alternatives under `or`', 'block refunds when amount over $500 or amount under $100'],
    ['an `unless` is not part of the conjunction (AX2001 covers it)', 'block refunds in USD over $100 unless amount over $50'],
  ])('no diagnostic for %s', (_, statement) => {
    expect(diagnosticsWithCode(policy('rule r:', `  ${statement}`, 'otherwise flag'), 'AX1011')).toEqual([]);
  });
});
