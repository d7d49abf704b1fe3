// Missing inputs (docs/language.md, "Missing inputs"): Kleene logic, which fields are listed
// in `missing_fields`, and how `on missing` and `otherwise` join the candidates.

import { describe, expect, it } from 'vitest';
import type { DecisionInput, ExprIR } from '@axiru/runtime';
import { and, cmp, count, days, F, loadBoth, not, or, policy, ratio, requireRole, rule, statusOf, sym, text, untyped, usd } from './helpers.js';

// Two independent comparisons whose truth each input sets: true, false or unknown (missing).
const A = cmp(F.reason, 'eq', sym('yes'));
const B = cmp(F.source, 'eq', sym('ai_agent'));
const truthInput = {
  a: { true: { reason: 'yes' }, false: { reason: 'no' }, unknown: {} },
  b: { true: { source: 'ai_agent' }, false: { source: 'support_tool' }, unknown: {} },
} as const;
type T = 'true' | 'false' | 'unknown';
const VALUES: readonly T[] = ['true', 'false', 'unknown'];
const STATUS = { true: 'matched', false: 'not_matched', unknown: 'undecided' } as const;

describe('three-valued (Kleene) logic', () => {
  const AND: Record<T, Record<T, T>> = {
    true: { true: 'true', false: 'false', unknown: 'unknown' },
    false: { true: 'false', false: 'false', unknown: 'false' },
    unknown: { true: 'unknown', false: 'false', unknown: 'unknown' },
  };
  const OR: Record<T, Record<T, T>> = {
    true: { true: 'true', false: 'true', unknown: 'true' },
    false: { true: 'true', false: 'false', unknown: 'unknown' },
    unknown: { true: 'true', false: 'unknown', unknown: 'unknown' },
  };
  for (const a of VALUES) {
    for (const b of VALUES) {
      const input = { ...truthInput.a[a], ...truthInput.b[b] };
      it(`${a} and ${b} is ${AND[a][b]}; ${a} or ${b} is ${OR[a][b]}`, () => {
        expect(statusOf(and(A, B), input)).toBe(STATUS[AND[a][b]]);
        expect(statusOf(or(A, B), input)).toBe(STATUS[OR[a][b]]);
      });
    }
    const negated: T = a === 'true' ? 'false' : a === 'false' ? 'true' : 'unknown';
    it(`not ${a} is ${negated}`, () => {
      expect(statusOf(not(A), truthInput.a[a])).toBe(STATUS[negated]);
      expect(statusOf(not(not(A)), truthInput.a[a])).toBe(STATUS[a]);
    });
  }
});

/** missing_fields of a one-rule policy (plus any extra rules). */
function missingOf(conditions: readonly ExprIR[], input: DecisionInput): readonly string[] {
  return loadBoth(policy(conditions.map((condition, i) => rule(`r${i}`, 'flag', condition)))).decide(input).missing_fields;
}

describe('missing_fields', () => {
  it('lists the absent fields of an undecided rule, sorted', () => {
    expect(missingOf([and(cmp(F.tenure, 'lt', days(30)), cmp(F.amount, 'gt', usd(1)), B)], {})).toEqual(['amount_cents', 'customer_tenure_days', 'source']);
  });

  it('is empty when every rule is decided', () => {
    expect(missingOf([A, B], { reason: 'yes', source: 'x' })).toEqual([]);
  });

  it('leaves out the partners of a false conjunct: it settles the `and`', () => {
    expect(missingOf([and(A, cmp(F.tenure, 'lt', days(30)))], { reason: 'no' })).toEqual([]);
    expect(missingOf([and(cmp(F.tenure, 'lt', days(30)), not(A))], { reason: 'yes' })).toEqual([]);
  });

  it('leaves out the partners of a true disjunct: it settles the `or`', () => {
    expect(missingOf([or(cmp(F.tenure, 'lt', days(30)), A)], { reason: 'yes' })).toEqual([]);
  });

  it('follows only the unknown branches of nested conditions', () => {
    const nested = or(and(cmp(F.tenure, 'lt', days(30)), A), cmp(F.refunds30, 'ge', count(3)));
    // the `and` is false (reason is not "yes"), so only the refund count is missing
    expect(missingOf([nested], { reason: 'no' })).toEqual(['customer_refunds_last_30_days']);
    expect(missingOf([nested], {})).toEqual(['customer_refunds_last_30_days', 'customer_tenure_days', 'reason']);
    expect(missingOf([not(nested)], { reason: 'no' })).toEqual(['customer_refunds_last_30_days']);
  });

  it('lists only what undecided rules lacked, once, sorted across rules', () => {
    const decided = and(B, cmp(F.chargeAge, 'gt', days(1))); // false: source is not ai_agent
    const matched = or(A, cmp(F.merchant, 'eq', sym('acct_1'))); // true: reason is "yes"
    expect(missingOf([decided, matched, cmp(F.tenure, 'lt', days(1)), and(cmp(F.tenure, 'gt', days(0)), cmp(F.amount, 'gt', usd(0)))], { source: 'x', reason: 'yes' })).toEqual([
      'amount_cents',
      'customer_tenure_days',
    ]);
  });

  it('never lists a field whose comparison is settled by the currency', () => {
    expect(missingOf([cmp(F.amount, 'gt', usd(100))], { currency: 'eur' })).toEqual([]);
    expect(missingOf([cmp(F.amount, 'gt', usd(100))], { currency: 'usd' })).toEqual(['amount_cents']);
  });

  it('lists just the missing side of a ratio', () => {
    const overCharge = ratio(F.amount, 'gt', 100, F.chargeAmount);
    expect(missingOf([overCharge], { amount_cents: 1 })).toEqual(['charge_amount_cents']);
    expect(missingOf([overCharge], { charge_amount_cents: 1 })).toEqual(['amount_cents']);
    expect(missingOf([overCharge], {})).toEqual(['amount_cents', 'charge_amount_cents']);
  });

  it('names facts, charge refunded and metadata keys as the request does', () => {
    expect(
      missingOf(
        [
          and(cmp(F.refunds30, 'ge', count(1)), cmp(F.refunds48h, 'ge', count(1))),
          cmp(F.chargeRefunded, 'gt', usd(0)),
          cmp(F.meta('ticket'), 'eq', text('Z')),
          cmp(F.meta('order id'), 'eq', text('Z')),
        ],
        { metadata: { ticket: 5 } },
      ),
    ).toEqual(['charge_refunded_cents', 'customer_refunds_last_30_days', 'customer_refunds_last_48_hours', 'metadata.ticket', 'metadata["order id"]']);
  });

  it('counts a field of the wrong type as missing', () => {
    expect(missingOf([cmp(F.amount, 'gt', usd(1)), B], untyped({ amount_cents: '100', source: 42 }))).toEqual(['amount_cents', 'source']);
  });
});

describe('on missing and otherwise', () => {
  const undecidedRule = rule('needs_reason', 'flag', cmp(F.reason, 'eq', sym('fraudulent')));
  const allowSmall = rule('small', 'allow', cmp(F.amount, 'le', usd(100)));

  it('without `on missing`, an undecided rule changes nothing but missing_fields', () => {
    const both = loadBoth(policy([undecidedRule, allowSmall], { default: { outcome: 'block' } }));
    expect(both.decide({ amount_cents: 50 })).toMatchObject({ outcome: 'allow', matched_rule: 'small', missing_fields: ['reason'] });
    expect(both.decide({ amount_cents: 500 })).toMatchObject({
      outcome: 'block',
      reason: 'No rule matched; blocked by default',
      matched_rule: null,
      matched_rules: [],
      missing_fields: ['reason'],
    });
  });

  it('`on missing` joins the candidates when a rule is undecided, and wins when it is stronger', () => {
    const both = loadBoth(policy([undecidedRule, allowSmall], { on_missing: { outcome: 'block' } }));
    expect(both.decide({ amount_cents: 50 })).toEqual({
      outcome: 'block',
      reason: 'Missing reason; the policy blocks the refund when inputs are missing',
      policy_version: 'v7',
      matched_rule: null,
      approver_role: null,
      approver_roles: null,
      approvals_required: null,
      matched_rules: ['small'],
      missing_fields: ['reason'],
    });
    // decided: `on missing` is no candidate
    expect(both.decide({ amount_cents: 50, reason: 'x' })).toMatchObject({ outcome: 'allow', matched_rule: 'small' });
  });

  it('`on missing` loses to a stronger or equal matched rule', () => {
    const both = loadBoth(policy([undecidedRule, rule('big', 'flag', cmp(F.amount, 'gt', usd(100)))], { on_missing: { outcome: 'flag' } }));
    expect(both.decide({ amount_cents: 500 })).toMatchObject({ outcome: 'flag', matched_rule: 'big', reason: 'reason of big' });
    const weaker = loadBoth(policy([undecidedRule, rule('big', 'block', cmp(F.amount, 'gt', usd(100)))], { on_missing: { outcome: 'flag' } }));
    expect(weaker.decide({ amount_cents: 500 })).toMatchObject({ outcome: 'block', matched_rule: 'big' });
  });

  it('`otherwise` applies only when no rule matched, and competes with `on missing`', () => {
    const both = loadBoth(policy([undecidedRule, allowSmall], { default: { outcome: 'flag' }, on_missing: { outcome: 'allow' } }));
    // nothing matched: otherwise (flag) beats on missing (allow)
    expect(both.decide({ amount_cents: 500 })).toMatchObject({ outcome: 'flag', reason: 'No rule matched; flagged for review by default', matched_rule: null });
    // `small` matched: otherwise is no candidate; small (allow) beats on missing (allow) at equal strength
    expect(both.decide({ amount_cents: 50 })).toMatchObject({ outcome: 'allow', matched_rule: 'small' });
  });

  it('at equal strength `on missing` goes before `otherwise`, so the reason names the missing input', () => {
    const both = loadBoth(policy([undecidedRule], { default: requireRole(['support_lead']), on_missing: requireRole(['support_lead']) }));
    expect(both.decide({})).toEqual({
      outcome: 'pending_approval',
      reason: 'Missing reason; the policy requires support_lead when inputs are missing',
      policy_version: 'v7',
      matched_rule: null,
      approver_role: 'support_lead',
      approver_roles: ['support_lead'],
      approvals_required: 1,
      matched_rules: [],
      missing_fields: ['reason'],
    });
  });

  it('a stricter `on missing` approval wins over `otherwise`; approver fields follow the winner', () => {
    const both = loadBoth(policy([undecidedRule], { default: requireRole(['support_lead']), on_missing: requireRole(['cfo'], 2) }));
    expect(both.decide({})).toMatchObject({ approver_role: 'cfo', approver_roles: ['cfo'], approvals_required: 2 });
    expect(both.decide({ reason: 'x' })).toMatchObject({ approver_role: 'support_lead', reason: 'No rule matched; the policy requires support_lead' });
  });

  it('writes reasons a finance person can read', () => {
    const reasons = (onMissing: Parameters<typeof policy>[1]) =>
      loadBoth(policy([rule('r', 'flag', and(A, B, cmp(F.tenure, 'lt', days(1))))], onMissing)).decide({}).reason;
    expect(reasons({ on_missing: { outcome: 'allow' } })).toBe('Missing customer_tenure_days, reason and source; the policy allows the refund when inputs are missing');
    expect(reasons({ on_missing: { outcome: 'flag' } })).toBe('Missing customer_tenure_days, reason and source; the policy flags the refund for review when inputs are missing');
    expect(reasons({ on_missing: requireRole(['support_lead', 'cfo'], 2) })).toBe(
      'Missing customer_tenure_days, reason and source; the policy requires 2 approvals from support_lead or cfo when inputs are missing',
    );
    expect(loadBoth(policy([rule('r', 'flag', A)], { on_missing: { outcome: 'block' } })).decide({ source: 'x' }).reason).toBe(
      'Missing reason; the policy blocks the refund when inputs are missing',
    );
    expect(loadBoth(policy([rule('r', 'flag', and(A, B))], { on_missing: { outcome: 'block' } })).decide({}).reason).toBe(
      'Missing reason and source; the policy blocks the refund when inputs are missing',
    );
    expect(loadBoth(policy([])).decide({}).reason).toBe('No rule matched; allowed by default');
    expect(loadBoth(policy([], { default: requireRole(['finance_manager', 'cfo']) })).decide({}).reason).toBe(
      'No rule matched; the policy requires finance_manager or cfo',
    );
    expect(loadBoth(policy([], { default: requireRole(['cfo'], 3) })).decide({}).reason).toBe('No rule matched; the policy requires 3 approvals from cfo');
  });
});
