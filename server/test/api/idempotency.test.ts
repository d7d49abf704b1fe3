import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp } from '../support/testApp.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const body = { source: 'support_tool', amount_cents: 22000, customer_tenure_days: 9, reason: 'duplicate_charge', stripe_charge_id: 'ch_idem' };

async function decisionRecordsFor(intentIds: readonly string[]): Promise<number> {
  let count = 0;
  for (const id of new Set(intentIds)) count += (await t.app.store.ledger.byIntent(t.demo.id, id)).length;
  return count;
}

describe('Idempotency-Key', () => {
  it('returns the first response byte for byte for the same key and body, and seals nothing new', async () => {
    const headers = { 'idempotency-key': 'refund-001' };
    const first = await t.decide(body, { headers });
    expect(first.statusCode).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const size = await t.app.store.ledger.size();
    const again = await t.decide(body, { headers });
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(again.headers['idempotent-replayed']).toBe('true');
    // Same body written differently (key order, key in the body instead of the header) is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const third = await t.app.inject({
      method: 'POST', url: '/api/decision', headers, payload: { ...reordered, org_api_key: t.demo.decisionKey },
    });
    expect(third.body).toBe(first.body);
    expect(await t.app.store.ledger.size()).toBe(size);
  });

  it('answers 422 for the same key with a different body', async () => {
    const headers = { 'idempotency-key': 'refund-002' };
    expect((await t.decide(body, { headers })).statusCode).toBe(200);
    const size = await t.app.store.ledger.size();
    const response = await t.decide({ ...body, amount_cents: 22001 }, { headers });
    expect(response.statusCode).toBe(422);
    expect(json<ErrorJson>(response).error).toMatchObject({ code: 'idempotency_key_reused', field: 'idempotency-key' });
    expect(await t.app.store.ledger.size()).toBe(size);
  });

  it('concurrent duplicates seal exactly one record; the others get 409 or the same response', async () => {
    const headers = { 'idempotency-key': 'refund-concurrent' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.decide(body, { headers })));
    const ok = responses.filter((response) => response.statusCode === 200);
    const conflicts = responses.filter((response) => response.statusCode === 409);
    expect(ok.length + conflicts.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((response) => response.body)).size).toBe(1);
    for (const conflict of conflicts) expect(json<ErrorJson>(conflict).error.code).toBe('idempotency_in_flight');
    const intentId = json<DecisionJson>(ok[0]!).intent_id;
    expect(await decisionRecordsFor([intentId])).toBe(1);
    // The intents view is a projection that may lag the answer by a few milliseconds.
    await t.app.projections.catchUp();
    const rows = await t.app.store.intents.list(t.demo.id, { stripe_account: undefined }, 1000);
    expect(rows.filter((row) => row.id === intentId)).toHaveLength(1);
    // After the first completed, a retry replays it.
    const retry = await t.decide(body, { headers });
    expect(retry.body).toBe(ok[0]!.body);
  });

  it('keeps concurrent requests with different keys apart', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      t.decide(body, { headers: { 'idempotency-key': `parallel-${i}` } })));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => json<DecisionJson>(response).intent_id)).size).toBe(10);
  });

  it('scopes keys to the organisation', async () => {
    const other = await t.addOrg('Idempotency B');
    const headers = { 'idempotency-key': 'shared-key' };
    const mine = await t.decide(body, { headers });
    const theirs = await t.decide({ ...body, amount_cents: 5 }, { key: other.decisionKey, headers });
    expect(mine.statusCode).toBe(200);
    expect(theirs.statusCode).toBe(200);
    expect(json<DecisionJson>(theirs).intent_id).not.toBe(json<DecisionJson>(mine).intent_id);
  });

  it('forgets a key after 24 hours', async () => {
    const headers = { 'idempotency-key': 'refund-expiring' };
    const first = await t.decide(body, { headers });
    t.now = new Date(t.now.getTime() + 24 * 3_600_000 + 1);
    const later = await t.decide({ ...body, amount_cents: 100 }, { headers });
    expect(later.statusCode).toBe(200);
    expect(json<DecisionJson>(later).intent_id).not.toBe(json<DecisionJson>(first).intent_id);
    // And the new response is what the key replays from now on.
    expect((await t.decide({ ...body, amount_cents: 100 }, { headers })).body).toBe(later.body);
  });

  it('purges keys older than 24 hours from storage', async () => {
    const headers = { 'idempotency-key': 'refund-purged' };
    await t.decide(body, { headers });
    expect(await t.app.store.idempotency.get(t.demo.id, 'refund-purged')).not.toBeNull();
    const purged = await t.app.store.transaction((tx) => tx.idempotency.purge(t.now.getTime() + 1));
    expect(purged).toBeGreaterThan(0);
    expect(await t.app.store.idempotency.get(t.demo.id, 'refund-purged')).toBeNull();
  });

  it('does not store failed requests under the key', async () => {
    const headers = { 'idempotency-key': 'refund-bad-source' };
    expect((await t.decide({ ...body, source: 'nope' }, { headers })).statusCode).toBe(400);
    expect((await t.decide(body, { headers })).statusCode).toBe(200);
  });
});
