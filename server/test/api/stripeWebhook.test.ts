import Stripe from 'stripe';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

const SECRET = 'whsec_demo_0123456789abcdef';
const OTHER_SECRET = 'whsec_other_0123456789abcdef';

let t: TestApp;
let other: TestOrg;
let eventCounter = 0;
let refundCounter = 0;

beforeAll(async () => {
  t = await createTestApp();
  other = await t.addOrg('Other org');
  for (const [key, secret] of [[t.demo.adminKey, SECRET], [other.adminKey, OTHER_SECRET]] as const) {
    const response = await t.app.inject({
      method: 'PUT', url: '/api/stripe/connection', headers: { authorization: `Bearer ${key}` },
      payload: { restricted_key: 'rk_test_51ReadOnly0123456789abcdefgh', webhook_secret: secret },
    });
    expect(response.statusCode).toBe(200);
  }
});
afterAll(async () => {
  await t.close();
});

interface RefundInput { amount: number; charge: string; metadata?: Record<string, string>; status?: string; id?: string; currency?: string }

function refundObject(input: RefundInput) {
  refundCounter += 1;
  return {
    id: input.id ?? `re_test_${refundCounter}`, object: 'refund', amount: input.amount, currency: input.currency ?? 'usd',
    created: Math.floor(t.now.getTime() / 1000) - 5, status: input.status ?? 'succeeded', charge: input.charge, metadata: input.metadata ?? {},
    payment_intent: null, reason: null,
  };
}

function event(type: string, object: Record<string, unknown>, id?: string) {
  eventCounter += 1;
  return {
    id: id ?? `evt_test_${eventCounter}`, object: 'event', api_version: '2025-01-27', created: Math.floor(t.now.getTime() / 1000),
    type, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object },
  };
}

function send(body: unknown, options: { secret?: string; path?: string; signature?: string; timestamp?: number } = {}): Promise<LightMyRequestResponse> {
  const payload = JSON.stringify(body);
  const signature = options.signature ?? Stripe.webhooks.generateTestHeaderString({
    payload, secret: options.secret ?? SECRET, timestamp: options.timestamp ?? Math.floor(t.now.getTime() / 1000),
  });
  return t.app.inject({
    method: 'POST', url: options.path ?? '/api/stripe/webhook',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature }, payload,
  });
}

async function decide(amount: number, charge: string, extra: Record<string, unknown> = {}): Promise<DecisionJson> {
  const response = await t.decide({ source: 'support_tool', amount_cents: amount, stripe_charge_id: charge, customer_tenure_days: 400, ...extra });
  expect(response.statusCode, response.body).toBe(200);
  return json<DecisionJson>(response);
}

interface IntentJson { status: string; decision: unknown; over_amount: boolean; bypass: boolean; events: Array<{ kind: string; actor: string; body: Record<string, any> }> }

async function intent(id: string, key = t.demo.adminKey): Promise<IntentJson> {
  const response = await t.get(`/api/intents/${id}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return json<IntentJson>(response);
}

async function ledgerSize(): Promise<number> {
  return t.app.store.ledger.size();
}

interface WebhookJson { duplicate: boolean; refunds: Array<{ refund_id: string; result: string; intent_id: string | null; over_amount: boolean; seq: number | null }> }

describe('POST /api/stripe/webhook: verification', () => {
  it('refuses a bad, missing, foreign or stale signature with 400 and writes nothing', async () => {
    const decided = await decide(2000, 'ch_sig');
    const body = event('refund.created', refundObject({ amount: 2000, charge: 'ch_sig', metadata: { axiru_intent_id: decided.intent_id } }));
    const before = await ledgerSize();
    const attempts = [
      await send(body, { secret: 'whsec_wrong_0123456789abcdef' }),
      await send(body, { signature: 't=1,v1=deadbeef' }),
      await send(body, { timestamp: Math.floor(t.now.getTime() / 1000) - 600 }),
      await send(body, { secret: OTHER_SECRET, path: `/api/stripe/webhook/${t.demo.id}` }),
      await send(body, { path: '/api/stripe/webhook/org_doesnotexist' }),
      await t.app.inject({ method: 'POST', url: '/api/stripe/webhook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
    ];
    for (const response of attempts) {
      expect(response.statusCode, response.body).toBe(400);
      expect(json<ErrorJson>(response).error.code).toBe('invalid_signature');
    }
    expect(json<ErrorJson>(attempts[0]!).error.message).toContain('Nothing was recorded');
    // A foreign organisation's id and one that does not exist answer alike.
    expect(attempts[3]!.body).toBe(attempts[4]!.body);
    expect(await ledgerSize()).toBe(before);
    expect((await intent(decided.intent_id)).status).toBe('allowed');
    // The same event, signed properly, is handled: nothing of the refused ones was remembered.
    const accepted = await send(body);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json<WebhookJson>(accepted)).toMatchObject({ duplicate: false, refunds: [{ result: 'executed' }] });
  });

  it('verifies the raw bytes: a re-serialized body fails', async () => {
    const body = event('refund.created', refundObject({ amount: 100, charge: 'ch_raw' }));
    const pretty = JSON.stringify(body, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(body), secret: SECRET, timestamp: Math.floor(t.now.getTime() / 1000) });
    const response = await t.app.inject({
      method: 'POST', url: '/api/stripe/webhook', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, payload: pretty,
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /api/stripe/webhook: matching refunds to intents', () => {
  it('confirms the execution of the intent named in metadata, once, however often Stripe redelivers', async () => {
    const decided = await decide(4000, 'ch_meta');
    const refund = refundObject({ amount: 4000, charge: 'ch_meta', metadata: { axiru_intent_id: decided.intent_id } });
    const created = event('refund.created', refund);
    const first = await send(created);
    expect(first.statusCode, first.body).toBe(200);
    const result = json<WebhookJson>(first);
    expect(result.refunds).toEqual([{ refund_id: refund.id, result: 'executed', intent_id: decided.intent_id, over_amount: false, seq: expect.any(Number) }]);
    const view = await intent(decided.intent_id);
    expect(view.status).toBe('executed');
    const execution = view.events.find((e) => e.kind === 'execution');
    expect(execution).toMatchObject({
      actor: 'stripe',
      body: { stripe_refund_id: refund.id, from_status: 'allowed', status: 'executed', confirmed_by: 'stripe_webhook', matched_by: 'metadata', over_amount: false, authorized_amount_cents: 4000 },
    });

    const size = await ledgerSize();
    const again = await send(created);
    expect(again.statusCode).toBe(200);
    expect(json<WebhookJson>(again)).toMatchObject({ duplicate: true, refunds: [] });
    // Another event about the same refund (charge.refunded lists it) seals nothing new either.
    const charge = { id: 'ch_meta', object: 'charge', amount: 9000, currency: 'usd', customer: 'cus_1', refunds: { object: 'list', data: [refund] } };
    expect(json<WebhookJson>(await send(event('charge.refunded', charge))).refunds).toEqual([
      { refund_id: refund.id, result: 'unchanged', intent_id: decided.intent_id, over_amount: false, seq: null },
    ]);
    expect(await ledgerSize()).toBe(size);
    expect((await intent(decided.intent_id)).events.filter((e) => e.kind === 'execution')).toHaveLength(1);
  });

  it('matches by charge and amount when metadata names no intent, and flags a refund above the authorized amount', async () => {
    const exact = await decide(5000, 'ch_pair');
    const response = json<WebhookJson>(await send(event('refund.created', refundObject({ amount: 5000, charge: 'ch_pair' }))));
    expect(response.refunds[0]).toMatchObject({ result: 'executed', intent_id: exact.intent_id, over_amount: false });
    expect((await intent(exact.intent_id)).events.at(-1)!.body['matched_by']).toBe('charge_and_amount');

    const small = await decide(10000, 'ch_over');
    const over = json<WebhookJson>(await send(event('refund.created', refundObject({ amount: 15000, charge: 'ch_over', metadata: { axiru_intent_id: small.intent_id } }))));
    expect(over.refunds[0]).toMatchObject({ result: 'executed', intent_id: small.intent_id, over_amount: true });
    const view = await intent(small.intent_id);
    expect(view.status).toBe('executed');
    expect(view).toMatchObject({ over_amount: true, bypass: false });
    expect((await intent(exact.intent_id)).over_amount).toBe(false);
    expect(view.events.at(-1)).toMatchObject({ kind: 'execution', body: { over_amount: true, authorized_amount_cents: 10000, refunded_cents: 15000 } });

    // Without metadata, a refund larger than the only allowed intent on its charge still finds it, flagged.
    const partial = await decide(3000, 'ch_more');
    const more = json<WebhookJson>(await send(event('refund.created', refundObject({ amount: 3500, charge: 'ch_more' }))));
    expect(more.refunds[0]).toMatchObject({ result: 'executed', intent_id: partial.intent_id, over_amount: true });
  });

  it('confirms a refund the caller already reported, and flags a second refund on the same intent as over its amount', async () => {
    const decided = await decide(6000, 'ch_reported');
    const reported = await t.app.inject({
      method: 'POST', url: `/api/intents/${decided.intent_id}/executed`, headers: { authorization: `Bearer ${t.demo.decisionKey}` },
      payload: { stripe_refund_id: 're_reported' },
    });
    expect(reported.statusCode, reported.body).toBe(200);
    const confirm = json<WebhookJson>(await send(event('refund.created', refundObject({ id: 're_reported', amount: 6000, charge: 'ch_reported', metadata: { axiru_intent_id: decided.intent_id } }))));
    expect(confirm.refunds[0]).toMatchObject({ result: 'confirmed', over_amount: false });
    const second = json<WebhookJson>(await send(event('refund.created', refundObject({ amount: 1000, charge: 'ch_reported', metadata: { axiru_intent_id: decided.intent_id } }))));
    expect(second.refunds[0]).toMatchObject({ result: 'confirmed', over_amount: true });
    const view = await intent(decided.intent_id);
    expect(view.events.filter((e) => e.kind === 'observation').map((e) => [e.body['confirms_execution'], e.body['over_amount']])).toEqual([[true, false], [true, true]]);
  });

  it('seals a refund with no intent as an observed intent with bypass: true', async () => {
    const refund = refundObject({ amount: 77700, charge: 'ch_outside', metadata: { ticket: 'Z-9' } });
    const response = json<WebhookJson>(await send(event('refund.created', refund)));
    const outcome = response.refunds[0]!;
    expect(outcome).toMatchObject({ result: 'bypass', over_amount: false });
    const view = await intent(outcome.intent_id!);
    expect(view).toMatchObject({ status: 'observed', bypass: true, over_amount: false });
    expect(view.decision).toBeNull();
    const record = (await t.app.store.ledger.byIntent(t.demo.id, outcome.intent_id!))[0]!;
    expect(record.kind).toBe('observation');
    expect(JSON.parse(record.body)).toMatchObject({ bypass: true, stripe: { refund_id: refund.id, amount_cents: 77700, charge_id: 'ch_outside' } });
    const listed = json<{ data: Array<Record<string, unknown>> }>(await t.get('/api/intents?status=observed', t.demo.adminKey)).data;
    expect(listed.map((row) => row['intent_id'])).toContain(outcome.intent_id);
  });

  it('treats a refund for an intent that was never authorized as a bypass, leaving the intent as it was', async () => {
    const pending = await decide(22000, 'ch_pending');
    expect(pending.decision.outcome).toBe('pending_approval');
    const response = json<WebhookJson>(await send(event('refund.created', refundObject({ amount: 22000, charge: 'ch_pending', metadata: { axiru_intent_id: pending.intent_id } }))));
    expect(response.refunds[0]).toMatchObject({ result: 'bypass', intent_id: pending.intent_id });
    const view = await intent(pending.intent_id);
    expect(view).toMatchObject({ status: 'pending_approval', bypass: true });
    expect(view.events.at(-1)).toMatchObject({ kind: 'observation', body: { bypass: true, intent_status: 'pending_approval' } });
  });

  it('seals a refund that fails after execution: the intent becomes failed', async () => {
    const decided = await decide(2500, 'ch_fail');
    const refund = refundObject({ amount: 2500, charge: 'ch_fail', metadata: { axiru_intent_id: decided.intent_id }, status: 'pending' });
    expect(json<WebhookJson>(await send(event('refund.created', refund))).refunds[0]!.result).toBe('executed');
    expect(json<WebhookJson>(await send(event('refund.updated', { ...refund, status: 'succeeded' }))).refunds[0]!.result).toBe('unchanged');
    const failed = json<WebhookJson>(await send(event('refund.failed', { ...refund, status: 'failed' })));
    expect(failed.refunds[0]!.result).toBe('failed');
    const view = await intent(decided.intent_id);
    expect(view.status).toBe('failed');
    expect(view.events.at(-1)).toMatchObject({ kind: 'execution', actor: 'stripe', body: { status: 'failed', from_status: 'executed' } });
    // A refund first seen already failed moved no money: nothing is sealed.
    const size = await ledgerSize();
    expect(json<WebhookJson>(await send(event('refund.failed', refundObject({ amount: 100, charge: 'ch_x', status: 'failed' })))).refunds[0]!.result).toBe('ignored');
    expect(await ledgerSize()).toBe(size);
  });

  it('routes by the per-organisation URL, keeps organisations apart, answers other event types with 200, and the chains verify', async () => {
    const decided = await decide(3000, 'ch_other_org', {});
    const refund = refundObject({ amount: 3000, charge: 'ch_other_org', metadata: { axiru_intent_id: decided.intent_id } });
    // The other organisation's secret, on its own URL: the demo organisation's intent is not its intent.
    const response = json<WebhookJson>(await send(event('refund.created', refund), { secret: OTHER_SECRET, path: `/api/stripe/webhook/${other.id}` }));
    expect(response.refunds[0]).toMatchObject({ result: 'bypass' });
    expect(response.refunds[0]!.intent_id).not.toBe(decided.intent_id);
    expect((await intent(decided.intent_id)).status).toBe('allowed');
    expect((await t.get(`/api/intents/${response.refunds[0]!.intent_id}`, t.demo.adminKey)).statusCode).toBe(404);
    expect((await intent(response.refunds[0]!.intent_id!, other.adminKey)).status).toBe('observed');

    const unhandled = await send(event('customer.created', { id: 'cus_1', object: 'customer' }));
    expect(unhandled.statusCode).toBe(200);
    expect(json<WebhookJson>(unhandled)).toMatchObject({ duplicate: false, refunds: [] });

    for (const key of [t.demo.adminKey, other.adminKey]) {
      const verify = await t.get('/api/audit/verify', key);
      expect(json<{ ok: boolean }>(verify).ok).toBe(true);
    }
  });
});
