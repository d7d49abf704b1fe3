// explain(): a per-rule, per-comparison trace a finance person can read, and why the winner won.

import { describe, expect, it } from 'vitest';
import type { ComparisonTrace, ConditionTrace, DecisionInput, ExprIR } from '@axiru/runtime';
import { acmeIR, and, between, cmp, count, days, F, hours, isIn, loadBoth, money, not, or, policy, ratio, requireRole, rule, sym, text, untyped, usd } from './helpers.js';

const acme = loadBoth(acmeIR()).generated;
const seed = { amount_cents: 22000, currency: 'usd', source: 'support_tool', customer_tenure_days: 9, reason: 'duplicate_charge' };

/** The trace of a one-rule policy's only condition. */
function traceOf(condition: ExprIR, input: DecisionInput): ConditionTrace {
  const trace = loadBoth(policy([rule('r', 'flag', condition)])).generated.explain(input).rules[0]?.conditions[0];
  if (trace === undefined) throw new Error('no trace');
  return trace;
}

function comparison(condition: ExprIR, input: DecisionInput): Pick<ComparisonTrace, 'text' | 'result' | 'actual'> {
  const trace = traceOf(condition, input);
  if (trace.kind !== 'comparison') throw new Error(`expected a comparison, got ${trace.kind}`);
  return { text: trace.text, result: trace.result, actual: trace.actual };
}

describe('explain on acme', () => {
  it('returns the decision of decide()', () => {
    expect(acme.explain(seed).decision).toEqual(acme.decide(seed));
  });

  it('traces every rule, in file order, with its status', () => {
    const { rules } = acme.explain(seed);
    expect(rules.map((r) => [r.id, r.status])).toEqual([
      ['high_value_refund_review', 'matched'],
      ['very_high_value', 'not_matched'],
      ['new_customer_large_refund', 'not_matched'],
      ['bot_limit', 'not_matched'],
      ['routine', 'not_matched'],
      ['serial_refunder', 'not_matched'],
      ['over_charge', 'undecided'],
    ]);
    expect(rules[1]).toMatchObject({ outcome: 'pending_approval', approval: '2 approvals from cfo', reason: 'Refunds over $2,500.00 require 2 approvals from cfo' });
  });

  it('shows every comparison with its text, result and the value it saw', () => {
    const { rules } = acme.explain(seed);
    expect(rules[0]?.conditions).toEqual([{ kind: 'comparison', text: 'amount over $150.00', result: 'true', actual: 'amount is $220.00', missing_fields: [] }]);
    expect(rules[2]?.conditions.map((c) => (c.kind === 'comparison' ? [c.text, c.result, c.actual] : c.kind))).toEqual([
      ['amount over $500.00', 'false', 'amount is $220.00'],
      ['customer tenure under 30 days', 'true', 'customer tenure is 9 days'],
    ]);
    expect(rules[3]?.conditions[0]).toMatchObject({ text: 'source is ai_agent or automation', result: 'false', actual: 'source is support_tool' });
    expect(rules[5]?.conditions).toEqual([
      {
        kind: 'comparison',
        text: 'customer refunds in last 30 days at least 3',
        result: 'unknown',
        actual: 'customer_refunds_last_30_days is missing',
        missing_fields: ['customer_refunds_last_30_days'],
      },
      {
        kind: 'not',
        text: 'reason is not duplicate_charge',
        result: 'false',
        condition: { kind: 'comparison', text: 'reason is duplicate_charge', result: 'true', actual: 'reason is duplicate_charge', missing_fields: [] },
      },
    ]);
    expect(rules[6]?.conditions[0]).toMatchObject({
      text: 'amount over 100% of charge amount',
      result: 'unknown',
      actual: 'amount is $220.00; charge_amount_cents is missing',
      missing_fields: ['charge_amount_cents'],
    });
  });

  it('says why the winner won', () => {
    expect(acme.explain(seed).why).toBe('high_value_refund_review decided: it is the only rule that matched; over_charge (missing charge_amount_cents) could not be decided');
    expect(acme.explain({ ...seed, charge_amount_cents: 30000, customer_refunds_last_30_days: 0, amount_cents: 6000, source: 'ai_agent' }).why).toBe(
      'bot_limit decided: pending_approval outranks allow (routine)',
    );
    expect(acme.explain({ ...seed, charge_amount_cents: 1_000_000, amount_cents: 600_000, source: 'automation', customer_refunds_last_30_days: 0 }).why).toBe(
      'new_customer_large_refund decided: block outranks pending_approval (high_value_refund_review, very_high_value, bot_limit)',
    );
    expect(acme.explain({ ...seed, charge_amount_cents: 1_000_000, amount_cents: 300_000, customer_tenure_days: 400, customer_refunds_last_30_days: 0 }).why).toBe(
      "very_high_value decided: its approval (2 approvals from cfo) can be given by fewer roles (cfo) than high_value_refund_review's (finance_manager)",
    );
    expect(acme.explain({ amount_cents: 2000, currency: 'eur', source: 'support_tool', customer_tenure_days: 100 }).why).toBe(
      'No rule matched, so the otherwise verdict applies: pending_approval by support_lead; serial_refunder (missing customer_refunds_last_30_days and reason) and over_charge (missing charge_amount_cents) could not be decided',
    );
  });

  it('explains why a money threshold did not apply to a refund in another currency', () => {
    const { rules } = acme.explain({ amount_cents: 2000, currency: 'eur' });
    expect(rules[0]?.conditions[0]).toMatchObject({ result: 'false', actual: 'amount is €20.00; currency is EUR, the threshold is in USD' });
    expect(acme.explain({ currency: 'EUR' }).rules[0]?.conditions[0]).toMatchObject({ result: 'false', actual: 'currency is EUR, the threshold is in USD' });
  });
});

describe('comparison texts', () => {
  it('renders money in its currency, durations in days or hours, counts, symbols and text', () => {
    expect(comparison(cmp(F.amount, 'ge', money('JPY', 5000)), { amount_cents: 5000, currency: 'jpy' })).toEqual({ text: 'amount at least ¥5,000', result: 'true', actual: 'amount is ¥5,000' });
    expect(comparison(cmp(F.amount, 'lt', money('KWD', 1250)), { amount_cents: 1000, currency: 'KWD' })).toEqual({
      text: 'amount under 1.250 KWD',
      result: 'true',
      actual: 'amount is 1.000 KWD',
    });
    expect(comparison(cmp(F.chargeAge, 'le', hours(36)), { charge_age_days: 1.5 })).toEqual({ text: 'charge age at most 36 hours', result: 'true', actual: 'charge age is 1.5 days' });
    expect(comparison(cmp(F.tenure, 'eq', days(1)), { customer_tenure_days: 1 })).toEqual({ text: 'customer tenure is 1 day', result: 'true', actual: 'customer tenure is 1 day' });
    expect(comparison(cmp(F.refunds48h, 'ne', count(2)), { customer_refunds_last_48_hours: 2 })).toEqual({
      text: 'customer refunds in last 48 hours is not 2',
      result: 'false',
      actual: 'customer refunds in last 48 hours is 2',
    });
    expect(comparison(cmp(F.meta('ticket'), 'eq', text('Z-1')), { metadata: { ticket: 'Z-2' } })).toEqual({ text: 'metadata.ticket is "Z-1"', result: 'false', actual: 'metadata.ticket is "Z-2"' });
    expect(comparison(between(F.amount, usd(1000), usd(10000)), {})).toEqual({ text: 'amount between $10.00 and $100.00', result: 'unknown', actual: 'amount_cents is missing' });
    expect(comparison(isIn(F.merchant, [sym('acct_1')]), { stripe_account: 'acct_1' })).toEqual({ text: 'merchant is acct_1', result: 'true', actual: 'merchant is acct_1' });
    expect(comparison(cmp(F.currency, 'eq', sym('EUR')), {})).toEqual({ text: 'currency is EUR', result: 'false', actual: 'currency is USD (none given, so USD)' });
    expect(comparison(ratio(F.amount, 'gt', 80, F.chargeAmount), { amount_cents: 900, charge_amount_cents: 1000 })).toEqual({
      text: 'amount over 80% of charge amount',
      result: 'true',
      actual: 'amount is $9.00; charge amount is $10.00',
    });
  });

  it('says when a value of the wrong type was ignored', () => {
    expect(comparison(cmp(F.amount, 'gt', usd(1)), untyped({ amount_cents: '100' })).actual).toBe(
      'amount_cents is missing (got "100", which is not a usable value, so it counts as missing)',
    );
  });

  it('keeps the and/or/not structure, with readable text at every level', () => {
    const trace = traceOf(or(and(cmp(F.reason, 'eq', sym('fraudulent')), not(isIn(F.source, [sym('ai_agent'), sym('automation')]))), cmp(F.amount, 'gt', usd(100))), {
      reason: 'fraudulent',
      source: 'support_tool',
    });
    expect(trace).toMatchObject({
      kind: 'or',
      text: '(reason is fraudulent and source is neither ai_agent nor automation) or amount over $1.00',
      result: 'true',
      conditions: [
        {
          kind: 'and',
          result: 'true',
          conditions: [
            { kind: 'comparison', text: 'reason is fraudulent', result: 'true' },
            { kind: 'not', text: 'source is neither ai_agent nor automation', result: 'true', condition: { kind: 'comparison', result: 'false' } },
          ],
        },
        { kind: 'comparison', result: 'unknown', missing_fields: ['amount_cents'] },
      ],
    });
    expect(traceOf({ op: 'true' }, {})).toEqual({ kind: 'always', text: 'every refund', result: 'true' });
    expect(traceOf(not(cmp(F.amount, 'gt', usd(100))), { amount_cents: 1 })).toMatchObject({ text: 'not (amount over $1.00)', result: 'true' });
  });
});

describe('why', () => {
  it('explains ties between rules and verdicts', () => {
    const same = loadBoth(policy([rule('first', 'flag', { op: 'true' }), rule('second', 'flag', { op: 'true' })])).generated;
    expect(same.explain({}).why).toBe('first decided: it comes before second in the file');
    const counts = loadBoth(policy([rule('one', 'pending_approval', { op: 'true' }, { roles: ['cfo'] }), rule('two', 'pending_approval', { op: 'true' }, { roles: ['cfo'], count: 2 })])).generated;
    expect(counts.explain({}).why).toBe('two decided: it needs more approvals (2) than one (1)');
  });

  it('explains an `on missing` verdict', () => {
    const guarded = loadBoth(
      policy([rule('needs_reason', 'flag', cmp(F.reason, 'eq', sym('fraudulent'))), rule('small', 'allow', cmp(F.amount, 'le', usd(100)))], {
        on_missing: requireRole(['finance_manager']),
      }),
    ).generated;
    expect(guarded.explain({ amount_cents: 1 }).why).toBe(
      'needs_reason (missing reason) could not be decided, so the on missing verdict applies: pending_approval by finance_manager (pending_approval outranks allow (small))',
    );
    expect(guarded.explain({ amount_cents: 1, reason: 'fraudulent' }).why).toBe('needs_reason decided: flag outranks allow (small)');
    const tie = loadBoth(policy([rule('needs_reason', 'flag', cmp(F.reason, 'eq', sym('x')))], { default: { outcome: 'flag' }, on_missing: { outcome: 'flag' } })).generated;
    expect(tie.explain({}).why).toBe('needs_reason (missing reason) could not be decided, so the on missing verdict applies: flag (it goes before the otherwise verdict at equal strength)');
  });
});
