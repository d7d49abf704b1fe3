// A varied ledger for the projection tests: the audit tests' varied decisions (two policy
// versions, a shadow, observe mode, holds, approvals, a kill switch and a freeze), plus a
// denial, a reported execution, Stripe confirming a refund, a refund no intent covered and its
// failure, a webhook endpoint receiving the events, and a signed checkpoint that covers some
// records but not the last ones.

import Stripe from 'stripe';
import { expect } from 'vitest';
import { buildVariedLedger } from '../audit/variedLedger.js';
import { addUser, post } from '../support/people.js';
import { json, type DecisionJson, type TestApp } from '../support/testApp.js';

const SECRET = 'whsec_projection_0123456789abcdef';

export async function buildVariedHistory(t: TestApp, count: number): Promise<string[]> {
  expect((await post(t, '/api/webhooks', t.demo.adminKey, {
    url: 'http://127.0.0.1:9/hooks', events: ['intent.pending_approval', 'intent.approved', 'intent.executed'],
  })).statusCode).toBe(201);
  const connected = await t.app.inject({
    method: 'PUT', url: '/api/stripe/connection', headers: { authorization: `Bearer ${t.demo.adminKey}` },
    payload: { restricted_key: 'rk_test_51ReadOnly0123456789abcdefgh', webhook_secret: SECRET },
  });
  expect(connected.statusCode, connected.body).toBe(200);
  const { intents } = await buildVariedLedger(t, count);
  const ids = [...intents];

  const approver = await addUser(t, ['cfo']);
  const decide = async (body: Record<string, unknown>): Promise<DecisionJson> => {
    const response = await t.decide({ source: 'support_tool', customer_tenure_days: 400, ...body });
    expect(response.statusCode, response.body).toBe(200);
    const decided = json<DecisionJson>(response);
    ids.push(decided.intent_id);
    return decided;
  };
  const denied = await decide({ amount_cents: 60_000, customer_id: 'cus_deny' });
  expect(denied.decision.outcome).toBe('pending_approval');
  expect((await post(t, `/api/intents/${denied.intent_id}/deny`, approver.key, { comment: 'no' })).statusCode).toBe(200);
  const reported = await decide({ amount_cents: 1500, stripe_charge_id: 'ch_reported' });
  expect((await post(t, `/api/intents/${reported.intent_id}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_reported' })).statusCode).toBe(200);
  const confirmed = await decide({ amount_cents: 1700, stripe_charge_id: 'ch_confirmed' });

  let events = 0;
  const stripeEvent = async (type: string, refund: Record<string, unknown>): Promise<void> => {
    events += 1;
    const payload = JSON.stringify({
      id: `evt_projection_${events}`, object: 'event', api_version: '2025-01-27', created: Math.floor(t.now.getTime() / 1000),
      type, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null },
      data: {
        object: {
          object: 'refund', currency: 'usd', created: Math.floor(t.now.getTime() / 1000) - 5, status: 'succeeded', metadata: {},
          payment_intent: null, reason: null, ...refund,
        },
      },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(t.now.getTime() / 1000) });
    const response = await t.app.inject({
      method: 'POST', url: '/api/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  await stripeEvent('refund.created', { id: 're_confirmed', amount: 1700, charge: 'ch_confirmed' });
  await stripeEvent('refund.created', { id: 're_bypass', amount: 4200, charge: 'ch_nobody', customer: 'cus_bypass' });
  await stripeEvent('refund.updated', { id: 're_bypass', amount: 4200, charge: 'ch_nobody', status: 'failed' });
  await stripeEvent('refund.created', { id: 're_bypass_2', amount: 800, charge: 'ch_nobody_2' });
  const observed = json<{ data: { intent_id: string; status: string }[] }>(await t.get('/api/intents?status=observed&limit=10', t.demo.adminKey));
  expect(observed.data.length).toBe(1);
  const failed = json<{ data: { intent_id: string }[] }>(await t.get('/api/intents?status=failed&limit=10', t.demo.adminKey));
  expect(failed.data.length).toBe(1);
  ids.push(observed.data[0]!.intent_id, failed.data[0]!.intent_id);

  // A checkpoint over everything so far; the decisions after it are not covered yet.
  t.now = new Date(t.now.getTime() + 3_600_000);
  // The checkpointer also ticks on its own timer, and a tick already running is joined rather than
  // started again, so tick until the latest checkpoint covers the head (a condition, not a time).
  const head = (await t.app.store.ledger.head(t.demo.id))?.seq;
  expect(head).toBeGreaterThan(0);
  while ((await t.app.store.checkpoints.latest(t.demo.id))?.tree_size !== head) await t.app.auditCheckpoints.tick();
  await decide({ amount_cents: 2500, customer_id: 'cus_a' });
  await decide({ amount_cents: 25_000, customer_id: 'cus_a', stripe_charge_id: 'ch_1' });

  // Lists: changes sealed as list records, a policy reading them, and a decision that read a
  // version of the list that later changed (its replay needs the list as it was).
  const admin = { authorization: `Bearer ${t.demo.adminKey}` };
  expect((await t.app.inject({ method: 'PUT', url: '/api/lists/vip_customers', headers: admin, payload: { values: ['cus_vip', 'cus_a'] } })).statusCode).toBe(200);
  expect((await post(t, '/api/lists/vip_customers/values', t.demo.adminKey, { values: ['cus_b'] })).statusCode).toBe(200);
  const listPolicy = await post(t, '/api/policies', t.demo.adminKey, {
    source: 'policy "acme-refunds" version 9\nroles support_lead < finance_manager < cfo\nsources support_tool, ai_agent, automation, stripe_direct\n'
      + 'lists vip_customers\n\nrule big:\n  refunds over $150 require finance_manager unless customer in list vip_customers\n',
  });
  expect(listPolicy.statusCode, listPolicy.body).toBe(201);
  expect((await post(t, '/api/policies/v9/activate', t.demo.adminKey)).statusCode).toBe(200);
  expect((await decide({ amount_cents: 30_000, customer_id: 'cus_vip' })).decision.outcome).toBe('allow');
  expect((await t.app.inject({ method: 'DELETE', url: '/api/lists/vip_customers/values/cus_vip', headers: admin })).statusCode).toBe(200);
  expect((await decide({ amount_cents: 30_000, customer_id: 'cus_vip' })).decision.outcome).toBe('pending_approval');
  return ids;
}
