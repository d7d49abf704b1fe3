import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from '@axiru/compiler';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../support/people.js';
import { expansions, refundObject, startStripeServer, type FakeRefund, type StripeServer } from '../support/stripeServer.js';
import { createTestApp, json, tempDir, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

const KEY = 'rk_test_51AxiruReadOnlyKey0123456789abcdef';
const NOW = new Date('2026-04-28T14:32:11.061Z');
const DAY = 86_400;
const nowS = Math.floor(NOW.getTime() / 1000);

function refund(n: number, daysAgo: number, amount: number, extra: Partial<FakeRefund> = {}): FakeRefund {
  return {
    id: `re_${String(n).padStart(3, '0')}`, amount, currency: 'usd', created: nowS - daysAgo * DAY,
    charge: { id: `ch_${n}`, amount: amount * 2, currency: 'usd', created: nowS - (daysAgo + 3) * DAY, customer: `cus_${n % 3}`, metadata: { source: 'support_tool' } },
    ...extra,
  };
}

// Seven refunds inside 90 days (four pages of two) and one older that `since` leaves out.
const REFUNDS: FakeRefund[] = [
  refund(1, 80, 2000), refund(2, 60, 22000), refund(3, 40, 60000, { charge: { id: 'ch_3', amount: 60000, currency: 'usd', created: nowS - 41 * DAY, customer: 'cus_new', metadata: {} } }),
  refund(4, 20, 1500, { metadata: { axiru_source: 'ai_agent' } }), refund(5, 10, 9000), refund(6, 5, 300000), refund(7, 1, 700),
  refund(8, 120, 5000),
];

let stripe: StripeServer;
let t: TestApp;
let org: TestOrg;
const scratch = tempDir('axiru-stripe-import-');

beforeAll(async () => {
  stripe = await startStripeServer({ key: KEY, refunds: REFUNDS, pageSize: 2 });
  t = await createTestApp({ stripeApi: stripe.api, now: NOW });
  org = t.demo;
});
afterAll(async () => {
  await t.close();
  await stripe.close();
  scratch.remove();
});

function put(payload: Record<string, unknown>, key = org.adminKey): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'PUT', url: '/api/stripe/connection', headers: { authorization: `Bearer ${key}` }, payload });
}

function startImport(payload: Record<string, unknown>, key = org.adminKey): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/stripe/import', headers: { authorization: `Bearer ${key}` }, payload });
}

interface ReplayJson {
  id: string; status: string; origin: string; file_name: string; format: string; file_bytes: number;
  progress: { rows: number; replayed: number }; report: Record<string, any> | null; error: { code: string; message: string } | null;
}

async function finished(id: string): Promise<ReplayJson> {
  await t.app.replays.wait(id);
  return json<ReplayJson>(await t.get(`/api/replays/${id}`, org.adminKey));
}

describe('PUT /api/stripe/connection', () => {
  it('refuses a secret key, saying why and which read permissions to grant', async () => {
    const response = await put({ restricted_key: 'sk_test_51AxiruSecretKey0123456789abcdef' });
    expect(response.statusCode).toBe(400);
    const { error } = json<ErrorJson>(response);
    expect(error).toMatchObject({ code: 'secret_key_refused', field: 'restricted_key' });
    expect(error.message).toContain('never holds a key that can move money');
    expect(error.message).toContain('Charges: Read, Refunds: Read, Customers: Read');
    expect(error.message).not.toContain('sk_test_51AxiruSecretKey');
    for (const [body, field] of [
      [{ restricted_key: 'pk_live_abcdefabcdefabcdef' }, 'restricted_key'],
      [{ restricted_key: 'rk_test_short' }, 'restricted_key'],
      [{ restricted_key: KEY, webhook_secret: 'secret' }, 'webhook_secret'],
      [{ restricted_key: KEY, account: 'acct_1' }, 'account'],
      [{ restricted_key: 42 }, 'restricted_key'],
    ] as const) {
      const bad = await put(body);
      expect(bad.statusCode, bad.body).toBe(400);
      expect(json<ErrorJson>(bad).error.field).toBe(field);
    }
    expect(json<Record<string, unknown>>(await t.get('/api/stripe/connection', org.adminKey))['connected']).toBe(false);
  });

  it('stores a restricted key and never shows it again', async () => {
    const approver = await addUser(t, ['finance_manager']);
    expect((await put({ restricted_key: KEY }, approver.key)).statusCode).toBe(403);
    expect((await put({ restricted_key: KEY }, org.decisionKey)).statusCode).toBe(403);
    const response = await put({ restricted_key: KEY, webhook_secret: 'whsec_test_secret_0123456789' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({
      connected: true, key_hint: `rk_test_…${KEY.slice(-4)}`, mode: 'test', webhook_secret_set: true,
      updated_at: expect.any(String), permissions: ['Charges: Read', 'Refunds: Read', 'Customers: Read'],
    });
    const read = await t.get('/api/stripe/connection', approver.key);
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(KEY);
    expect(read.body).not.toContain('whsec_test_secret');
    expect(response.body).not.toContain(KEY);
  });
});

describe('POST /api/stripe/import', () => {
  it('is refused until a Stripe account is connected', async () => {
    const fresh = await t.addOrg('Unconnected');
    const response = await startImport({ since: '90d' }, fresh.adminKey);
    expect(response.statusCode).toBe(409);
    expect(json<ErrorJson>(response).error.code).toBe('stripe_not_connected');
  });

  it('pages through refunds.list with the SDK (retrying a 500 and a 429), shows progress, and replays them like the engine', async () => {
    expect((await put({ restricted_key: KEY })).statusCode).toBe(200);
    stripe.requests.length = 0;
    // The first page is fetched before the 202; the request for page two waits until released,
    // then fails with a 500, its retry with a retryable 429, and the next retry succeeds.
    const held = stripe.holdFrom(2);
    const response = await startImport({ since: '90d' });
    expect(response.statusCode, response.body).toBe(202);
    const started = json<ReplayJson>(response);
    expect(started).toMatchObject({ status: 'running', origin: 'stripe_import', format: 'jsonl' });
    await held.arrived;
    const running = json<ReplayJson>(await t.get(`/api/replays/${started.id}`, org.adminKey));
    expect(running.status).toBe('running');
    expect(running.progress.rows).toBe(2);
    stripe.failNext(
      { status: 500, type: 'api_error', message: 'Something went wrong on Stripe\'s end.' },
      { status: 429, type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests', headers: { 'stripe-should-retry': 'true' } },
    );
    held.release();

    const done = await finished(started.id);
    expect(done.status, JSON.stringify(done.error)).toBe('done');
    expect(done.report!['refunds']).toBe(7);
    expect(done.progress.rows).toBe(7);
    expect(done.file_bytes).toBeGreaterThan(0);

    const lists = stripe.requests.filter((r) => r.path === '/v1/refunds');
    expect(lists.map((r) => r.status)).toEqual([200, 500, 429, 200, 200, 200]);
    for (const request of lists) {
      expect(request.authorization).toBe(`Bearer ${KEY}`);
      expect(expansions(request.query)).toEqual(['data.charge']);
      expect(request.query.get('limit')).toBe('100');
      expect(request.query.get('created[gte]')).toBe(String(nowS - 90 * DAY));
    }
    const okCursors = lists.filter((r) => r.status === 200).map((r) => r.query.get('starting_after'));
    expect(okCursors).toEqual([null, 're_006', 're_004', 're_002']);

    // The engine, on the same Refund objects written as JSON Lines, reports exactly the same.
    const path = join(scratch.path, 'refunds.jsonl');
    const inWindow = REFUNDS.filter((r) => r.created >= nowS - 90 * DAY);
    writeFileSync(path, inWindow.map((r) => JSON.stringify(refundObject(r, true))).join('\n') + '\n');
    const stored = await t.app.store.policies.get(org.id, 3);
    const expected = await replay(loadPolicy((await t.app.store.policies.getIR(stored!.ir_hash)) as PolicyIR), [path], { format: 'jsonl' });
    expect(done.report).toEqual(JSON.parse(JSON.stringify(expected)));
    // Tenure comes from the expanded charges: $600 to a 1-day-old customer and $3,000 to an
    // 8-day-old one are blocked by new_customer_large_refund.
    expect(done.report!['by_outcome']['block']).toMatchObject({ count: 2, amount: { usd: 360000 } });
    expect(done.report!['rules']['new_customer_large_refund']).toMatchObject({ decided: 2 });

    const results = json<{ data: Array<Record<string, unknown>> }>(await t.get(`/api/replays/${started.id}/results?limit=200`, org.adminKey));
    expect(results.data.map((r) => r['refund_id'])).toEqual(['re_001', 're_002', 're_003', 're_004', 're_005', 're_006', 're_007']);
    expect(results.data.find((r) => r['refund_id'] === 're_004')).toMatchObject({ source: 'ai_agent' });
  });

  it('says clearly when Stripe refuses the key, a page, or keeps rate limiting', async () => {
    const fresh = await t.addOrg('Wrong key');
    await put({ restricted_key: 'rk_live_51SomeOtherAccountKey0123456789' }, fresh.adminKey);
    const rejected = await startImport({}, fresh.adminKey);
    expect(rejected.statusCode).toBe(400);
    expect(json<ErrorJson>(rejected).error).toMatchObject({ code: 'stripe_key_rejected', field: 'restricted_key' });
    expect(json<{ data: unknown[] }>(await t.get('/api/replays', fresh.adminKey)).data).toEqual([]);

    // A 400 on a later page fails the replay with Stripe's message.
    const held = stripe.holdFrom(stripe.requests.length + 2);
    const started = await startImport({ since: '2026-01-01' });
    expect(started.statusCode).toBe(202);
    await held.arrived;
    stripe.failNext({ status: 400, type: 'invalid_request_error', message: 'Invalid starting_after id' });
    held.release();
    const failed = await finished(json<ReplayJson>(started).id);
    expect(failed.status).toBe('failed');
    expect(failed.error!.code).toBe('stripe_request_refused');
    expect(failed.error!.message).toContain('Invalid starting_after id');
    expect(failed.report).toBeNull();

    // A 429 on every try (more than the SDK's retries) on the first page is a 503 at once.
    const limited = { status: 429, type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests', headers: { 'stripe-should-retry': 'true' } };
    stripe.failNext(limited, limited, limited, limited);
    const tooMany = await startImport({ since: '30d' });
    expect(tooMany.statusCode).toBe(503);
    expect(json<ErrorJson>(tooMany).error.code).toBe('stripe_rate_limited');

    for (const since of ['90', '0d', '99999d', '2099-01-01', 'yesterday']) {
      const bad = await startImport({ since });
      expect(bad.statusCode, since).toBe(400);
      expect(json<ErrorJson>(bad).error.field).toBe('since');
    }
  });
});
