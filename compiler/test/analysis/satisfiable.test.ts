import { describe, expect, test } from 'vitest';
import type { DecisionInput, ExprIR } from '@axiru/runtime';
import { satisfiable } from '../../src/analysis/index.js';
import { probePolicy, truthByRuntime } from '../../src/analysis/probePolicy.js';
import { runtimeDecide } from '../../src/analysis/runtimeDecide.js';
import {
  amount,
  and,
  atLeast,
  between,
  chargeAmount,
  chargeRefunded,
  cmp,
  count,
  currency,
  DEFAULT_SOURCES,
  eur,
  from,
  hours,
  isIn,
  metadata,
  not,
  or,
  over,
  ratio,
  reason,
  refunds,
  sym,
  tenure,
  text,
  under,
  upTo,
  usd,
} from './irBuilders.js';

/** The runtime's verdict on the condition, independent of the analysis. */
function truth(expr: ExprIR, input: DecisionInput): string {
  return truthByRuntime(runtimeDecide, probePolicy(expr, DEFAULT_SOURCES), input);
}

function witnessOf(expr: ExprIR, sources?: readonly string[]): DecisionInput {
  const answer = satisfiable(expr, sources === undefined ? {} : { sources });
  if (answer.result !== 'yes') throw new Error(`expected yes, got ${JSON.stringify(answer)}`);
  expect(truth(expr, answer.witness)).toBe('true');
  return answer.witness;
}

describe('satisfiable: yes, with a witness the runtime confirms', () => {
  test('a threshold gives the first amount past it', () => {
    expect(witnessOf(over(usd(150)))).toEqual({ amount_cents: 15001, currency: 'USD' });
  });

  test('the first witness of `up to $150` is the threshold itself', () => {
    expect(witnessOf(upTo(usd(150))).amount_cents).toBe(15000);
  });

  test('money in another currency names that currency', () => {
    expect(witnessOf(and(over(eur(100)), cmp(currency, 'eq', sym('EUR'))))).toMatchObject({ currency: 'EUR', amount_cents: 10001 });
  });

  test('fractional tenure between 36 and 48 hours', () => {
    const witness = witnessOf(and(over(hours(36), tenure), under(hours(48), tenure)));
    expect(witness.customer_tenure_days).toBeGreaterThan(1.5);
    expect(witness.customer_tenure_days).toBeLessThan(2);
  });

  test('between one hour and two hours: a duration exact in binary days', () => {
    const witness = witnessOf(and(over(hours(1), tenure), under(hours(2), tenure)));
    expect((witness.customer_tenure_days as number) * 24).toBe(1.5);
  });

  test('`between` is inclusive at both ends', () => {
    expect(witnessOf(between(amount, usd(10), usd(10))).amount_cents).toBe(1000);
  });

  test('negation picks a fresh symbol', () => {
    expect(witnessOf(not(isIn(reason, sym('duplicate_charge'), sym('fraudulent')))).reason).toBe('other_reason');
  });

  test('ratios: a refund just above the charge amount, exactly', () => {
    const witness = witnessOf(and(ratio(amount, 'gt', 100, chargeAmount), ratio(amount, 'lt', 101, chargeAmount)));
    const part = witness.amount_cents as number;
    const whole = witness.charge_amount_cents as number;
    expect(part * 100).toBeGreaterThan(100 * whole);
    expect(part * 100).toBeLessThan(101 * whole);
  });

  test('a ratio that needs a whole divisible by 2: the whole is chosen first', () => {
    const witness = witnessOf(ratio(amount, 'eq', 150, chargeRefunded));
    expect((witness.amount_cents as number) * 100).toBe(150 * (witness.charge_refunded_cents as number));
  });

  test('a ratio of a field with itself holds only at zero when the percents differ', () => {
    expect(witnessOf(ratio(chargeRefunded, 'eq', 50, chargeRefunded)).charge_refunded_cents).toBe(0);
  });

  test('text metadata and counts', () => {
    const witness = witnessOf(and(cmp(metadata('ticket'), 'ne', text('Z-1')), atLeast(count(3), refunds(30))));
    expect(witness.metadata).toEqual({ ticket: 'other' });
    expect(witness['customer_refunds_last_30_days']).toBe(3);
  });

  test('`in` over money in several currencies is an `or` of equalities', () => {
    const witness = witnessOf(and(isIn(amount, usd(5), eur(7)), not(cmp(currency, 'eq', sym('USD')))));
    expect(witness).toMatchObject({ currency: 'EUR', amount_cents: 700 });
  });

  test('the same condition gives the same witness every time', () => {
    const expr = or(and(over(usd(500)), under(hours(720), tenure)), from('ai_agent'));
    expect(satisfiable(expr)).toEqual(satisfiable(expr));
  });
});

describe('satisfiable: no', () => {
  test.each<[string, ExprIR]>([
    ['over $500 and under $100', and(over(usd(500)), under(usd(100)))],
    ['over $100 and under $100.01', and(over(usd(100)), under(usd(100.01)))],
    ['a dollar threshold on a EUR refund', and(over(usd(100)), cmp(currency, 'eq', sym('EUR')))],
    ['`is not` is false in another currency too', and(cmp(amount, 'ne', usd(100)), cmp(currency, 'eq', sym('EUR')))],
    ['a symbol and its negation', and(cmp(reason, 'eq', sym('fraud')), not(cmp(reason, 'eq', sym('fraud'))))],
    ['amount below one cent', under(usd(0.01))],
    ['counts are integers', and(over(count(2), refunds(30)), under(count(3), refunds(30)))],
    ['text compares exactly', and(cmp(metadata('ticket'), 'eq', text('a')), cmp(metadata('ticket'), 'eq', text('b')))],
    ['tenure under zero hours', under(hours(0), tenure)],
  ])('%s', (_, expr) => {
    expect(satisfiable(expr)).toEqual({ result: 'no' });
  });

  test('a ratio that the money fields cannot produce: the box is cut before any search', () => {
    // 100 * amount < 100 * 1 cent needs an amount below one cent.
    expect(satisfiable(and(ratio(amount, 'lt', 100, chargeRefunded), cmp(chargeRefunded, 'eq', usd(0.01))))).toEqual({ result: 'no' });
    // Amounts are at least one cent, so no refund is 0% of its charge.
    expect(satisfiable(ratio(amount, 'le', 0, chargeAmount))).toEqual({ result: 'no' });
  });

  test('with declared sources, `not from` every source is empty; without, any other string is a source', () => {
    const expr = not(from(...DEFAULT_SOURCES));
    expect(satisfiable(expr, { sources: DEFAULT_SOURCES })).toEqual({ result: 'no' });
    expect(witnessOf(expr).source).toBe('other_source');
  });
});

describe('satisfiable: inconclusive', () => {
  test('ratios in both directions look satisfiable on independent axes, but no request exists', () => {
    // amount > charge and charge > amount: each ratio axis alone allows it, together they cannot hold.
    const expr = and(ratio(amount, 'gt', 100, chargeAmount), ratio(chargeAmount, 'gt', 100, amount));
    expect(satisfiable(expr).result).toBe('inconclusive');
  });

  test('past the size cap', () => {
    const expr = and(...Array.from({ length: 6 }, (_, i) => or(over(usd(i + 1)), over(hours(i + 1), tenure), cmp(reason, 'eq', sym(`r${i}`)))));
    const answer = satisfiable(expr, { limits: { maxBoxes: 8, maxWork: 1_000_000 } });
    expect(answer).toMatchObject({ result: 'inconclusive', why: expect.stringContaining('boxes') });
    expect(satisfiable(expr).result).toBe('yes');
  });
});
