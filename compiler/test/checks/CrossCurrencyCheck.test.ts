import { describe, expect, test } from 'vitest';
import { CrossCurrencyCheck } from '../../src/checks/CrossCurrencyCheck.js';
import { compile } from '@axiru/compiler';
import { policy, runCheck, spanText, summarize } from '../helpers/policies.js';

describe('CrossCurrencyCheck (AX1010)', () => {
  test('a threshold outside the rule`s `in CUR`', () => {
    const text = policy('rule euro_limit:', '  block refunds in EUR over $100');
    const [d, ...rest] = runCheck(CrossCurrencyCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1010');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('`$100` is in USD, but this rule only applies to refunds in EUR: it can never match');
    expect(spanText(text, d!)).toBe('$100');
    expect(d!.related!.map((r) => text.slice(r.span.start, r.span.end))).toEqual(['in EUR']);
  });

  test('`currency is` in the `when` limits the currency like `in CUR`', () => {
    const text = policy('rule r:', '  block refunds over $100 when currency is eur');
    expect(summarize(text, runCheck(CrossCurrencyCheck, text))).toEqual([
      { code: 'AX1010', message: '`$100` is in USD, but this rule only applies to refunds in EUR: it can never match', text: '$100' },
    ]);
  });

  test('two limits that share no currency leave none', () => {
    const text = policy('rule r:', '  block refunds in EUR over €5 when currency is gbp');
    expect(runCheck(CrossCurrencyCheck, text).map((d) => d.message)).toEqual([
      '`€5` is in EUR, but this rule only applies to refunds in no currency: it can never match',
    ]);
  });

  test('a rule that compares the refund in two currencies', () => {
    const text = policy('rule r:', '  block refunds over $100 when amount under €500');
    const [d] = runCheck(CrossCurrencyCheck, text);
    expect(d!.message).toBe('this rule compares the refund in USD and in EUR; a refund has one currency, so it can never match');
    expect(spanText(text, d!)).toBe('€500');
    expect(d!.related!.map((r) => text.slice(r.span.start, r.span.end))).toEqual(['$100']);
    expect(d!.help).toBe('write one rule per currency, each with `in CUR`');
  });

  test('`between` with ends in two currencies, in a condition', () => {
    const text = policy('rule r:', '  flag refunds when amount between $10 and €20 or reason is fraudulent');
    expect(summarize(text, runCheck(CrossCurrencyCheck, text))).toEqual([
      { code: 'AX1010', message: '`between` needs both ends in one currency, found USD and EUR', text: 'amount between $10 and €20' },
    ]);
  });

  test('`between` with ends in two currencies, as a qualifier the rule allows both of', () => {
    // Regression: this compiled to IR the runtime refuses (`between` across currencies), and compile() threw.
    const text = policy('rule mixed:', '  flag refunds in USD, EUR between $10 and €20');
    expect(summarize(text, runCheck(CrossCurrencyCheck, text))).toEqual([
      { code: 'AX1010', message: '`between` needs both ends in one currency, found USD and EUR', text: 'between $10 and €20' },
    ]);
    expect(() => compile(text)).not.toThrow();
    expect(compile(text).ok).toBe(false);
  });

  test.each([
    ['one currency throughout', 'block refunds in EUR over €100 when amount under 500 EUR'],
    ['several allowed currencies', 'block refunds in USD, EUR over $100'],
    ['a list may mix currencies', 'flag refunds when amount in [$10, €10]'],
    ['`is not` and `not in` do not limit the currency', 'flag refunds over $10 when amount is not €5 and amount not in [€1, €2]'],
    ['amounts under `or` are alternatives', 'flag refunds when amount over $100 or amount over €90'],
    ['currency codes are case-insensitive', 'block refunds in eur over 100 EUR'],
  ])('no diagnostic: %s', (_, statement) => {
    expect(runCheck(CrossCurrencyCheck, policy('rule r:', `  ${statement}`))).toEqual([]);
  });
});
