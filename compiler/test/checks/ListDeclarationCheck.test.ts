import { describe, expect, test } from 'vitest';
import { ListDeclarationCheck } from '../../src/checks/ListDeclarationCheck.js';
import { applyFix, policy, runCheck, spanText } from '../helpers/policies.js';

describe('ListDeclarationCheck (AX1027, AX1018)', () => {
  test('a misspelled list, with a quick fix and the declared lists in the help', () => {
    const text = policy('lists vip_customers, trainees', 'rule r:', '  block refunds unless customer in list vip_customer');
    const [d, ...rest] = runCheck(ListDeclarationCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1027');
    expect(d!.message).toBe('unknown list `vip_customer` — did you mean `vip_customers`?');
    expect(spanText(text, d!)).toBe('vip_customer');
    expect(d!.help).toBe('declared lists: `vip_customers`, `trainees`; declare others with `lists ...`');
    expect(runCheck(ListDeclarationCheck, applyFix(text, d!.fixes![0]!))).toEqual([]);
  });

  test('with no lists declared, the help says how to declare it', () => {
    const [d] = runCheck(ListDeclarationCheck, policy('rule r:', '  flag refunds when requested by not in list trainees'));
    expect(d!.help).toBe('declare it first: `lists trainees`');
  });

  test('a list declared twice, across lines', () => {
    const text = policy('lists a, b', 'lists b', 'rule r:', '  flag refunds when customer in list b');
    const [d, ...rest] = runCheck(ListDeclarationCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1018');
    expect(d!.message).toBe('list `b` is declared twice');
    expect(d!.related?.[0]?.message).toBe('first declared here');
  });
});
