import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { json, type DecisionJson, type TestApp } from './testApp.js';

export interface TestUser {
  readonly id: string;
  readonly key: string;
  readonly email: string;
}

let counter = 0;

/** Creates a user through the admin API (with the demo organisation's admin key unless told). */
export async function addUser(
  t: TestApp, roles: string[], options: { adminKey?: string; slackUserId?: string; name?: string } = {},
): Promise<TestUser> {
  counter += 1;
  const email = `person${counter}@example.com`;
  const response = await t.app.inject({
    method: 'POST', url: '/api/users',
    headers: { authorization: `Bearer ${options.adminKey ?? t.demo.adminKey}` },
    payload: { email, name: options.name ?? `Person ${counter}`, roles, ...(options.slackUserId ? { slack_user_id: options.slackUserId } : {}) },
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = json<{ user: { id: string }; key: string }>(response);
  return { id: body.user.id, key: body.key, email };
}

export function post(t: TestApp, url: string, key: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST', url, headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

export function del(t: TestApp, url: string, key: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'DELETE', url, headers: { authorization: `Bearer ${key}` } });
}

/** Decides and returns the intent id, checking the outcome. */
export async function decideExpect(t: TestApp, body: Record<string, unknown>, outcome: string, key?: string): Promise<string> {
  const response = await t.decide(body, key === undefined ? {} : { key });
  expect(response.statusCode, response.body).toBe(200);
  const decision = json<DecisionJson>(response);
  expect(decision.decision.outcome, response.body).toBe(outcome);
  return decision.intent_id;
}

export interface IntentJson {
  intent_id: string;
  status: string;
  requested_by: string | null;
  decision: Record<string, unknown>;
  events: Array<{ seq: number; kind: string; actor: string; body: Record<string, unknown> }>;
}

export async function intent(t: TestApp, id: string, key = t.demo.adminKey): Promise<IntentJson> {
  const response = await t.get(`/api/intents/${id}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return json<IntentJson>(response);
}

/** A finance_manager-level request ($220, acme's high_value_refund_review). */
export const FM_REQUEST = { source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400, stripe_charge_id: 'ch_fm' };
/** A request needing 2 approvals from cfo ($3,000). */
export const CFO2_REQUEST = { source: 'support_tool', amount_cents: 300000, customer_tenure_days: 400, stripe_charge_id: 'ch_cfo' };
/** An allowed request. */
export const ALLOW_REQUEST = { source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 };
