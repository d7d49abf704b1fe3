import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import { diffPolicies, type PolicyDiff } from '../../src/analysis/index.js';
import {
  amount,
  and,
  atLeast,
  between,
  days,
  from,
  not,
  over,
  policy,
  require_,
  rule,
  tenure,
  under,
  upTo,
  usd,
  verdict,
} from './irBuilders.js';

function acme(): PolicyIR {
  return JSON.parse(readFileSync(new URL('../../../runtime/test/fixtures/acme.ir.json', import.meta.url), 'utf8')) as PolicyIR;
}

/** Every transition's example, re-decided by the runtime, changes exactly as claimed. */
function expectVerified(a: PolicyIR, b: PolicyIR, diff: PolicyDiff): void {
  const before = loadPolicy(a);
  const after = loadPolicy(b);
  for (const t of diff.transitions) {
    expect(before.decide(t.example)).toEqual(t.before);
    expect(after.decide(t.example)).toEqual(t.after);
    expect(t.before.outcome).toBe(t.from);
    expect(t.after.outcome).toBe(t.to);
  }
}

const summary = (diff: PolicyDiff): string[] => diff.transitions.map((t) => `${t.from}→${t.to}`);

describe('equivalent policies', () => {
  test('reordering rules never changes a decision\'s outcome or approver', () => {
    const a = acme();
    const b = { ...a, rules: [...a.rules].reverse() };
    expect(diffPolicies(a, b)).toEqual({ equivalent: true, inconclusive: false, transitions: [] });
  });

  test('`over $150` and `at least $150.01` are the same over integer cents', () => {
    const a = policy({ rules: [require_('big', over(usd(150)), 'finance_manager')] });
    const b = policy({ rules: [require_('big', atLeast(usd(150.01)), 'finance_manager')] });
    expect(diffPolicies(a, b)).toMatchObject({ equivalent: true, inconclusive: false });
  });

  test('`between` and the two comparisons it abbreviates', () => {
    const a = policy({ rules: [rule('mid', 'flag', between(amount, usd(10), usd(20)))] });
    const b = policy({ rules: [rule('mid', 'flag', and(atLeast(usd(10)), upTo(usd(20))))] });
    expect(diffPolicies(a, b).equivalent).toBe(true);
  });

  test('`unless` is `and not`, in three-valued logic', () => {
    const a = policy({ rules: [rule('big', 'block', and(over(usd(500)), not(from('ai_agent'))))] });
    const b = policy({ rules: [rule('big', 'block', and(not(from('ai_agent')), over(usd(500))))] });
    expect(diffPolicies(a, b).equivalent).toBe(true);
  });

  test('a policy against itself', () => {
    expect(diffPolicies(acme(), acme()).equivalent).toBe(true);
  });
});

describe('changes', () => {
  test('lowering a block threshold: allow → block, with the first amount that changes', () => {
    const a = policy({ rules: [rule('big', 'block', over(usd(500)))] });
    const b = policy({ rules: [rule('big', 'block', over(usd(400)))] });
    const diff = diffPolicies(a, b);
    expect(diff).toMatchObject({ equivalent: false, inconclusive: false });
    expect(summary(diff)).toEqual(['allow→block']);
    expect(diff.transitions[0]?.example).toEqual({ amount_cents: 40001, currency: 'USD' });
    expectVerified(a, b, diff);
  });

  test('moving a threshold both ways gives both directions', () => {
    const a = policy({ rules: [rule('big', 'flag', over(usd(500))), rule('young', 'block', under(days(30), tenure))] });
    const b = policy({ rules: [rule('big', 'flag', over(usd(600))), rule('young', 'block', under(days(60), tenure))] });
    const diff = diffPolicies(a, b);
    expect(summary(diff)).toEqual(['flag→block', 'flag→allow', 'allow→block']);
    expectVerified(a, b, diff);
  });

  test('acme with a higher finance threshold: approvers change and some refunds only get flagged', () => {
    const a = acme();
    const b = JSON.parse(JSON.stringify(a)) as { rules: { condition: { value: { minor: number } } }[] };
    b.rules[0]!.condition.value.minor = 20000;
    const diff = diffPolicies(a, b as unknown as PolicyIR);
    expect(summary(diff)).toEqual(['pending_approval→pending_approval', 'pending_approval→flag']);
    expect(diff.transitions[0]?.detail).toBe('same outcome, approval changes from finance_manager to support_lead');
    for (const t of diff.transitions) expect(t.example.amount_cents).toBeGreaterThan(15000);
    expectVerified(a, b as unknown as PolicyIR, diff);
  });

  test('a stricter approver is an approval change of the same outcome', () => {
    const a = policy({ rules: [require_('big', over(usd(150)), 'finance_manager')] });
    const b = policy({ rules: [require_('big', over(usd(150)), 'cfo', 2)] });
    const diff = diffPolicies(a, b);
    expect(diff.transitions).toHaveLength(1);
    expect(diff.transitions[0]).toMatchObject({
      from: 'pending_approval',
      to: 'pending_approval',
      detail: 'same outcome, approval changes from finance_manager to 2 approvals from cfo',
      after: { approver_role: 'cfo', approvals_required: 2 },
    });
    expectVerified(a, b, diff);
  });

  test('adding `on missing block` blocks requests that leave a rule undecided', () => {
    const a = policy({ rules: [rule('big', 'block', over(usd(500)))] });
    const b = policy({ rules: [rule('big', 'block', over(usd(500)))], onMissing: verdict('block') });
    const diff = diffPolicies(a, b);
    expect(summary(diff)).toEqual(['allow→block']);
    expect(diff.transitions[0]?.example.amount_cents).toBeUndefined();
    expect(diff.transitions[0]?.after.missing_fields).toEqual(['amount_cents']);
    expectVerified(a, b, diff);
  });

  test('a new source with its own rule shows up (sources of both policies are compared)', () => {
    const a = policy({ rules: [rule('bots', 'flag', from('ai_agent'))] });
    const b = policy({ rules: [rule('bots', 'flag', from('ai_agent')), rule('partner', 'block', from('partner_api'))], sources: ['support_tool', 'ai_agent', 'automation', 'stripe_direct', 'partner_api'] });
    const diff = diffPolicies(a, b);
    expect(summary(diff)).toEqual(['allow→block']);
    expect(diff.transitions[0]?.example.source).toBe('partner_api');
    expectVerified(a, b, diff);
  });

  test('the same inputs give the same diff', () => {
    const a = acme();
    const b = { ...a, default: { outcome: 'allow' as const } };
    expect(diffPolicies(a, b)).toEqual(diffPolicies(a, b));
  });
});

describe('limits', () => {
  test('IR the runtime refuses is not diffed', () => {
    const a = acme();
    const broken = { ...a, rules: [rule('dup', 'block', over(usd(1))), rule('dup', 'flag', over(usd(2)))] };
    expect(diffPolicies(a, broken)).toMatchObject({ equivalent: false, inconclusive: true, transitions: [], why: expect.stringContaining('duplicate rule id') });
  });

  test('past the work budget the diff is inconclusive and claims nothing', () => {
    const a = acme();
    const b = { ...a, default: { outcome: 'allow' as const } };
    const diff = diffPolicies(a, b, { limits: { maxBoxes: 20_000, maxWork: 20 } });
    expect(diff).toMatchObject({ equivalent: false, inconclusive: true, transitions: [], why: expect.stringContaining('box operations') });
  });
});
