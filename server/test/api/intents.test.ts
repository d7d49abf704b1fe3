import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, SEED_REQUEST, type DecisionJson, type ErrorJson, type TestApp } from '../support/testApp.js';

let t: TestApp;
const ids: string[] = [];
beforeAll(async () => {
  t = await createTestApp();
  const bodies = [
    { source: 'support_tool', amount_cents: 5000, customer_id: 'cus_a', stripe_account: 'acct_1' }, // allow
    { source: 'ai_agent', amount_cents: 6000, customer_id: 'cus_a' }, // pending (bot_limit)
    { source: 'support_tool', amount_cents: 60000, customer_tenure_days: 3, customer_id: 'cus_b' }, // block
    { source: 'automation', amount_cents: 1000, stripe_account: 'acct_1' }, // allow
    { ...SEED_REQUEST, metadata: { ticket: 'Z-1234' } }, // pending
  ];
  for (const body of bodies) ids.push(json<DecisionJson>(await t.decide(body)).intent_id);
});
afterAll(async () => {
  await t.close();
});

interface ListJson {
  data: Array<{ intent_id: string; outcome: string; status: string; source: string; seq: number; policy_version: string }>;
  next_cursor: string | null;
}

async function list(query: string, key = t.demo.decisionKey) {
  const response = await t.get(`/api/intents${query}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return json<ListJson>(response);
}

describe('GET /api/intents', () => {
  it('lists newest first with summaries', async () => {
    const page = await list('');
    expect(page.data.map((intent) => intent.intent_id)).toEqual([...ids].reverse());
    expect(page.data[0]).toMatchObject({ outcome: 'pending_approval', status: 'pending_approval', source: 'support_tool', policy_version: 'v3' });
    expect(page.next_cursor).toBeNull();
  });

  it('filters by outcome, status, source, customer and account', async () => {
    expect((await list('?outcome=allow')).data.map((i) => i.intent_id)).toEqual([ids[3], ids[0]]);
    expect((await list('?status=blocked')).data.map((i) => i.intent_id)).toEqual([ids[2]]);
    expect((await list('?source=ai_agent')).data.map((i) => i.intent_id)).toEqual([ids[1]]);
    expect((await list('?customer_id=cus_a')).data.map((i) => i.intent_id)).toEqual([ids[1], ids[0]]);
    expect((await list('?stripe_account=acct_1&outcome=allow')).data.map((i) => i.intent_id)).toEqual([ids[3], ids[0]]);
    expect((await list('?customer_id=cus_nobody')).data).toEqual([]);
  });

  it('filters by an amount range in one currency (inclusive), and refuses a range without a currency', async () => {
    // Amounts: 5000, 6000, 60000, 1000 and the seed's 22000, all in usd.
    expect((await list('?currency=usd&min_amount_cents=5000&max_amount_cents=22000')).data.map((i) => i.intent_id))
      .toEqual([ids[4], ids[1], ids[0]]);
    expect((await list('?currency=USD&min_amount_cents=22001')).data.map((i) => i.intent_id)).toEqual([ids[2]]);
    expect((await list('?currency=usd&max_amount_cents=1000')).data.map((i) => i.intent_id)).toEqual([ids[3]]);
    expect((await list('?currency=eur')).data).toEqual([]);
    const cases: Array<[string, string]> = [
      ['?min_amount_cents=100', 'currency'],
      ['?currency=usd&min_amount_cents=10&max_amount_cents=9', 'min_amount_cents'],
      ['?currency=usd&max_amount_cents=1000000000001', 'max_amount_cents'],
      ['?currency=usd&min_amount_cents=1.5', 'min_amount_cents'],
      ['?currency=usd&min_amount_cents=-1', 'min_amount_cents'],
      ['?currency=us', 'currency'],
    ];
    for (const [query, field] of cases) {
      const response = await t.get(`/api/intents${query}`, t.demo.decisionKey);
      expect(response.statusCode, query).toBe(400);
      expect(json<ErrorJson>(response).error.field, query).toBe(field);
    }
  });

  it('filters by received time (since inclusive, until exclusive)', async () => {
    const all = (await list('')).data;
    const third = json<{ received_at: string }>(await t.get(`/api/intents/${ids[2]}`, t.demo.decisionKey)).received_at;
    expect((await list(`?since=${third}`)).data).toHaveLength(3);
    expect((await list(`?until=${third}`)).data).toHaveLength(2);
    expect((await list('?since=2000-01-01T00:00:00Z&until=2100-01-01T00:00:00%2B02:00')).data).toHaveLength(all.length);
  });

  it('pages with an opaque cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ListJson = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((intent) => intent.intent_id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it.each([
    ['?limit=0', 'limit'], ['?limit=201', 'limit'], ['?limit=ten', 'limit'], ['?limit=1.5', 'limit'],
    ['?cursor=!!', 'cursor'], ['?cursor=abc', 'cursor'], ['?outcome=maybe', 'outcome'], ['?status=done', 'status'],
    ['?since=yesterday', 'since'], ['?until=2026-13-45T99:00:00Z', 'until'], ['?sort=asc', 'sort'], ['?source=a%20b', 'source'],
    ['?outcome=allow&outcome=block', 'outcome'],
  ])('%s is a 400 naming %s', async (query, field) => {
    const response = await t.get(`/api/intents${query}`, t.demo.decisionKey);
    expect(response.statusCode, response.body).toBe(400);
    expect(json<ErrorJson>(response).error.field).toBe(field);
  });

  it('admin keys may read intents too', async () => {
    expect((await list('', t.demo.adminKey)).data).toHaveLength(ids.length);
  });
});

describe('GET /api/intents/:id', () => {
  it('returns the sealed record: request, facts, decision, policy, chain position', async () => {
    const response = await t.get(`/api/intents/${ids[4]}`, t.demo.decisionKey);
    expect(response.statusCode).toBe(200);
    interface Detail { request: Record<string, unknown>; record: { seq: number; hash: string; prev_hash: string }; policy: { ir_hash: string } }
    const intent = json<Detail>(response);
    expect(intent).toMatchObject({
      intent_id: ids[4],
      status: 'pending_approval',
      request: { ...SEED_REQUEST, currency: 'usd', metadata: { ticket: 'Z-1234' } },
      facts: {},
      decision: { outcome: 'pending_approval', matched_rule: 'high_value_refund_review', policy_version: 'v3' },
      policy: { name: 'acme-refunds', version: 'v3', ir_hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      record: { kind: 'decision', actor: expect.stringMatching(/^api_key:key_/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      events: [],
    });
    expect(intent.request).not.toHaveProperty('org_api_key');
    const previous = json<Detail>(await t.get(`/api/intents/${ids[3]}`, t.demo.decisionKey));
    expect(intent.record.seq).toBe(previous.record.seq + 1);
    expect(intent.record.prev_hash).toBe(previous.record.hash);
    const v3 = json<{ hash: string }>(await t.get('/api/policies/v3', t.demo.adminKey));
    expect(intent.policy.ir_hash).toBe(v3.hash);
  });

  it('an unknown id is a 404; a malformed one a 400', async () => {
    const missing = await t.get('/api/intents/00000000-0000-4000-8000-000000000000', t.demo.decisionKey);
    expect(missing.statusCode).toBe(404);
    expect(json<ErrorJson>(missing).error).toMatchObject({ code: 'not_found', field: 'id' });
    const bad = await t.get(`/api/intents/${encodeURIComponent('a b')}`, t.demo.decisionKey);
    expect(bad.statusCode).toBe(400);
    expect(json<ErrorJson>(bad).error.field).toBe('id');
  });
});
