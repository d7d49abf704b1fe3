import { describe, expect, test } from 'vitest';
import { NegatedAmountCheck } from '../../src/checks/NegatedAmountCheck.js';
import { compile } from '@axiru/compiler';
import { policy, runCheck, spanText, summarize } from '../helpers/policies.js';

const rule = (statement: string) => policy('rule r:', `  ${statement}`);

describe('NegatedAmountCheck (AX2004)', () => {
  test('`unless` around an amount comparison without `in CUR`', () => {
    const text = rule('block refunds unless amount under $20');
    const [d, ...rest] = runCheck(NegatedAmountCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX2004');
    expect(d!.severity).toBe('warning');
    expect(d!.message).toBe('the negated comparison with `$20` holds for every refund not in USD');
    expect(spanText(text, d!)).toBe('amount under $20');
    expect(d!.help).toBe('add `in USD` to the rule if it is meant for USD refunds only');
    // A warning: the policy still compiles.
    expect(compile(text).ok).toBe(true);
  });

  test('`not` around an amount comparison inside `when`', () => {
    const text = rule('flag refunds when reason is fraudulent and not (amount over €100 or charge amount at least €5)');
    expect(summarize(text, runCheck(NegatedAmountCheck, text))).toEqual([
      { code: 'AX2004', message: 'the negated comparison with `€100` holds for every refund not in EUR', text: 'amount over €100' },
      { code: 'AX2004', message: 'the negated comparison with `€5` holds for every refund not in EUR', text: 'charge amount at least €5' },
    ]);
  });

  test.each([
    ['with `in CUR`', 'block refunds in USD unless amount under $20'],
    ['with `currency is`', 'block refunds when currency is usd unless amount under $20'],
    ['`is not` is false in other currencies already', 'flag refunds unless amount is not $5'],
    ['`not in` is false in other currencies already', 'flag refunds unless amount not in [$5, $6]'],
    ['a negated comparison without money', 'flag refunds unless reason is duplicate_charge'],
    ['an amount comparison that is not negated', 'flag refunds when amount over $20'],
  ])('no diagnostic %s', (_, statement) => {
    expect(runCheck(NegatedAmountCheck, rule(statement))).toEqual([]);
  });
});
