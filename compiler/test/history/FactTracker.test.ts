// Facts derived from history, as the decision server derives them from its ledger: tenure from
// the first payment, refund counts in windows strictly before the refund, partial refunds adding
// up per charge, charge age.
import { describe, expect, test } from 'vitest';
import { FactTracker } from '@axiru/compiler';
import type { FactIR } from '@axiru/runtime';
import type { RefundRow } from '../../src/history/HistoryRefund.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');

const WEEK: FactIR = { kind: 'customer_refund_count', name: 'customer_refunds_last_7_days', window_hours: 168 };
const DAY_WINDOW: FactIR = { kind: 'customer_refund_count', name: 'customer_refunds_last_24_hours', window_hours: 24 };
const CHARGE: FactIR = { kind: 'charge_refunded', name: 'charge_refunded_cents' };

function row(time: number, fields: { customer?: string | null; charge?: string | null; amount?: number; currency?: string; chargeTime?: number | null } = {}): RefundRow {
  const chargeTime = fields.chargeTime ?? null;
  return {
    kind: 'refund',
    line: 1,
    time,
    chargeTime,
    refund: {
      id: `re_${time}`,
      created: new Date(time).toISOString(),
      charge_id: fields.charge === undefined ? 'ch_1' : fields.charge,
      amount_cents: fields.amount ?? 1000,
      currency: fields.currency ?? 'usd',
      customer_id: fields.customer === undefined ? 'cus_1' : fields.customer,
      stripe_account: null,
      source: 'support_tool',
      reason: null,
      charge_amount_cents: 5000,
      charge_created: chargeTime === null ? null : new Date(chargeTime).toISOString(),
      metadata: {},
    },
  };
}

describe('customer tenure', () => {
  test('counts from the first payment seen, whatever order payments were seen in', () => {
    const facts = new FactTracker([]);
    facts.notePayment('cus_1', T0 - 10 * DAY);
    facts.notePayment('cus_1', T0 - 40 * DAY);
    facts.notePayment('cus_1', T0 - 20 * DAY);
    expect(facts.next(row(T0)).customer_tenure_days).toBe(40);
    expect(facts.next(row(T0 + 36 * 3_600_000)).customer_tenure_days).toBe(41.5);
  });

  test('is missing without a customer, without any payment, or when the first payment is after the refund', () => {
    const facts = new FactTracker([]);
    facts.notePayment('cus_late', T0 + DAY);
    expect(facts.next(row(T0, { customer: null })).customer_tenure_days).toBeNull();
    expect(facts.next(row(T0, { customer: 'cus_unknown' })).customer_tenure_days).toBeNull();
    expect(facts.next(row(T0, { customer: 'cus_late' })).customer_tenure_days).toBeNull();
  });
});

describe('customer refund counts', () => {
  test('count earlier refunds in (time - window, time]: a refund exactly one window earlier is out', () => {
    const facts = new FactTracker([WEEK, DAY_WINDOW]);
    const counts = [T0, T0 + 6 * DAY, T0 + 7 * DAY, T0 + 7 * DAY + 3_600_000, T0 + 20 * DAY].map((t) => {
      const input = facts.next(row(t));
      return [input['customer_refunds_last_7_days'], input['customer_refunds_last_24_hours']];
    });
    expect(counts).toEqual([
      [0, 0], // the first refund never counts itself
      [1, 0], // T0, six days earlier
      [1, 0], // T0 is exactly 7 days earlier: out; T0+6d is in
      [2, 1], // T0+6d and T0+7d (an hour earlier)
      [0, 0], // everything is more than a week old
    ]);
  });

  test('of two refunds at the same second, the first counts for the second', () => {
    const facts = new FactTracker([WEEK]);
    expect(facts.next(row(T0))['customer_refunds_last_7_days']).toBe(0);
    expect(facts.next(row(T0))['customer_refunds_last_7_days']).toBe(1);
  });

  test('are per customer, and missing without a customer', () => {
    const facts = new FactTracker([WEEK]);
    facts.next(row(T0, { customer: 'cus_a' }));
    facts.next(row(T0 + 1000, { customer: 'cus_a' }));
    expect(facts.next(row(T0 + 2000, { customer: 'cus_b' }))['customer_refunds_last_7_days']).toBe(0);
    expect(facts.next(row(T0 + 3000, { customer: 'cus_a' }))['customer_refunds_last_7_days']).toBe(2);
    expect('customer_refunds_last_7_days' in facts.next(row(T0 + 4000, { customer: null }))).toBe(false);
  });

  test('stay right for a serial refunder over many windows', () => {
    const facts = new FactTracker([WEEK]);
    const times = Array.from({ length: 200 }, (_, i) => T0 + i * 0.4 * DAY);
    times.forEach((t, i) => {
      const expected = times.slice(0, i).filter((u) => u > t - 7 * DAY).length;
      expect(facts.next(row(t))['customer_refunds_last_7_days']).toBe(expected);
    });
  });

  test('are only computed when a policy asks for them', () => {
    const input = new FactTracker([]).next(row(T0));
    expect(Object.keys(input).filter((k) => k.startsWith('customer_refunds'))).toEqual([]);
  });
});

describe('charge refunded', () => {
  test('partial refunds of a charge add up; the first sees nothing refunded', () => {
    const facts = new FactTracker([CHARGE]);
    const seen = [3000, 500, 1500].map((amount, i) => facts.next(row(T0 + i * DAY, { amount }))['charge_refunded_cents']);
    expect(seen).toEqual([0, 3000, 3500]);
  });

  test('is per charge and currency, and missing without a charge', () => {
    const facts = new FactTracker([CHARGE]);
    facts.next(row(T0, { charge: 'ch_a', amount: 700 }));
    expect(facts.next(row(T0 + 1, { charge: 'ch_b' }))['charge_refunded_cents']).toBe(0);
    expect(facts.next(row(T0 + 2, { charge: 'ch_a', currency: 'eur' }))['charge_refunded_cents']).toBe(0);
    expect(facts.next(row(T0 + 3, { charge: 'ch_a' }))['charge_refunded_cents']).toBe(700);
    expect('charge_refunded_cents' in facts.next(row(T0 + 4, { charge: null }))).toBe(false);
  });
});

describe('charge age and order', () => {
  test('charge age is the time from the charge to the refund, in days', () => {
    const facts = new FactTracker([]);
    expect(facts.next(row(T0, { chargeTime: T0 - 2.25 * DAY })).charge_age_days).toBe(2.25);
    expect(facts.next(row(T0, { chargeTime: null })).charge_age_days).toBeNull();
    expect(facts.next(row(T0, { chargeTime: T0 + DAY })).charge_age_days).toBeNull();
  });

  test('the input carries the refund as the decision API names it', () => {
    const input = new FactTracker([]).next(row(T0, { amount: 2200, currency: 'eur' }));
    expect(input).toMatchObject({ amount_cents: 2200, currency: 'eur', source: 'support_tool', reason: null, stripe_account: null, charge_amount_cents: 5000, metadata: {} });
  });

  test('refunds out of time order are a programming error', () => {
    const facts = new FactTracker([]);
    facts.next(row(T0));
    expect(() => facts.next(row(T0 - 1))).toThrow('in time order');
  });
});
