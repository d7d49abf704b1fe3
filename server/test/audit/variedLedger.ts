// A seeded ledger of varied decisions for the audit tests: two policy versions, facts that
// depend on earlier intents (customer refund counts, charge totals), every outcome, a kill
// switch and a merchant freeze that decide instead of the policy, holds and approvals, a shadow
// policy and a stretch in observe mode.

import { expect } from 'vitest';
import { addUser, post } from '../support/people.js';
import { ACME_SOURCE, json, type DecisionJson, type TestApp } from '../support/testApp.js';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const V4_SOURCE = ACME_SOURCE
  .replace('version 3', 'version 4')
  .replace('refunds over $150 require finance_manager', 'refunds over $120 require finance_manager')
  .replace('allow refunds up to $150', 'allow refunds up to $120');

export interface VariedLedger {
  readonly intents: readonly string[];
}

export async function buildVariedLedger(t: TestApp, count: number, seed = 7): Promise<VariedLedger> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const intents: string[] = [];
  const approver = await addUser(t, ['cfo']);
  const decideOne = async (): Promise<void> => {
    const body: Record<string, unknown> = {
      source: pick(['support_tool', 'support_tool', 'ai_agent', 'automation', 'stripe_direct']),
      amount_cents: pick([900, 4000, 6000, 12_000, 14_000, 22_000, 60_000, 300_000]),
      currency: pick(['usd', 'usd', 'usd', 'eur']),
    };
    if (next() < 0.8) body['customer_id'] = pick(['cus_a', 'cus_b', 'cus_c', 'cus_d']);
    if (next() < 0.7) body['stripe_charge_id'] = pick(['ch_1', 'ch_2', 'ch_3']);
    if (next() < 0.8) body['customer_tenure_days'] = pick([3, 29, 45, 400]);
    if (next() < 0.5) body['charge_amount_cents'] = pick([5000, 30_000, 500_000]);
    if (next() < 0.4) body['reason'] = pick(['duplicate_charge', 'requested_by_customer', 'fraudulent']);
    if (next() < 0.3) body['stripe_account'] = pick(['acct_1', 'acct_2']);
    const response = await t.decide(body);
    expect(response.statusCode, response.body).toBe(200);
    const decided = json<DecisionJson>(response);
    intents.push(decided.intent_id);
    if (decided.decision.outcome === 'pending_approval' && next() < 0.3) {
      await post(t, `/api/intents/${decided.intent_id}/hold`, t.demo.adminKey, { reason: 'checking' });
      await post(t, `/api/intents/${decided.intent_id}/release`, t.demo.adminKey, {});
      await post(t, `/api/intents/${decided.intent_id}/approve`, approver.key, {});
    }
  };
  const quarter = Math.floor(count / 4);
  const eighth = Math.floor(count / 8);
  for (let i = 0; i < eighth; i += 1) await decideOne();
  // v4 runs as a shadow beside v3 (its decisions sealed with each record), then becomes live.
  const published = await post(t, '/api/policies', t.demo.adminKey, { source: V4_SOURCE });
  expect(published.statusCode, published.body).toBe(201);
  const shadow = await post(t, '/api/policies/v4/shadow', t.demo.adminKey);
  expect(shadow.statusCode, shadow.body).toBe(200);
  for (let i = 0; i < eighth; i += 1) await decideOne();
  expect((await post(t, '/api/policies/v4/activate', t.demo.adminKey)).statusCode).toBe(200);
  // Observe mode: callers are told allow, the policy's decision is sealed as would_be.
  const observe = await t.app.inject({
    method: 'PUT', url: '/api/org/mode', headers: { authorization: `Bearer ${t.demo.adminKey}` },
    payload: { mode: 'observe', reason: 'trial', confirm: true },
  });
  expect(observe.statusCode, observe.body).toBe(200);
  for (let i = 0; i < eighth; i += 1) await decideOne();
  const enforce = await t.app.inject({
    method: 'PUT', url: '/api/org/mode', headers: { authorization: `Bearer ${t.demo.adminKey}` },
    payload: { mode: 'enforce', reason: 'trial over', confirm: true },
  });
  expect(enforce.statusCode, enforce.body).toBe(200);
  for (let i = 0; i < eighth; i += 1) await decideOne();
  expect((await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'source:ai_agent', reason: 'bot misbehaving' })).statusCode).toBe(201);
  expect((await post(t, '/api/controls/freezes', t.demo.adminKey, { stripe_account: 'acct_2', reason: 'disputes' })).statusCode).toBe(201);
  for (let i = 0; i < quarter; i += 1) await decideOne();
  expect((await t.app.inject({ method: 'DELETE', url: '/api/controls/kill-switch/source%3Aai_agent', headers: { authorization: `Bearer ${t.demo.adminKey}` } })).statusCode).toBe(200);
  expect((await post(t, '/api/policies/v3/activate', t.demo.adminKey)).statusCode).toBe(200);
  while (intents.length < count) await decideOne();
  return { intents };
}
