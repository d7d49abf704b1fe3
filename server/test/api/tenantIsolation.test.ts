import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SOURCE, createTestApp, json, type DecisionJson, type TestApp, type TestOrg } from '../support/testApp.js';

// Organisation A can never read, infer or change anything of organisation B: every endpoint
// answers B's ids exactly as it answers ids that do not exist.

let t: TestApp;
let a: TestOrg;
let b: TestOrg;
let bIntent: string;
beforeAll(async () => {
  t = await createTestApp();
  a = t.demo;
  b = await t.addOrg('Org B');
  bIntent = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 100, customer_id: 'cus_shared' }, { key: b.decisionKey })).intent_id;
  const v5 = ACME_SOURCE.replace('version 3', 'version 5');
  const published = await t.app.inject({ method: 'POST', url: '/api/policies', headers: { authorization: `Bearer ${b.adminKey}` }, payload: { source: v5 } });
  expect(published.statusCode).toBe(201);
});
afterAll(async () => {
  await t.close();
});

function same(x: { statusCode: number; body: string }, y: { statusCode: number; body: string }) {
  expect(x.statusCode).toBe(y.statusCode);
  expect(x.body).toBe(y.body);
}

describe('tenant isolation', () => {
  it('GET /api/intents/:id: a foreign id answers like a nonexistent one', async () => {
    expect((await t.get(`/api/intents/${bIntent}`, b.decisionKey)).statusCode).toBe(200);
    same(await t.get(`/api/intents/${bIntent}`, a.decisionKey), await t.get('/api/intents/00000000-0000-4000-8000-000000000000', a.decisionKey));
    same(await t.get(`/api/intents/${bIntent}`, a.adminKey), await t.get('/api/intents/00000000-0000-4000-8000-000000000000', a.adminKey));
  });

  it('GET /api/intents never lists or filters into another organisation', async () => {
    const mine = json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/intents?customer_id=cus_shared', a.decisionKey));
    expect(mine.data).toEqual([]);
    const all = json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/intents?limit=200', a.adminKey));
    expect(all.data.map((intent) => intent.intent_id)).not.toContain(bIntent);
  });

  it('a cursor cannot reach into another organisation\'s intents', async () => {
    const page = json<{ data: unknown[] }>(await t.get('/api/intents?cursor=czk5OTk5OTk', a.decisionKey));
    expect(page.data).toEqual([]);
  });

  it('GET /api/policies/:version and activate: a foreign version answers like a nonexistent one', async () => {
    same(await t.get('/api/policies/v5', a.adminKey), await t.get('/api/policies/v77', a.adminKey));
    const activate = (version: string, key: string) =>
      t.app.inject({ method: 'POST', url: `/api/policies/${version}/activate`, headers: { authorization: `Bearer ${key}` } });
    same(await activate('v5', a.adminKey), await activate('v77', a.adminKey));
    expect((await t.app.store.organisations.get(b.id))?.live_policy_version).toBe(3);
    expect((await t.app.store.organisations.get(a.id))?.live_policy_version).toBe(3);
  });

  it('GET /api/policies lists only the organisation\'s own versions', async () => {
    const versions = (key: string) => t.get('/api/policies', key).then((response) =>
      json<{ data: Array<{ policy_version: string }> }>(response).data.map((policy) => policy.policy_version));
    expect(await versions(a.adminKey)).toEqual(['v3']);
    expect(await versions(b.adminKey)).toEqual(['v3', 'v5']);
  });

  it('publishing the same version number in two organisations does not collide', async () => {
    const v5 = ACME_SOURCE.replace('version 3', 'version 5').replace('$150', '$160').replace('$150 require approval', '$160 require approval');
    const response = await t.app.inject({ method: 'POST', url: '/api/policies', headers: { authorization: `Bearer ${a.adminKey}` }, payload: { source: v5 } });
    expect(response.statusCode, response.body).toBe(201);
  });

  it('POST /api/decision uses the caller\'s own policy and facts', async () => {
    const mine = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 100, customer_id: 'cus_shared', reason: 'x' }, { key: a.decisionKey }));
    const intent = json<{ facts: Record<string, number> }>(await t.get(`/api/intents/${mine.intent_id}`, a.decisionKey));
    expect(intent.facts).toEqual({ customer_refunds_last_30_days: 0 });
  });

  it('GET /api/audit/verify covers only the caller\'s chain', async () => {
    const verifyA = json<{ records: number }>(await t.get('/api/audit/verify', a.adminKey));
    const verifyB = json<{ records: number }>(await t.get('/api/audit/verify', b.adminKey));
    expect(verifyA.records).toBe((await t.app.store.ledger.scan(a.id, 0, 10_000)).length);
    expect(verifyB.records).toBe((await t.app.store.ledger.scan(b.id, 0, 10_000)).length);
    expect((await t.app.store.ledger.scan(b.id, 0, 10_000)).every((record) => record.org_id === b.id)).toBe(true);
  });

  it('a key of one organisation never acts for another', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/decision', payload: { org_api_key: b.decisionKey, source: 'support_tool', amount_cents: 100 },
    });
    const decision = json<DecisionJson>(response);
    expect((await t.app.intent(b.id, decision.intent_id))?.org_id).toBe(b.id);
    expect(await t.app.intent(a.id, decision.intent_id)).toBeNull();
  });
});
