import { describe, expect, test } from 'vitest';
import { UnknownFieldCheck } from '../../src/checks/UnknownFieldCheck.js';
import { compile } from '@axiru/compiler';
import { applyFix, policy, runCheck, spanText, summarize } from '../helpers/policies.js';

const when = (condition: string) => policy('rule r:', `  flag refunds when ${condition}`);

describe('UnknownFieldCheck (AX1005, AX1019, AX1021)', () => {
  test('a misspelled field, with a quick fix and the subjects in the help', () => {
    const text = when('amout over $5');
    const [d, ...rest] = runCheck(UnknownFieldCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1005');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('unknown field `amout` — did you mean `amount`?');
    expect(spanText(text, d!)).toBe('amout');
    expect(d!.help).toContain('`customer tenure`');
    expect(d!.help).toContain('`metadata.KEY`');
    expect(compile(applyFix(text, d!.fixes![0]!)).ok).toBe(true);
  });

  test('a field nothing resembles', () => {
    const text = when('weather is sunny');
    const [d] = runCheck(UnknownFieldCheck, text);
    expect(d!.message).toBe('unknown field `weather`');
    expect(d!.fixes).toBeUndefined();
  });

  test('an unknown field after `of` in a percentage', () => {
    const text = when('amount over 50% of amout');
    expect(runCheck(UnknownFieldCheck, text).map((d) => [d.code, spanText(text, d)])).toEqual([['AX1005', 'amout']]);
  });

  test('an empty metadata key', () => {
    const text = when('metadata[""] is "x"');
    expect(summarize(text, runCheck(UnknownFieldCheck, text))).toEqual([{ code: 'AX1005', message: 'a metadata key cannot be empty', text: 'metadata[""]' }]);
  });

  test('a refund window in months', () => {
    const text = when('customer refunds in last 3 months at least 5');
    expect(summarize(text, runCheck(UnknownFieldCheck, text))).toEqual([
      { code: 'AX1019', message: 'a refund window is counted in `days` or `hours`, found `months`', text: 'months' },
    ]);
  });

  test.each([
    ['0', 'a refund window must be a positive whole number, found `0`', '0 days'],
    ['1.5', 'a refund window must be a positive whole number, found `1.5`', '1.5 days'],
    ['9007199254740991', 'a refund window of `9007199254740991` days is too long', '9007199254740991 days'],
  ])('AX1021: a window of %s days', (amount, message, at) => {
    // Regression: a window too long for hours in a safe integer compiled to IR the runtime refuses.
    const text = when(`customer refunds in last ${amount} days at least 1`);
    expect(summarize(text, runCheck(UnknownFieldCheck, text))).toEqual([{ code: 'AX1021', message, text: at }]);
    expect(() => compile(text)).not.toThrow();
  });

  test('a window written with leading zeros reads the same fact (regression: compile() threw)', () => {
    const text = when('customer refunds in last 030 days at least 3');
    const result = compile(text);
    expect(result.ok).toBe(true);
    expect(result.ir!.facts).toEqual([{ name: 'customer_refunds_last_30_days', kind: 'customer_refund_count', window_hours: 720 }]);
  });

  test.each([
    'amount over $5',
    'charge amount over $5 or charge age over 1 day or charge refunded over $1',
    'customer tenure over 1 day or customer refunds in last 1 day over 1 or customer refunds in last 48 hours over 1',
    'reason is a or source is automation or merchant is acct_1 or currency is usd',
    'metadata.order-id_2 is "x" or metadata.7 is "y" or metadata["order id"] is "z"',
  ])('no diagnostic: %s', (condition) => {
    expect(runCheck(UnknownFieldCheck, when(condition))).toEqual([]);
  });
});
