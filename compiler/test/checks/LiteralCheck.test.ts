import { describe, expect, test } from 'vitest';
import { LiteralCheck } from '../../src/checks/LiteralCheck.js';
import { compile } from '@axiru/compiler';
import { applyFix, policy, runCheck, spanText, summarize } from '../helpers/policies.js';

const rule = (statement: string) => policy('rule r:', `  ${statement}`);

describe('LiteralCheck (AX1013, AX1014, AX1017, AX1021)', () => {
  test('an unknown currency code in `N CODE`, with a quick fix on the code', () => {
    const text = rule('block refunds in EUR over 100 EUE');
    const [d, ...rest] = runCheck(LiteralCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1013');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('`EUE` is not an ISO 4217 currency code — did you mean `EUR`?');
    expect(spanText(text, d!)).toBe('EUE');
    expect(applyFix(text, d!.fixes![0]!)).toContain('over 100 EUR');
  });

  test('an unknown currency after `in`, in any case', () => {
    const text = rule('block refunds in eue, GBP over €5');
    const [d] = runCheck(LiteralCheck, text);
    expect(d!.message).toBe('`eue` is not an ISO 4217 currency code — did you mean `EUR`?');
    expect(spanText(text, d!)).toBe('eue');
    expect(d!.fixes![0]!.replacement).toBe('EUR');
  });

  test('an unknown currency compared with `currency` (regression: compile() threw on the IR)', () => {
    const text = rule('flag refunds when currency is eru or currency in [usd, "xyz"]');
    expect(summarize(text, runCheck(LiteralCheck, text))).toEqual([
      { code: 'AX1013', message: '`eru` is not an ISO 4217 currency code — did you mean `EUR`?', text: 'eru' },
      { code: 'AX1013', message: '`xyz` is not an ISO 4217 currency code', text: '"xyz"' },
    ]);
    expect(() => compile(text)).not.toThrow();
  });

  test.each([
    ['block refunds over ¥5.50', 'JPY has no minor unit, so `5.50` cannot have decimals', '¥5.50'],
    ['block refunds over 5.5 KRW', 'KRW has no minor unit, so `5.5` cannot have decimals', '5.5 KRW'],
    ['block refunds over 1.2345 KWD', 'KWD has 3 decimals, `1.2345` has 4', '1.2345 KWD'],
    ['block refunds over $1.505', 'USD has 2 decimals, `1.505` has 3', '$1.505'],
    ['block refunds over €0.001', 'EUR has 2 decimals, `0.001` has 3', '€0.001'],
  ])('too many decimals: %s', (statement, message, at) => {
    const text = rule(statement);
    expect(summarize(text, runCheck(LiteralCheck, text))).toEqual([{ code: 'AX1014', message, text: at }]);
  });

  test('an amount above 10^12 minor units', () => {
    const text = rule('block refunds over $10,000,000,000.01');
    expect(summarize(text, runCheck(LiteralCheck, text))).toEqual([
      { code: 'AX1021', message: '`10,000,000,000.01` is larger than the largest refund amount (10^12 minor units)', text: '$10,000,000,000.01' },
    ]);
  });

  test('a percentage that is not whole', () => {
    const text = rule('block refunds when amount over 80.5% of charge amount');
    const [d] = runCheck(LiteralCheck, text);
    expect(d!.code).toBe('AX1021');
    expect(d!.message).toBe('`80.5%` must be a whole percentage');
    expect(spanText(text, d!)).toBe('80.5% of charge amount');
    expect(d!.help).toBe('percentages compare exactly, so they are whole numbers');
  });

  test.each([
    ['refunds over $5 require 0 approvals from cfo', 'an approval count must be a whole number of at least 1, found `0`', '0'],
    ['refunds over $5 require 1.5 approvals from cfo', 'an approval count must be a whole number of at least 1, found `1.5`', '1.5'],
    ['refunds over $5 require 2 approval from cfo', '`2 approval` needs the plural: `2 approvals`', '2 approval from cfo'],
  ])('approval count: %s', (statement, message, at) => {
    const text = rule(statement);
    expect(summarize(text, runCheck(LiteralCheck, text))).toEqual([{ code: 'AX1017', message, text: at }]);
  });

  test('approval counts in `otherwise` and `on missing` are checked too', () => {
    const text = policy('otherwise require 0 approvals from cfo');
    expect(runCheck(LiteralCheck, text).map((d) => d.code)).toEqual(['AX1017']);
  });

  test.each([
    'block refunds over $1,000,000.50',
    'block refunds over ¥5000 when amount under 6000 JPY',
    'block refunds over 1.250 KWD',
    'block refunds over £40 when amount over 80% of charge amount',
    'block refunds in usd, Eur over $0',
    'flag refunds when currency is eur or currency in [USD, "gbp"]',
    'refunds over $5 require 1 approval from cfo',
    'refunds over $5 require 3 approvals from cfo',
    'block refunds over $10,000,000,000',
  ])('no diagnostic: %s', (statement) => {
    expect(runCheck(LiteralCheck, rule(statement))).toEqual([]);
  });
});
