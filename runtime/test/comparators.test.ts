// Every comparator at, just below and just above its threshold, for every type of field
// (docs/language.md, "Precise rules > Evaluation"). Each check runs on both engines.

import { describe, expect, it } from 'vitest';
import type { CompareOp, DecisionInput, ExprIR } from '@axiru/runtime';
import { and, between, cmp, count, days, F, hours, isIn, money, not, ratio, statusOf, sym, text, untyped, usd } from './helpers.js';

const M = 'matched';
const N = 'not_matched';
const U = 'undecided';

/** [op, below, at, above] expected statuses. */
const ORDERED: readonly (readonly [CompareOp, string, string, string])[] = [
  ['gt', N, N, M],
  ['lt', M, N, N],
  ['ge', N, M, M],
  ['le', M, M, N],
  ['eq', N, M, N],
  ['ne', M, N, M],
];

describe('money', () => {
  for (const [op, below, at, above] of ORDERED) {
    it(`amount ${op} $150.00 at 14999 / 15000 / 15001 cents`, () => {
      const condition = cmp(F.amount, op, usd(15000));
      expect([14999, 15000, 15001].map((amount_cents) => statusOf(condition, { amount_cents, currency: 'usd' }))).toEqual([below, at, above]);
    });

    it(`amount ${op} $150.00 is false for a refund in another currency, whatever the amount`, () => {
      const condition = cmp(F.amount, op, usd(15000));
      for (const amount_cents of [14999, 15000, 15001]) expect(statusOf(condition, { amount_cents, currency: 'eur' })).toBe(N);
      // decided without the amount: the currency is always known
      expect(statusOf(condition, { currency: 'EUR' })).toBe(N);
      expect(statusOf(condition, { amount_cents: null, currency: 'gbp' })).toBe(N);
    });
  }

  it('`not` around a foreign-currency comparison holds (the compiler warns about exactly this)', () => {
    expect(statusOf(not(cmp(F.amount, 'gt', usd(100))), { amount_cents: 999_999, currency: 'eur' })).toBe(M);
  });

  it('a missing amount leaves a same-currency comparison unknown', () => {
    expect(statusOf(cmp(F.amount, 'gt', usd(100)), {})).toBe(U);
    expect(statusOf(cmp(F.amount, 'ne', usd(100)), { currency: 'usd', amount_cents: null })).toBe(U);
  });

  it('between is inclusive at both ends', () => {
    const condition = between(F.amount, usd(1000), usd(10000));
    expect([999, 1000, 5000, 10000, 10001].map((amount_cents) => statusOf(condition, { amount_cents }))).toEqual([N, M, M, M, N]);
    expect(statusOf(condition, { amount_cents: 5000, currency: 'cad' })).toBe(N);
    expect(statusOf(condition, { currency: 'cad' })).toBe(N);
    expect(statusOf(condition, { currency: 'usd' })).toBe(U);
  });

  it('in matches any listed amount, each in its own currency', () => {
    const condition = isIn(F.amount, [usd(5000), money('EUR', 4000)]);
    expect(statusOf(condition, { amount_cents: 5000 })).toBe(M);
    expect(statusOf(condition, { amount_cents: 4000 })).toBe(N);
    expect(statusOf(condition, { amount_cents: 4000, currency: 'EUR' })).toBe(M);
    expect(statusOf(condition, { amount_cents: 5000, currency: 'EUR' })).toBe(N);
    expect(statusOf(condition, { currency: 'EUR' })).toBe(U);
    expect(statusOf(condition, { currency: 'JPY' })).toBe(N);
    expect(statusOf(not(condition), { amount_cents: 5001 })).toBe(M);
    expect(statusOf(not(condition), { amount_cents: 5000 })).toBe(N);
  });

  it('reads JPY amounts as whole yen and KWD amounts as thousandths', () => {
    expect(statusOf(cmp(F.amount, 'ge', money('JPY', 5000)), { amount_cents: 5000, currency: 'jpy' })).toBe(M);
    expect(statusOf(cmp(F.amount, 'ge', money('JPY', 5000)), { amount_cents: 4999, currency: 'JPY' })).toBe(N);
    expect(statusOf(cmp(F.amount, 'eq', money('KWD', 1250)), { amount_cents: 1250, currency: 'kwd' })).toBe(M);
    expect(statusOf(cmp(F.amount, 'gt', money('KWD', 1250)), { amount_cents: 1251, currency: 'Kwd' })).toBe(M);
  });

  it('compares the currency case-insensitively and defaults it to USD', () => {
    const condition = cmp(F.amount, 'gt', usd(100));
    for (const currency of ['usd', 'USD', 'Usd', 'uSd', null, undefined]) {
      expect(statusOf(condition, { amount_cents: 101, currency })).toBe(M);
    }
    expect(statusOf(cmp(F.amount, 'gt', money('EUR', 100)), { amount_cents: 101, currency: 'eUr' })).toBe(M);
  });

  it('reads charge amount and charge refunded in the refund currency', () => {
    expect(statusOf(cmp(F.chargeAmount, 'ge', money('EUR', 500)), { charge_amount_cents: 500, currency: 'eur' })).toBe(M);
    expect(statusOf(cmp(F.chargeAmount, 'ge', money('EUR', 500)), { charge_amount_cents: 500 })).toBe(N);
    expect(statusOf(cmp(F.chargeRefunded, 'gt', usd(0)), { charge_refunded_cents: 1 })).toBe(M);
    expect(statusOf(cmp(F.chargeRefunded, 'gt', usd(0)), { charge_refunded_cents: 0 })).toBe(N);
    expect(statusOf(cmp(F.chargeRefunded, 'gt', usd(0)), { amount_cents: 1 })).toBe(U);
  });

  it('treats amounts that are not safe integers as missing', () => {
    for (const amount_cents of [12.5, '15000', Number.NaN, Infinity, 2 ** 53, true, [1], { value: 1 }]) {
      expect(statusOf(cmp(F.amount, 'gt', usd(100)), untyped({ amount_cents }))).toBe(U);
    }
  });
});

describe('durations', () => {
  for (const [op, below, at, above] of ORDERED) {
    it(`customer tenure ${op} 30 days at 29.999 / 30 / 30.001 days`, () => {
      const condition = cmp(F.tenure, op, days(30));
      expect([29.999, 30, 30.001].map((customer_tenure_days) => statusOf(condition, { customer_tenure_days }))).toEqual([below, at, above]);
    });
  }

  it('compares hours exactly against fractional days: 36 hours is 1.5 days', () => {
    const condition = cmp(F.chargeAge, 'gt', hours(36));
    expect([1.49, 1.5, 1.5000001].map((charge_age_days) => statusOf(condition, { charge_age_days }))).toEqual([N, N, M]);
    expect(statusOf(cmp(F.chargeAge, 'eq', hours(36)), { charge_age_days: 1.5 })).toBe(M);
    expect(statusOf(cmp(F.chargeAge, 'eq', hours(1)), { charge_age_days: 0.0416 })).toBe(N);
    expect(statusOf(cmp(F.chargeAge, 'le', hours(0)), { charge_age_days: 0 })).toBe(M);
  });

  it('between and in work on durations', () => {
    const condition = between(F.tenure, hours(24), hours(48));
    expect([0.99, 1, 1.5, 2, 2.01].map((customer_tenure_days) => statusOf(condition, { customer_tenure_days }))).toEqual([N, M, M, M, N]);
    expect(statusOf(isIn(F.tenure, [days(1), hours(36)]), { customer_tenure_days: 1.5 })).toBe(M);
    expect(statusOf(isIn(F.tenure, [days(1), hours(36)]), { customer_tenure_days: 1.25 })).toBe(N);
  });

  it('treats negative, infinite and non-numeric durations as missing', () => {
    for (const customer_tenure_days of [-1, -0.5, Infinity, Number.NaN, '9', null]) {
      expect(statusOf(cmp(F.tenure, 'lt', days(30)), untyped({ customer_tenure_days }))).toBe(U);
    }
  });
});

describe('counts', () => {
  for (const [op, below, at, above] of ORDERED) {
    it(`customer refunds in last 30 days ${op} 3 at 2 / 3 / 4`, () => {
      const condition = cmp(F.refunds30, op, count(3));
      expect([2, 3, 4].map((n) => statusOf(condition, { customer_refunds_last_30_days: n }))).toEqual([below, at, above]);
    });
  }

  it('reads each fact by its own name', () => {
    expect(statusOf(cmp(F.refunds48h, 'ge', count(1)), { customer_refunds_last_48_hours: 1 })).toBe(M);
    expect(statusOf(cmp(F.refunds48h, 'ge', count(1)), { customer_refunds_last_30_days: 1 })).toBe(U);
  });

  it('between and in work on counts; long lists too', () => {
    expect([0, 1, 3, 5, 6].map((n) => statusOf(between(F.refunds30, count(1), count(5)), { customer_refunds_last_30_days: n }))).toEqual([N, M, M, M, N]);
    const many = isIn(F.refunds30, Array.from({ length: 12 }, (_, i) => count(i * 2)));
    expect(statusOf(many, { customer_refunds_last_30_days: 22 })).toBe(M);
    expect(statusOf(many, { customer_refunds_last_30_days: 21 })).toBe(N);
  });

  it('treats fractional and negative counts as missing', () => {
    for (const n of [2.5, -1, '3']) expect(statusOf(cmp(F.refunds30, 'ge', count(0)), { customer_refunds_last_30_days: n })).toBe(U);
  });
});

describe('symbols and text', () => {
  it('is / is not compare symbols case-sensitively', () => {
    const is = cmp(F.reason, 'eq', sym('duplicate_charge'));
    const isNot = cmp(F.reason, 'ne', sym('duplicate_charge'));
    expect([statusOf(is, { reason: 'duplicate_charge' }), statusOf(is, { reason: 'Duplicate_Charge' }), statusOf(is, { reason: 'fraudulent' })]).toEqual([M, N, N]);
    expect([statusOf(isNot, { reason: 'duplicate_charge' }), statusOf(isNot, { reason: 'DUPLICATE_CHARGE' })]).toEqual([N, M]);
    expect(statusOf(isNot, {})).toBe(U);
  });

  it('in / not in match any of the listed symbols', () => {
    const from = isIn(F.source, [sym('ai_agent'), sym('automation')]);
    expect(['ai_agent', 'automation', 'AI_AGENT', 'support_tool', 'not_a_declared_source'].map((source) => statusOf(from, { source }))).toEqual([M, M, N, N, N]);
    expect(['ai_agent', 'support_tool'].map((source) => statusOf(not(from), { source }))).toEqual([N, M]);
    expect(statusOf(not(from), {})).toBe(U);
  });

  it('compares long symbol lists like short ones', () => {
    const merchants = isIn(F.merchant, Array.from({ length: 20 }, (_, i) => sym(`acct_${i}`)));
    expect(statusOf(merchants, { stripe_account: 'acct_19' })).toBe(M);
    expect(statusOf(merchants, { stripe_account: 'acct_20' })).toBe(N);
    expect(statusOf(merchants, untyped({ stripe_account: 7 }))).toBe(U);
  });

  it('compares the currency upper-cased, USD when absent', () => {
    const eur = cmp(F.currency, 'eq', sym('EUR'));
    expect(['eur', 'EUR', 'Eur', 'usd'].map((currency) => statusOf(eur, { currency }))).toEqual([M, M, M, N]);
    expect(statusOf(cmp(F.currency, 'eq', sym('USD')), {})).toBe(M);
    expect(statusOf(cmp(F.currency, 'ne', sym('USD')), { currency: null })).toBe(N);
    expect(statusOf(isIn(F.currency, [sym('EUR'), sym('GBP')]), { currency: 'gbp' })).toBe(M);
    // A currency of the wrong type counts as missing, and a missing currency is USD.
    expect(statusOf(cmp(F.currency, 'eq', sym('USD')), untyped({ currency: 42 }))).toBe(M);
  });

  it('compares metadata text exactly, and only string values', () => {
    const ticket = cmp(F.meta('ticket'), 'eq', text('Z-1234'));
    expect(statusOf(ticket, { metadata: { ticket: 'Z-1234' } })).toBe(M);
    expect(statusOf(ticket, { metadata: { ticket: 'z-1234' } })).toBe(N);
    expect(statusOf(ticket, { metadata: { ticket: 'Z-1234 ' } })).toBe(N);
    for (const metadata of [{ ticket: 1234 }, {}, null, 'ticket', ['Z-1234'], Object.create({ ticket: 'Z-1234' }) as object]) {
      expect(statusOf(ticket, untyped({ metadata }))).toBe(U);
    }
    expect(statusOf(cmp(F.meta('order id'), 'ne', text('')), { metadata: { 'order id': 'o_1' } })).toBe(M);
  });
});

describe('ratio', () => {
  const over100 = ratio(F.amount, 'gt', 100, F.chargeAmount);
  const atLeast80 = ratio(F.amount, 'ge', 80, F.chargeAmount);

  it('compares exactly at the 100% boundary', () => {
    expect([9_999, 10_000, 10_001].map((amount_cents) => statusOf(over100, { amount_cents, charge_amount_cents: 10_000 }))).toEqual([N, N, M]);
  });

  it('compares exactly at an 80% boundary', () => {
    expect([7_999, 8_000, 8_001].map((amount_cents) => statusOf(atLeast80, { amount_cents, charge_amount_cents: 10_000 }))).toEqual([N, M, M]);
    // 80% of 3 cents is 2.4 cents: exact arithmetic, no rounding.
    expect([2, 3].map((amount_cents) => statusOf(atLeast80, { amount_cents, charge_amount_cents: 3 }))).toEqual([N, M]);
  });

  it('every comparator works on ratios', () => {
    const input = { amount_cents: 5_000, charge_amount_cents: 10_000 };
    const ops: readonly CompareOp[] = ['gt', 'lt', 'ge', 'le', 'eq', 'ne'];
    expect(ops.map((op) => statusOf(ratio(F.amount, op, 50, F.chargeAmount), input))).toEqual([N, N, M, M, M, N]);
  });

  it('stays exact for amounts beyond 2^53 / 100, where doubles would round', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(statusOf(over100, { amount_cents: max, charge_amount_cents: max })).toBe(N);
    expect(statusOf(over100, { amount_cents: max, charge_amount_cents: max - 1 })).toBe(M);
    // 150% of 6,004,799,503,160,660 is exactly MAX_SAFE_INTEGER - 1.
    const charge_amount_cents = 6_004_799_503_160_660;
    expect(statusOf(ratio(F.amount, 'eq', 150, F.chargeAmount), { amount_cents: max - 1, charge_amount_cents })).toBe(M);
    expect(statusOf(ratio(F.amount, 'eq', 150, F.chargeAmount), { amount_cents: max, charge_amount_cents })).toBe(N);
    expect(statusOf(ratio(F.amount, 'ge', 150, F.chargeAmount), { amount_cents: max - 2, charge_amount_cents })).toBe(N);
  });

  it('compares in any currency (both sides are in the refund currency)', () => {
    expect(statusOf(over100, { amount_cents: 2, charge_amount_cents: 1, currency: 'jpy' })).toBe(M);
  });

  it('is unknown when either side is missing', () => {
    expect(statusOf(over100, { amount_cents: 2 })).toBe(U);
    expect(statusOf(over100, { charge_amount_cents: 2 })).toBe(U);
    expect(statusOf(and(over100, cmp(F.amount, 'lt', usd(1))), { amount_cents: 2 })).toBe(N);
  });
});

describe('a rule without condition', () => {
  it('matches every refund, even an empty request', () => {
    const always: ExprIR = { op: 'true' };
    expect(statusOf(always, {})).toBe(M);
    expect(statusOf(always, untyped(null))).toBe(M);
  });
});
