import { describe, expect, test } from 'vitest';
import { TypeCheck } from '../../src/checks/TypeCheck.js';
import { compile } from '@axiru/compiler';
import { applyFix, policy, runCheck, spanText, summarize } from '../helpers/policies.js';

const when = (condition: string) => policy('rule r:', `  flag refunds when ${condition}`);

describe('TypeCheck (AX1009, AX1019, AX1020, AX1021)', () => {
  test('a duration compared with money', () => {
    const text = when('customer tenure over $5');
    const [d, ...rest] = runCheck(TypeCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1009');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('`customer tenure` is a duration, but `$5` is not: expected a duration such as `30 days` or `48 hours`');
    expect(spanText(text, d!)).toBe('$5');
  });

  test('money without a currency, with help', () => {
    const text = when('amount over 150');
    const [d] = runCheck(TypeCheck, text);
    expect(d!.message).toBe('`amount` is money, but `150` is not: expected a money amount such as `$150` or `150 EUR`');
    expect(d!.help).toBe('money carries its currency: `$150` or `150 EUR`');
    expect(spanText(text, d!)).toBe('150');
  });

  test('an amount qualifier checks its values as money', () => {
    const text = policy('rule r:', '  flag refunds over 30 days');
    expect(summarize(text, runCheck(TypeCheck, text))).toEqual([
      { code: 'AX1009', message: '`amount` is money, but `30 days` is not: expected a money amount such as `$150` or `150 EUR`', text: '30 days' },
    ]);
  });

  test.each([
    ['reason over 3', '`reason` is a symbol; it can only be compared with `is`, `is not`, `in` or `not in`', 'reason over 3'],
    ['metadata.ticket between "a" and "b"', '`metadata.ticket` is text; it can only be compared with `is`, `is not`, `in` or `not in`', 'metadata.ticket between "a" and "b"'],
    ['reason in []', 'an empty list matches nothing', 'reason in []'],
    ['reason is 5 days', '`reason` is a symbol, but `5 days` is not: expected a name such as `duplicate_charge`', '5 days'],
    ['customer refunds in last 30 days at least $3', '`customer refunds in last 30 days` is a count, but `$3` is not: expected a whole number such as `3`', '$3'],
    ['customer refunds in last 30 days at least 3 days', '`customer refunds in last 30 days` is a count: a count has no unit, found `days`', '3 days'],
    ['amount over 80%', 'a percentage compares with another amount: write `80% of charge amount`', '80%'],
    ['amount over 80% of customer tenure', '`customer tenure` is a duration; a percentage of it cannot be compared with money', 'customer tenure'],
    ['amount is 50% of charge amount', '`amount` is money, but `50% of charge amount` is not: expected a money amount such as `$150` or `150 EUR`', '50% of charge amount'],
    ['customer tenure over 30', '`customer tenure` is a duration: `30` needs a unit', '30'],
    ['amount is fraudulent', '`amount` is money, but `fraudulent` is not: expected a money amount such as `$150` or `150 EUR`', 'fraudulent'],
    ['metadata.ticket is 5', '`metadata.ticket` is text, but `5` is not: expected a quoted string such as `"Z-1234"`', '5'],
  ])('AX1009: %s', (condition, message, at) => {
    const text = when(condition);
    expect(summarize(text, runCheck(TypeCheck, text))).toEqual([{ code: 'AX1009', message, text: at }]);
  });

  test('a duration without a unit has help', () => {
    const [d] = runCheck(TypeCheck, when('charge age over 30'));
    expect(d!.help).toBe('write `30 days` or `30 hours`');
  });

  test('AX1019: a unit that is not one of time', () => {
    const text = when('customer tenure under 4 weeks');
    const [d] = runCheck(TypeCheck, text);
    expect(d!.code).toBe('AX1019');
    expect(d!.message).toBe('`customer tenure` is a duration: `weeks` is not a unit of time');
    expect(d!.help).toBe('use `days` or `hours`');
    expect(spanText(text, d!)).toBe('4 weeks');
  });

  test.each([
    ['customer tenure under 1.5 days', '`customer tenure` is a duration: `1.5` must be a whole number of days', '1.5 days'],
    ['charge age over 9007199254740991 days', '`charge age` is a duration: `9007199254740991 days` is too long a duration', '9007199254740991 days'],
    ['customer refunds in last 30 days over 2.5', '`customer refunds in last 30 days` is a count: `2.5` must be a whole number', '2.5'],
  ])('AX1021: %s', (condition, message, at) => {
    // Regression: a non-whole duration was AX1019 (invalid unit); an overlong one compiled to IR
    // the runtime refuses (unsafe hours) and compile() threw.
    const text = when(condition);
    expect(summarize(text, runCheck(TypeCheck, text))).toEqual([{ code: 'AX1021', message, text: at }]);
    expect(() => compile(text)).not.toThrow();
  });

  test('AX1020: a bare symbol against text, with a quick fix that quotes it', () => {
    const text = when('metadata.channel is phone');
    const [d] = runCheck(TypeCheck, text);
    expect(d!.code).toBe('AX1020');
    expect(d!.message).toBe('metadata values are text and compare exactly: quote `phone`');
    expect(spanText(text, d!)).toBe('phone');
    const fixed = applyFix(text, d!.fixes![0]!);
    expect(fixed).toContain('metadata.channel is "phone"');
    expect(d!.fixes![0]!.title).toBe('Quote as "phone"');
    expect(runCheck(TypeCheck, fixed)).toEqual([]);
  });

  test.each([
    'amount over $5 and charge amount at least €5 and charge refunded up to 5 EUR',
    'amount over 80% of charge amount and charge refunded at most 100% of charge amount',
    'customer tenure under 30 days and charge age between 1 day and 48 hours',
    'customer refunds in last 30 days at least 3 and customer refunds in last 48 hours is 0',
    'reason is duplicate_charge and reason is "goodwill-2024" and reason is missing',
    'source in [ai_agent, "automation"] and merchant not in [acct_1, acct_2] and currency is not usd',
    'metadata.ticket is "Z-1" and metadata["order id"] in ["a", "b"]',
  ])('no diagnostic: %s', (condition) => {
    expect(runCheck(TypeCheck, when(condition))).toEqual([]);
  });
});
