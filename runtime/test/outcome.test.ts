// "Most restrictive wins" (docs/language.md, "Outcome when several rules match" and
// "Precise rules > Evaluation > Approvals").

import { describe, expect, it } from 'vitest';
import type { RuleIR } from '@axiru/runtime';
import { always, loadBoth, policy, rule } from './helpers.js';

/** The decision of a policy whose rules all match. */
function winnerOf(rules: readonly RuleIR[], overrides: Parameters<typeof policy>[1] = {}) {
  return loadBoth(policy(rules, overrides)).decide({});
}

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

describe('outcome rank', () => {
  const rules = [
    rule('allow_it', 'allow', always),
    rule('flag_it', 'flag', always),
    rule('approve_it', 'pending_approval', always, { roles: ['support_lead'] }),
    rule('block_it', 'block', always),
  ];

  it('block > pending_approval > flag > allow, whatever the order of the rules', () => {
    for (const order of permutations(rules)) {
      const decision = winnerOf(order);
      expect(decision.outcome).toBe('block');
      expect(decision.matched_rule).toBe('block_it');
      expect(decision.matched_rules).toEqual(order.map((r) => r.id));
    }
    expect(winnerOf(rules.slice(0, 3)).matched_rule).toBe('approve_it');
    expect(winnerOf(rules.slice(0, 2)).matched_rule).toBe('flag_it');
    expect(winnerOf(rules.slice(0, 1)).matched_rule).toBe('allow_it');
  });

  it('between rules of the same outcome, the first in the file wins', () => {
    expect(winnerOf([rule('first', 'flag', always), rule('second', 'flag', always)]).matched_rule).toBe('first');
    expect(winnerOf([rule('second', 'block', always), rule('first', 'block', always)]).matched_rule).toBe('second');
  });

  it('an allow rule decides against a stricter otherwise', () => {
    const decision = winnerOf([rule('ok', 'allow', always)], { default: { outcome: 'block' } });
    expect(decision).toMatchObject({ outcome: 'allow', matched_rule: 'ok', reason: 'reason of ok', approvals_required: null, approver_role: null, approver_roles: null });
  });
});

describe('approval strictness', () => {
  const approvals = (...specs: [string, string[], number][]) => specs.map(([id, roles, count]) => rule(id, 'pending_approval', always, { roles, count }));

  it('a requirement fewer roles can satisfy wins (a senior role satisfies a junior requirement)', () => {
    // support_lead: support_lead, finance_manager, cfo (3); finance_manager: 2; cfo: 1
    const rules = approvals(['lead', ['support_lead'], 1], ['manager', ['finance_manager'], 1], ['chief', ['cfo'], 1]);
    for (const order of permutations(rules)) expect(winnerOf(order).matched_rule).toBe('chief');
    for (const order of permutations(rules.slice(0, 2))) expect(winnerOf(order)).toMatchObject({ matched_rule: 'manager', approver_role: 'finance_manager', approvals_required: 1 });
  });

  it('fewer satisfying roles beats a larger count', () => {
    const rules = approvals(['two_managers', ['finance_manager'], 2], ['one_cfo', ['cfo'], 1]);
    for (const order of permutations(rules)) expect(winnerOf(order).matched_rule).toBe('one_cfo');
  });

  it('with the same satisfying roles, the larger count wins, then the first in the file', () => {
    const rules = approvals(['one', ['cfo'], 1], ['two', ['cfo'], 2]);
    for (const order of permutations(rules)) expect(winnerOf(order)).toMatchObject({ matched_rule: 'two', approvals_required: 2 });
    expect(winnerOf(approvals(['a', ['cfo'], 2], ['b', ['cfo'], 2])).matched_rule).toBe('a');
    expect(winnerOf(approvals(['b', ['cfo'], 2], ['a', ['cfo'], 2])).matched_rule).toBe('b');
  });

  it('`require a or b` is satisfied by both and their seniors', () => {
    // finance_manager or cfo: {finance_manager, cfo}, as many as finance_manager alone
    expect(winnerOf(approvals(['either', ['finance_manager', 'cfo'], 1], ['manager', ['finance_manager'], 1])).matched_rule).toBe('either');
    expect(winnerOf(approvals(['manager', ['finance_manager'], 1], ['either', ['finance_manager', 'cfo'], 1])).matched_rule).toBe('manager');
    // support_lead or cfo: everyone, less strict than finance_manager
    expect(winnerOf(approvals(['lead_or_cfo', ['support_lead', 'cfo'], 1], ['manager', ['finance_manager'], 1])).matched_rule).toBe('manager');
    expect(winnerOf(approvals(['either', ['cfo', 'finance_manager'], 1]))).toMatchObject({
      approver_role: 'cfo',
      approver_roles: ['cfo', 'finance_manager'],
      approvals_required: 1,
    });
  });

  it('roles outside the seniority chain count only themselves', () => {
    const roles = [
      { name: 'support_lead', rank: 0, seniors: ['cfo', 'finance_manager'] },
      { name: 'finance_manager', rank: 1, seniors: ['cfo'] },
      { name: 'cfo', rank: 2, seniors: [] },
      { name: 'risk', rank: 0, seniors: [] },
    ];
    const rules = approvals(['manager', ['finance_manager'], 1], ['risk_review', ['risk'], 1]);
    for (const order of permutations(rules)) expect(winnerOf(order, { roles }).matched_rule).toBe('risk_review');
    // risk and cfo each have one satisfier: the count, then the file order decide
    expect(winnerOf(approvals(['chief', ['cfo'], 1], ['risk_review', ['risk'], 1]), { roles }).matched_rule).toBe('chief');
    expect(winnerOf(approvals(['chief', ['cfo'], 1], ['risk_review', ['risk'], 2]), { roles }).matched_rule).toBe('risk_review');
  });

  it('counts are never merged: the winner alone sets the approvers', () => {
    const decision = winnerOf(approvals(['two_leads', ['support_lead'], 2], ['manager', ['finance_manager'], 1]));
    expect(decision).toMatchObject({ matched_rule: 'manager', approver_role: 'finance_manager', approvals_required: 1 });
    expect(decision.matched_rules).toEqual(['two_leads', 'manager']);
  });
});
