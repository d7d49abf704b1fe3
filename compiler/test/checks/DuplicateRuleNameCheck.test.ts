import { describe, expect, test } from 'vitest';
import { DuplicateRuleNameCheck } from '../../src/checks/DuplicateRuleNameCheck.js';
import { policy, runCheck, spanText } from '../helpers/policies.js';

describe('DuplicateRuleNameCheck (AX1006)', () => {
  test('the second rule of a name is reported, pointing at the first', () => {
    const text = policy('rule routine:', '  allow refunds up to $150', 'rule other:', '  flag refunds', 'rule routine:', '  flag refunds over $150');
    const [d, ...rest] = runCheck(DuplicateRuleNameCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1006');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('rule `routine` is defined twice');
    expect(spanText(text, d!)).toBe('routine');
    expect(d!.span!.start).toBe(text.lastIndexOf('routine'));
    expect(d!.related).toEqual([{ message: 'first defined here', span: { start: text.indexOf('routine'), end: text.indexOf('routine') + 'routine'.length } }]);
    expect(d!.help).toBe('rule names must be unique: decisions report the rule that decided by name');
  });

  test('three rules of one name give two diagnostics', () => {
    const text = policy('rule r:', '  allow refunds', 'rule r:', '  flag refunds', 'rule r:', '  block refunds');
    expect(runCheck(DuplicateRuleNameCheck, text)).toHaveLength(2);
  });

  test('names differing in case are different rules; soft keywords are names', () => {
    const text = policy('rule routine:', '  allow refunds', 'rule Routine:', '  flag refunds', 'rule block:', '  block refunds');
    expect(runCheck(DuplicateRuleNameCheck, text)).toEqual([]);
  });
});
