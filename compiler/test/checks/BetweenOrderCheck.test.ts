import { describe, expect, test } from 'vitest';
import { BetweenOrderCheck } from '../../src/checks/BetweenOrderCheck.js';
import { applyFix, diagnosticsWithCode, policy, runCheck, spanText } from '../helpers/policies.js';

describe('BetweenOrderCheck (AX1012)', () => {
  test('a reversed `between` qualifier is an error with a quick fix that swaps the bounds', () => {
    const text = policy('rule band:', '  flag refunds between $100 and $10');
    const [d, ...rest] = runCheck(BetweenOrderCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1012');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('`between $100 and $10` has its low end above its high end, so it matches nothing');
    expect(spanText(text, d!)).toBe('between $100 and $10');
    expect(d!.fixes).toHaveLength(1);
    const fixed = applyFix(text, d!.fixes![0]!);
    expect(fixed).toContain('flag refunds between $10 and $100');
    expect(diagnosticsWithCode(fixed, 'AX1012')).toEqual([]);
  });

  test('a reversed `between` comparison on durations compares in hours', () => {
    const text = policy('rule r:', '  flag refunds when customer tenure between 3 days and 48 hours');
    const [d] = runCheck(BetweenOrderCheck, text);
    expect(d!.message).toBe('`between 3 days and 48 hours` has its low end above its high end, so it matches nothing');
    expect(spanText(text, d!)).toBe('customer tenure between 3 days and 48 hours');
    expect(applyFix(text, d!.fixes![0]!)).toContain('customer tenure between 48 hours and 3 days');
  });

  test('a reversed count range', () => {
    const text = policy('rule r:', '  flag refunds when customer refunds in last 30 days between 5 and 2');
    expect(runCheck(BetweenOrderCheck, text).map((d) => spanText(text, d))).toEqual(['customer refunds in last 30 days between 5 and 2']);
  });

  test('grouping commas and decimals are read exactly', () => {
    const text = policy('rule r:', '  flag refunds between $1,000.01 and $1,000');
    expect(runCheck(BetweenOrderCheck, text)).toHaveLength(1);
  });

  test.each([
    ['ordered money', 'flag refunds between $10 and $100'],
    ['equal ends (inclusive at both ends)', 'flag refunds between $10 and $10.00'],
    ['ordered durations in different units', 'flag refunds when charge age between 47 hours and 2 days'],
    ['two currencies (AX1010 reports that, not this check)', 'flag refunds when amount between €100 and $10'],
    ['a bound that does not read (AX1014 reports that)', 'flag refunds between ¥5.5 and ¥1'],
  ])('no diagnostic for %s', (_, statement) => {
    expect(runCheck(BetweenOrderCheck, policy('rule r:', `  ${statement}`))).toEqual([]);
  });
});
