import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, del, post } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

// The lists API: admin-only changes, each sealed as a `list` record; decisions read the lists
// in O(1) and seal the version of each one they read; audit replay is exact after a change;
// a policy naming a list the organisation lacks is refused when published or activated.

let t: TestApp;
let org: TestOrg;

const POLICY = (version: number, lists = 'vip_customers, merchants_under_review') => `policy "lists" version ${version}
roles support_lead < finance_manager
sources support_tool, ai_agent
lists ${lists}

rule merchant_review:
  block refunds when merchant in list merchants_under_review
  because "Merchant is under review"

rule big:
  refunds over $100 require finance_manager unless customer in list vip_customers
`;

function put(url: string, key: string, payload: unknown) {
  return t.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${key}` }, payload: payload as Record<string, unknown> });
}

interface Change { list: { name: string; version: number; size: number }; changed: boolean; added: string[]; removed: string[]; record: { seq: number; kind: string } | null }

beforeAll(async () => {
  t = await createTestApp();
  org = await t.addOrg('Lists org');
});
afterAll(async () => {
  await t.close();
});

describe('lists API', () => {
  it('is for admins only', async () => {
    for (const key of [org.decisionKey, (await addUser(t, ['finance_manager'], { adminKey: org.adminKey })).key]) {
      expect((await t.get('/api/lists', key)).statusCode).toBe(403);
      expect((await put('/api/lists/vip', key, { values: ['a'] })).statusCode).toBe(403);
      expect((await post(t, '/api/lists/vip/values', key, { values: ['a'] })).statusCode).toBe(403);
      expect((await del(t, '/api/lists/vip/values/a', key)).statusCode).toBe(403);
    }
    const admin = await addUser(t, ['admin'], { adminKey: org.adminKey });
    expect((await t.get('/api/lists', admin.key)).statusCode).toBe(200);
  });

  it('replaces, adds and removes values, sealing each change with its actor, values and version', async () => {
    const created = json<Change>(await put('/api/lists/trainees', org.adminKey, { values: ['bob', 'ann', 'bob'] }));
    expect(created).toMatchObject({ list: { name: 'trainees', version: 1, size: 2 }, changed: true, added: ['ann', 'bob'], removed: [], record: { kind: 'list' } });
    const added = json<Change>(await post(t, '/api/lists/trainees/values', org.adminKey, { values: ['cy', 'ann'] }));
    expect(added).toMatchObject({ list: { version: 2, size: 3 }, added: ['cy'], removed: [] });
    const replaced = json<Change>(await put('/api/lists/trainees', org.adminKey, { values: ['cy', 'dee'] }));
    expect(replaced).toMatchObject({ list: { version: 3, size: 2 }, added: ['dee'], removed: ['ann', 'bob'] });
    const removed = json<Change>(await del(t, '/api/lists/trainees/values/cy', org.adminKey));
    expect(removed).toMatchObject({ list: { version: 4, size: 1 }, added: [], removed: ['cy'] });
    // Nothing to change: no record, same version.
    const same = json<Change>(await post(t, '/api/lists/trainees/values', org.adminKey, { values: ['dee'] }));
    expect(same).toMatchObject({ list: { version: 4 }, changed: false, record: null });

    const got = json<{ list: { version: number; size: number }; values: string[]; history: Array<{ version: number; action: string; actor: string; added: string[]; removed: string[]; seq: number }> }>(
      await t.get('/api/lists/trainees', org.adminKey));
    expect(got.values).toEqual(['dee']);
    expect(got.history.map((change) => [change.version, change.action, change.added, change.removed])).toEqual([
      [4, 'remove', [], ['cy']], [3, 'set', ['dee'], ['ann', 'bob']], [2, 'add', ['cy'], []], [1, 'set', ['ann', 'bob'], []],
    ]);
    expect(got.history[0]!.actor).toMatch(/^api_key:/);
    // The records are in the chain, which still verifies.
    const record = await t.app.store.ledger.scan(org.id, got.history[0]!.seq - 1, 1);
    expect(record[0]).toMatchObject({ kind: 'list', actor: got.history[0]!.actor });
    expect(JSON.parse(record[0]!.body)).toEqual({ list: 'trainees', action: 'remove', version: 4, added: [], removed: ['cy'], size: 1 });
    expect(json<{ ok: boolean }>(await t.get('/api/audit/verify', org.adminKey)).ok).toBe(true);

    const all = json<{ lists: Array<{ name: string; version: number; size: number }> }>(await t.get('/api/lists', org.adminKey));
    expect(all.lists).toContainEqual(expect.objectContaining({ name: 'trainees', version: 4, size: 1 }));
  });

  it('answers bad input with a 400 naming the field, and unknown lists or values with 404', async () => {
    const cases: Array<[unknown, string | null]> = [
      [{}, 'values'],
      [{ values: 'ann' }, 'values'],
      [{ values: ['ann', 7] }, 'values.1'],
      [{ values: [''] }, 'values.0'],
      [{ values: ['a\u0001b'] }, 'values.0'],
      [{ values: ['x'.repeat(257)] }, 'values.0'],
      [{ values: [], extra: true }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const response = await put('/api/lists/bad', org.adminKey, payload);
      expect(response.statusCode, response.body).toBe(400);
      expect(json<ErrorJson>(response).error.field, response.body).toBe(field);
    }
    const badName = await put('/api/lists/1st', org.adminKey, { values: [] });
    expect(badName.statusCode).toBe(400);
    expect(json<ErrorJson>(badName).error.field).toBe('name');
    expect((await t.get('/api/lists/nothing_here', org.adminKey)).statusCode).toBe(404);
    expect((await del(t, '/api/lists/nothing_here/values/a', org.adminKey)).statusCode).toBe(404);
    await put('/api/lists/one', org.adminKey, { values: ['a'] });
    const missing = await del(t, '/api/lists/one/values/b', org.adminKey);
    expect(missing.statusCode).toBe(404);
    expect(json<ErrorJson>(missing).error.field).toBe('value');
    // Nothing was written for any refused request.
    expect(json<{ lists: Array<{ name: string }> }>(await t.get('/api/lists', org.adminKey)).lists.map((l) => l.name)).not.toContain('bad');
  });

  it('holds up to 100,000 values and refuses more', async () => {
    const values = Array.from({ length: 100_000 }, (_, i) => `cus_${i}`);
    const full = await put('/api/lists/big', org.adminKey, { values });
    expect(full.statusCode, full.body.slice(0, 300)).toBe(200);
    expect(json<Change>(full).list.size).toBe(100_000);
    const over = await post(t, '/api/lists/big/values', org.adminKey, { values: ['one_more'] });
    expect(over.statusCode).toBe(422);
    expect(json<ErrorJson>(over).error).toMatchObject({ code: 'list_too_large', field: 'values' });
    const tooMany = await put('/api/lists/big2', org.adminKey, { values: [...values, 'x'] });
    expect(tooMany.statusCode).toBe(400);
    expect(json<ErrorJson>(tooMany).error.field).toBe('values');
  });
});

describe('policies and decisions reading lists', () => {
  it('refuses to publish or activate a policy naming a list the organisation lacks, naming the list', async () => {
    const refused = await post(t, '/api/policies', org.adminKey, { source: POLICY(10) });
    expect(refused.statusCode).toBe(422);
    const error = json<ErrorJson>(refused).error;
    expect(error.code).toBe('unknown_list');
    expect(error.message).toContain('"vip_customers"');
    expect(error.message).toContain('"merchants_under_review"');
  });

  it('decides on list membership, seals the versions read, and replays exactly after the list changed', async () => {
    await put('/api/lists/vip_customers', org.adminKey, { values: ['cus_vip'] });
    await put('/api/lists/merchants_under_review', org.adminKey, { values: [] });
    const published = await post(t, '/api/policies', org.adminKey, { source: POLICY(11) });
    expect(published.statusCode, published.body).toBe(201);
    expect((await post(t, '/api/policies/v11/activate', org.adminKey)).statusCode).toBe(200);

    const decide = async (body: Record<string, unknown>) => {
      const response = await t.decide({ source: 'support_tool', amount_cents: 20_000, ...body }, { key: org.decisionKey });
      expect(response.statusCode, response.body).toBe(200);
      return json<DecisionJson>(response);
    };
    const vip = await decide({ customer_id: 'cus_vip' });
    expect(vip.decision.outcome).toBe('allow');
    const plain = await decide({ customer_id: 'cus_plain' });
    expect(plain.decision.outcome).toBe('pending_approval');

    const sealed = (await t.app.store.ledger.byIntent(org.id, vip.intent_id))[0]!;
    expect(JSON.parse(sealed.body).list_versions).toEqual({ merchants_under_review: 1, vip_customers: 1 });
    const detail = json<{ list_versions?: Record<string, number> }>(await t.get(`/api/intents/${vip.intent_id}`, org.adminKey));
    expect(detail.list_versions).toEqual({ merchants_under_review: 1, vip_customers: 1 });

    // The VIP leaves the list and a merchant goes under review: new decisions see it at once.
    await del(t, '/api/lists/vip_customers/values/cus_vip', org.adminKey);
    await post(t, '/api/lists/merchants_under_review/values', org.adminKey, { values: ['acct_1'] });
    expect((await decide({ customer_id: 'cus_vip' })).decision.outcome).toBe('pending_approval');
    const frozen = await decide({ customer_id: 'cus_vip', stripe_account: 'acct_1' });
    expect(frozen.decision).toMatchObject({ outcome: 'block', matched_rule: 'merchant_review' });

    // The first decision replays with the lists as they were when it was sealed.
    const replay = json<{ identical: boolean; replayed: { outcome: string } }>(await t.get(`/api/intents/${vip.intent_id}/replay`, org.adminKey));
    expect(replay).toMatchObject({ identical: true, replayed: { outcome: 'allow' } });
    const replayFrozen = json<{ identical: boolean }>(await t.get(`/api/intents/${frozen.intent_id}/replay`, org.adminKey));
    expect(replayFrozen.identical).toBe(true);

    // An impact preview sees each past refund's lists as its decision read them, as replay does:
    // `big` matched the three refunds decided without the VIP exemption, not the VIP's first one
    // (with the lists as they are now it would count four).
    const preview = await post(t, '/api/policies/impact', org.adminKey, { source: POLICY(12) });
    expect(preview.statusCode, preview.body).toBe(200);
    const impact = json<{ evaluated: number; changed: number; rules: { name: string; matched: number; decided: number }[] }>(preview);
    expect(impact).toMatchObject({ evaluated: 4, changed: 0 });
    expect(impact.rules).toEqual([
      { name: 'merchant_review', matched: 1, decided: 1 },
      { name: 'big', matched: 3, decided: 2 },
    ]);
  });

  it("checks each organisation's own lists and names only the missing ones", async () => {
    const other = await t.addOrg('Own lists');
    await put('/api/lists/vip_customers', other.adminKey, { values: [] });
    await put('/api/lists/merchants_under_review', other.adminKey, { values: [] });
    const refused = await post(t, '/api/policies', other.adminKey, { source: POLICY(12, 'vip_customers, merchants_under_review, trainees_x') });
    expect(refused.statusCode).toBe(422);
    expect(json<ErrorJson>(refused).error).toMatchObject({ code: 'unknown_list', lists: ['trainees_x'] });
    const ok = await post(t, '/api/policies', other.adminKey, { source: POLICY(12) });
    expect(ok.statusCode, ok.body).toBe(201);
  });
});
