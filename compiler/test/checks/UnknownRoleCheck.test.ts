import { describe, expect, test } from 'vitest';
import { UnknownRoleCheck } from '../../src/checks/UnknownRoleCheck.js';
import { compile } from '@axiru/compiler';
import { applyFix, policy, runCheck, spanText, summarize } from '../helpers/policies.js';

describe('UnknownRoleCheck (AX1003)', () => {
  test('a misspelled role, with a quick fix and the declared roles in the help', () => {
    const text = policy('rule high_value:', '  refunds over $150 require finance_manger');
    const [d, ...rest] = runCheck(UnknownRoleCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1003');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('unknown role `finance_manger` — did you mean `finance_manager`?');
    expect(spanText(text, d!)).toBe('finance_manger');
    expect(d!.help).toBe('declared roles: `support_lead`, `finance_manager`, `cfo`');
    expect(d!.fixes).toEqual([{ title: 'Change to `finance_manager`', span: d!.span, replacement: 'finance_manager' }]);
    expect(compile(applyFix(text, d!.fixes![0]!)).diagnostics.filter((x) => x.code === 'AX1003')).toEqual([]);
  });

  test('every approval form is checked: lists, counts, `otherwise`, `on missing`', () => {
    const text = policy(
      'rule a:',
      '  refunds over $5 require support_lead or ceo',
      'rule b:',
      '  refunds over $5 require 2 approvals from boss',
      'rule c:',
      '  refunds over $5 require approval from cfo, auditor',
      'otherwise require treasurer',
      'on missing require approval from controller',
    );
    expect(runCheck(UnknownRoleCheck, text).map((d) => spanText(text, d))).toEqual(['ceo', 'boss', 'auditor', 'treasurer', 'controller']);
  });

  test('without any `roles` line every role is unknown, and the help says how to declare them', () => {
    const text = 'policy "p" version 1\nrule r:\n  refunds over $5 require cfo\n';
    const found = runCheck(UnknownRoleCheck, text);
    expect(summarize(text, found)).toEqual([{ code: 'AX1003', message: 'unknown role `cfo`', text: 'cfo' }]);
    expect(found[0]!.help).toBe('declare approver roles first: `roles support_lead < finance_manager`');
  });

  test('declared roles, in chains and plain, on several lines, give nothing', () => {
    const text = 'policy "p" version 1\nroles a < b, c\nroles d\nrule r:\n  refunds over $5 require a or b or c\notherwise require 2 approvals from d\n';
    expect(runCheck(UnknownRoleCheck, text)).toEqual([]);
  });
});
