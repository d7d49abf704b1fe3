import Stripe from 'stripe';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

const SECRET = 'whsec_numbers_0123456789abcdef';

let t: TestApp;
let refunds = 0;
let events = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function connect(org: TestOrg): Promise<void> {
  const response = await t.app.inject({
    method: 'PUT', url: '/api/stripe/connection', headers: { authorization: `Bearer ${org.adminKey}` },
    payload: { restricted_key: 'rk_test_51ReadOnly0123456789abcdefgh', webhook_secret: SECRET },
  });
  expect(response.statusCode).toBe(200);
}

/** Stripe tells Axiru about a refund (signed like Stripe signs it). */
async function stripeRefund(org: TestOrg, input: { amount: number; currency?: string; charge: string; intent?: string; status?: string; id?: string }): Promise<string> {
  refunds += 1;
  events += 1;
  const id = input.id ?? `re_num_${refunds}`;
  const refund = {
    id, object: 'refund', amount: input.amount, currency: input.currency ?? 'usd', created: Math.floor(t.now.getTime() / 1000),
    status: input.status ?? 'succeeded', charge: input.charge, metadata: input.intent ? { axiru_intent_id: input.intent } : {},
  };
  const payload = JSON.stringify({ id: `evt_num_${events}`, object: 'event', type: input.status === 'failed' ? 'refund.failed' : 'refund.created', data: { object: refund } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(t.now.getTime() / 1000) });
  const response = await t.app.inject({
    method: 'POST', url: `/api/stripe/webhook/${org.id}`, headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload,
  });
  expect(response.statusCode, response.body).toBe(200);
  return id;
}

async function decide(org: TestOrg, body: Record<string, unknown>): Promise<DecisionJson> {
  const response = await t.decide({ source: 'support_tool', customer_tenure_days: 400, ...body }, { key: org.decisionKey });
  expect(response.statusCode, response.body).toBe(200);
  return json<DecisionJson>(response);
}

function numbers(org: TestOrg, query = '', key = org.adminKey): Promise<LightMyRequestResponse> {
  return t.get(`/api/org/numbers${query}`, key);
}

interface NumbersJson {
  since: string; until: string;
  refunded: { count: number; amounts: Record<string, number> };
  needed_approval: { count: number; amounts: Record<string, number> };
  blocked: { count: number; amounts: Record<string, number> };
  bypassed: { count: number; amounts: Record<string, number> };
  over_amount: { count: number; amounts: Record<string, number> };
  decisions: Record<string, number>;
}

describe('GET /api/org/numbers', () => {
  it('counts refunded, needed approval, blocked and bypassed from decisions, executions and Stripe refunds', async () => {
    const org = await t.addOrg('Numbers');
    await connect(org);
    // Stripe's times are whole seconds: the window starts at the second everything below happens in or after.
    const windowStart = new Date(Math.floor(t.now.getTime() / 1000) * 1000).toISOString();
    const tally: Record<string, number> = { allow: 0, flag: 0, pending_approval: 0, block: 0 };
    const seen = async (body: Record<string, unknown>) => {
      const decided = await decide(org, body);
      tally[decided.decision.outcome]! += 1;
      return decided;
    };

    const reported = await seen({ amount_cents: 2000, stripe_charge_id: 'ch_n1' });
    const overpaid = await seen({ amount_cents: 2000, stripe_charge_id: 'ch_n2' });
    await seen({ amount_cents: 1000, stripe_charge_id: 'ch_n3', customer_id: 'cus_serial' });
    const pending = await seen({ amount_cents: 22000, stripe_charge_id: 'ch_n4' });
    const blocked = await seen({ amount_cents: 60000, stripe_charge_id: 'ch_n5', customer_tenure_days: 5 });
    expect([reported, overpaid, pending, blocked].map((d) => d.decision.outcome)).toEqual(['allow', 'allow', 'pending_approval', 'block']);

    // Executed: one reported by the caller ($20), one confirmed by Stripe for $25 (over its $20).
    const executed = await t.app.inject({
      method: 'POST', url: `/api/intents/${reported.intent_id}/executed`, headers: { authorization: `Bearer ${org.decisionKey}` },
      payload: { stripe_refund_id: 're_reported' },
    });
    expect(executed.statusCode).toBe(200);
    await stripeRefund(org, { amount: 2500, charge: 'ch_n2', intent: overpaid.intent_id });
    // Bypasses: money moved with no intent ($999 and ¥5,000), and for the blocked intent ($600).
    await stripeRefund(org, { amount: 99900, charge: 'ch_elsewhere' });
    await stripeRefund(org, { amount: 5000, currency: 'jpy', charge: 'ch_yen' });
    await stripeRefund(org, { amount: 60000, charge: 'ch_n5', intent: blocked.intent_id });
    // A bypass that later failed moved no money in the end.
    const failing = await stripeRefund(org, { amount: 12345, charge: 'ch_bounced' });
    await stripeRefund(org, { id: failing, amount: 12345, charge: 'ch_bounced', status: 'failed' });

    const response = await numbers(org);
    expect(response.statusCode, response.body).toBe(200);
    const body = json<NumbersJson>(response);
    expect(body.refunded).toEqual({ count: 5, amounts: { jpy: 5000, usd: 2000 + 2500 + 99900 + 60000 } });
    expect(body.needed_approval).toEqual({ count: 1, amounts: { usd: 22000 } });
    expect(body.blocked).toEqual({ count: 1, amounts: { usd: 60000 } });
    expect(body.bypassed).toEqual({ count: 3, amounts: { jpy: 5000, usd: 99900 + 60000 } });
    expect(body.over_amount).toEqual({ count: 1, amounts: { usd: 2500 } });
    expect(body.decisions).toEqual(tally);
    expect(Date.parse(body.until) - Date.parse(body.since)).toBe(30 * 86_400_000);

    // A window that ends before everything happened holds nothing; one that starts at it holds it all.
    const empty = json<NumbersJson>(await numbers(org, `?since=2026-01-01T00:00:00Z&until=${encodeURIComponent(windowStart)}`));
    expect(empty).toMatchObject({ refunded: { count: 0 }, bypassed: { count: 0 }, blocked: { count: 0 }, decisions: { allow: 0, flag: 0, pending_approval: 0, block: 0 } });
    expect(empty.refunded.amounts).toEqual({});
    const all = json<NumbersJson>(await numbers(org, `?since=${encodeURIComponent(windowStart)}&until=2026-12-31T00:00:00Z`));
    expect(all.refunded).toEqual(body.refunded);
  });

  it('counts the would-be outcome in observe mode', async () => {
    const org = await t.addOrg('Observing');
    const switched = await t.app.inject({
      method: 'PUT', url: '/api/org/mode', headers: { authorization: `Bearer ${org.adminKey}` },
      payload: { mode: 'observe', reason: 'trying Axiru out', confirm: true },
    });
    expect(switched.statusCode, switched.body).toBe(200);
    const decided = await decide(org, { amount_cents: 60000, customer_tenure_days: 5 });
    expect(decided.decision.outcome).toBe('allow');
    const body = json<NumbersJson>(await numbers(org));
    expect(body.blocked).toEqual({ count: 1, amounts: { usd: 60000 } });
    expect(body.decisions).toMatchObject({ allow: 0, block: 1 });
  });

  it('validates the window, admits users, and refuses decision keys', async () => {
    const org = t.demo;
    for (const [query, field] of [['?since=yesterday', 'since'], ['?until=2026-13-01', 'until'], ['?since=2026-05-01T00:00:00Z&until=2026-04-01T00:00:00Z', 'since'], ['?colour=red', 'colour']] as const) {
      const response = await numbers(org, query);
      expect(response.statusCode, query).toBe(400);
      expect(json<ErrorJson>(response).error.field).toBe(field);
    }
    expect((await numbers(org, '', org.decisionKey)).statusCode).toBe(403);
    const user = await addUser(t, ['support_lead']);
    expect((await numbers(org, '', user.key)).statusCode).toBe(200);
  });
});
