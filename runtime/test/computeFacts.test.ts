// Velocity facts, local time and weekday, computed from earlier refunds and an instant
// (docs/language.md, "Velocity facts" and "Time of day").

import { describe, expect, it } from 'vitest';
import { computeFacts, computeVelocityFacts, isKnownTimeZone, localTimeFacts, type EarlierRefund, type PolicyIR, type VelocityFact } from '@axiru/runtime';
import { policy } from './helpers.js';

const HOUR = 3_600_000;
const T = Date.parse('2026-03-10T12:00:00Z');

const sourceSum: VelocityFact = { name: 'source_refunded_last_1_hours', kind: 'velocity', scope: 'source', measure: 'sum', window_hours: 1 };
const sourceCount: VelocityFact = { name: 'source_refunds_last_1_hours', kind: 'velocity', scope: 'source', measure: 'count', window_hours: 1 };
const customerSum: VelocityFact = { name: 'customer_refunded_last_30_days', kind: 'velocity', scope: 'customer', measure: 'sum', window_hours: 720 };
const merchantCount: VelocityFact = { name: 'merchant_refunds_last_7_days', kind: 'velocity', scope: 'merchant', measure: 'count', window_hours: 168 };

function earlier(offsetMs: number, overrides: Partial<EarlierRefund> = {}): EarlierRefund {
  return { received_at_ms: T - offsetMs, amount_cents: 100, currency: 'usd', status: 'allowed', customer_id: 'cus_1', source: 'ai_agent', stripe_account: 'acct_1', ...overrides };
}

describe('computeVelocityFacts', () => {
  const refund = { received_at_ms: T, currency: 'USD', customer_id: 'cus_1', source: 'ai_agent', stripe_account: 'acct_1' };

  it('counts the window (received_at − window, received_at]: the far end excluded, the near end included', () => {
    const history = [earlier(HOUR), earlier(HOUR - 1), earlier(0), earlier(-1)];
    expect(computeVelocityFacts([sourceCount, sourceSum], refund, history)).toEqual({ source_refunds_last_1_hours: 2, source_refunded_last_1_hours: 200 });
  });

  it('counts only the statuses that count for facts', () => {
    const statuses = ['allowed', 'pending_approval', 'approved', 'held', 'executed', 'observed', 'denied', 'blocked', 'cancelled', 'failed', 'expired'];
    expect(computeVelocityFacts([sourceCount], refund, statuses.map((status) => earlier(1, { status })))).toEqual({ source_refunds_last_1_hours: 6 });
  });

  it('sums only the refund currency; counts every currency', () => {
    const history = [earlier(1, { currency: 'EUR', amount_cents: 999 }), earlier(2, { amount_cents: 50 })];
    expect(computeVelocityFacts([sourceCount, sourceSum], refund, history)).toEqual({ source_refunds_last_1_hours: 2, source_refunded_last_1_hours: 50 });
    expect(computeVelocityFacts([sourceSum], { ...refund, currency: 'eur' }, history)).toEqual({ source_refunded_last_1_hours: 999 });
  });

  it('scopes by customer, source and merchant, each on its own', () => {
    const history = [earlier(HOUR * 2, { customer_id: 'cus_2' }), earlier(HOUR * 24 * 8), earlier(10, { source: 'support_tool', stripe_account: 'acct_2' })];
    expect(computeVelocityFacts([customerSum, merchantCount, sourceCount], refund, history)).toEqual({
      customer_refunded_last_30_days: 200,
      merchant_refunds_last_7_days: 1,
      source_refunds_last_1_hours: 0,
    });
  });

  it('leaves out a fact whose scope field the refund lacks (missing, not zero)', () => {
    expect(computeVelocityFacts([customerSum, sourceCount], { received_at_ms: T, source: 'ai_agent' }, [earlier(1)])).toEqual({ source_refunds_last_1_hours: 1 });
  });
});

describe('localTimeFacts', () => {
  it('reads the wall clock of the zone, truncated to the minute', () => {
    expect(localTimeFacts(Date.parse('2026-03-10T12:34:59.999Z'), 'UTC')).toEqual({ local_time: '12:34', weekday: 'tuesday' });
    expect(localTimeFacts(Date.parse('2026-03-10T22:59:00Z'), 'Europe/Berlin')).toEqual({ local_time: '23:59', weekday: 'tuesday' });
    expect(localTimeFacts(Date.parse('2026-03-10T23:00:00Z'), 'Europe/Berlin')).toEqual({ local_time: '00:00', weekday: 'wednesday' });
  });

  it('follows daylight saving time (Berlin is UTC+2 in July)', () => {
    expect(localTimeFacts(Date.parse('2026-07-04T20:30:00Z'), 'Europe/Berlin')).toEqual({ local_time: '22:30', weekday: 'saturday' });
    expect(localTimeFacts(Date.parse('2026-07-04T20:30:00Z'), 'America/New_York')).toEqual({ local_time: '16:30', weekday: 'saturday' });
  });

  it('refuses unknown zones and invalid instants', () => {
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(() => localTimeFacts(Number.NaN, 'UTC')).toThrow(RangeError);
  });
});

describe('computeFacts', () => {
  it('gives every version-2 fact the policy asks for, and nothing else', () => {
    const ir: PolicyIR = policy([], {
      ir_version: 2,
      timezone: 'Europe/Berlin',
      lists: [],
      facts: [
        { name: 'local_time', kind: 'local_time' },
        sourceSum,
        { name: 'weekday', kind: 'weekday' },
      ],
    });
    const refund = { received_at_ms: Date.parse('2026-03-14T21:15:00Z'), source: 'ai_agent' };
    expect(computeFacts(ir, refund, [earlier(1, { received_at_ms: refund.received_at_ms - 1, amount_cents: 420_000 })])).toEqual({
      source_refunded_last_1_hours: 420_000,
      local_time: '22:15',
      weekday: 'saturday',
    });
  });
});
