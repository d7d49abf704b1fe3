import { describe, expect, test } from 'vitest';
import { ExampleCheck } from '../../src/checks/ExampleCheck.js';
import { compile } from '@axiru/compiler';
import { applyFix, policy, runCheck, spanText, summarize } from '../helpers/policies.js';

const RULES = ['rule high_value_refund_review:', '  refunds over $150 require finance_manager', 'otherwise allow'];
const example = (body: string, expect: string) => policy(...RULES, `example "e" { ${body} } expect ${expect}`);

describe('ExampleCheck (AX1022, AX1024)', () => {
  test('an unknown outcome, with a quick fix', () => {
    const text = example('amount: $20', 'alow');
    const [d, ...rest] = runCheck(ExampleCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1022');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('unknown outcome `alow` — did you mean `allow`?');
    expect(spanText(text, d!)).toBe('alow');
    expect(d!.help).toBe('outcomes: allow, flag, pending_approval, block');
    expect(applyFix(text, d!.fixes![0]!)).toContain('expect allow');
  });

  test('an unknown outcome with nothing close offers no fix', () => {
    const text = example('amount: $20', 'maybe');
    const [d] = runCheck(ExampleCheck, text);
    expect(d!.message).toBe('unknown outcome `maybe`');
    expect(d!.fixes).toBeUndefined();
  });

  test('an unknown rule after `by`, with a quick fix', () => {
    const text = example('amount: $220', 'pending_approval by high_valeu_refund_review');
    const [d] = runCheck(ExampleCheck, text);
    expect(d!.code).toBe('AX1024');
    expect(d!.message).toBe('unknown rule `high_valeu_refund_review` — did you mean `high_value_refund_review`?');
    expect(spanText(text, d!)).toBe('high_valeu_refund_review');
    expect(compile(applyFix(text, d!.fixes![0]!)).ok).toBe(true);
  });

  test('an unknown rule that resembles none offers no fix', () => {
    const text = example('amount: $220', 'pending_approval by high_value');
    const [d] = runCheck(ExampleCheck, text);
    expect(d!.message).toBe('unknown rule `high_value`');
    expect(d!.fixes).toBeUndefined();
  });

  test('an unknown input field, with the decision API`s names in the help', () => {
    const text = example('amout: $20', 'allow');
    const [d] = runCheck(ExampleCheck, text);
    expect(d!.message).toBe('unknown input field `amout` — did you mean `amount`?');
    expect(spanText(text, d!)).toBe('amout');
    expect(d!.help).toContain('amount_cents');
    expect(d!.fixes![0]!.replacement).toBe('amount');
  });

  test.each([
    ['amount: 220', '`amount` takes money such as `$220` or `90 EUR`, found `220`', '220'],
    ['amount_cents: $5', '`amount_cents` takes a whole number of minor units, found `$5`', '$5'],
    ['source: 5', '`source` takes a name such as `support_tool`, found `5`', '5'],
    ['customer_tenure_days: 9 days', '`customer_tenure_days` takes a number of days such as `9`, found `9 days`', '9 days'],
    ['customer_refunds_last_30_days: 2.5', '`customer_refunds_last_30_days` takes a whole number, found `2.5`', '2.5'],
    ['currency: euro', '`euro` is not an ISO 4217 currency code', 'euro'],
    ['metadata: "x"', '`metadata` takes an object: `metadata: { ticket: "Z-1234" }`', '"x"'],
    ['metadata: { ticket: 5 }', 'metadata values are text: quote `5`', '5'],
    ['reason: { a: b }', '`reason` takes a single value, not an object', '{ a: b }'],
    ['amount: ¥5.5', 'JPY has no minor unit, so `5.5` cannot have decimals', '¥5.5'],
    ['amount: $5, amount: $6', '`amount` is given twice', 'amount'],
    ['amount: $5, charge_amount: €9', 'this example is in USD already; a refund has one currency', '€9'],
    ['amount: $5, currency: eur', 'this example is in USD already; a refund has one currency', 'eur'],
  ])('invalid input `%s`', (body, message, at) => {
    const text = example(body, 'allow');
    const found = runCheck(ExampleCheck, text);
    expect(summarize(text, found)).toEqual([{ code: 'AX1022', message, text: at }]);
    expect(found[0]!.span!.start).toBe(text.lastIndexOf(at));
  });

  test('valid inputs in every form give no diagnostic', () => {
    const text = example(
      'amount: $220, charge_amount: $300, charge_refunded: $10, currency: USD, source: support_tool, reason: "duplicate_charge", ' +
        'stripe_account: acct_1, customer_tenure_days: 9.5, charge_age_days: 2, customer_refunds_last_30_days: 1, ' +
        'customer_refunds_last_48_hours: 0, metadata: { ticket: "Z-1", "order id": "o 1", channel: phone }',
      'pending_approval by high_value_refund_review',
    );
    expect(runCheck(ExampleCheck, text)).toEqual([]);
    expect(compile(text).ok).toBe(true);
  });
});
