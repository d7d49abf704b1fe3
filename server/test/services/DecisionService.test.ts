import { afterEach, describe, expect, it } from 'vitest';
import type { Repositories, Store } from '../../src/repositories/types.js';
import { DecisionService } from '../../src/services/DecisionService.js';
import { PolicyCache } from '../../src/services/PolicyCache.js';
import { ListCache } from '../../src/services/ListCache.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { ApiError } from '../../src/errors.js';
import { normalizeRequest } from '../../src/services/decisionRequest.js';
import { sealDecisions, type PendingDecision } from '../../src/services/sealDecisions.js';
import { tempDir } from '../support/testApp.js';

/** A store whose write transactions wait for `open()`: a batch held "in flight" on demand. */
function gatedStore(inner: SqliteStore): Store & { open(): void; failNext(): void } {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let fail = false;
  const store = Object.create(inner) as Store & { open(): void; failNext(): void };
  Object.assign(store, {
    transaction: async <T>(work: (tx: Repositories) => Promise<T>): Promise<T> => {
      await gate;
      if (fail) {
        fail = false;
        throw new Error('SQLITE_IOERR: disk I/O error');
      }
      return inner.transaction(work);
    },
    open: () => {
      release();
      gate = Promise.resolve();
    },
    failNext: () => {
      fail = true;
    },
  });
  return store;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const dir = tempDir();
  const inner = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
  cleanups.push(dir.remove, () => inner.close());
  const demo = await bootstrap(inner);
  const org = (await inner.organisations.get(demo.orgId!))!;
  const store = gatedStore(inner);
  const keyId = (await inner.apiKeys.list(org.id))[0]!.id;
  const service = new DecisionService(store, new PolicyCache(), { maxBatch: 64 });
  return { inner, store, org, keyId, service };
}

describe('DecisionService', () => {
  it('answers 409 while a request with the same Idempotency-Key is in flight, then replays it', async () => {
    const { store, org, keyId, service } = await setup();
    const body = { source: 'support_tool', amount_cents: 1000 };
    const first = service.decide({ org, keyId, body, idempotencyKey: 'k1' });
    const second = service.decide({ org, keyId, body, idempotencyKey: 'k1' });
    await expect(second).rejects.toMatchObject({ statusCode: 409, code: 'idempotency_in_flight' });
    store.open();
    const done = await first;
    expect(done.statusCode).toBe(200);
    const third = await service.decide({ org, keyId, body, idempotencyKey: 'k1' });
    expect(third).toMatchObject({ replayed: true, body: done.body });
  });

  it('re-checks the key inside the transaction, so a duplicate that passed the early check seals nothing', async () => {
    const { inner, org } = await setup();
    const request = normalizeRequest({ source: 'support_tool', amount_cents: 1000 }, 'usd');
    const item = (intentId: string): PendingDecision => ({
      orgId: org.id, actor: 'api_key:test', intentId, receivedAt: '2026-04-28T00:00:00.000Z', receivedMs: Date.parse('2026-04-28T00:00:00.000Z'),
      request, idempotency: { key: 'k2', requestHash: 'same' },
    });
    const size = await inner.ledger.size();
    const results = await inner.transaction((tx) =>
      sealDecisions(tx, [item('a'), item('b')], new PolicyCache(), { idempotencyTtlMs: 86_400_000, lists: new ListCache() }));
    expect(results[0]?.kind).toBe('sealed');
    expect(results[1]).toMatchObject({ kind: 'replayed', body: (results[0] as { body: string }).body });
    expect(await inner.ledger.size()).toBe(size + 1);
    expect(await inner.ledger.byIntent(org.id, 'b')).toEqual([]);
  });

  it('counts in facts every decision sealed before, even one received later (two batches that took the lock out of order)', async () => {
    const { inner, org } = await setup();
    const sealOne = async (intentId: string, at: string) => {
      const request = normalizeRequest(
        { source: 'support_tool', amount_cents: 1000, customer_id: 'cus_order', customer_tenure_days: 400, reason: 'requested_by_customer' }, 'usd');
      const item: PendingDecision = { orgId: org.id, actor: 'api_key:test', intentId, receivedAt: at, receivedMs: Date.parse(at), request, idempotency: null };
      const [result] = await inner.transaction((tx) =>
        sealDecisions(tx, [item], new PolicyCache(), { idempotencyTtlMs: 86_400_000, lists: new ListCache() }));
      expect(result?.kind).toBe('sealed');
      const record = (await inner.ledger.byIntent(org.id, intentId))[0]!;
      return (JSON.parse(record.body) as { facts: Record<string, number> }).facts['customer_refunds_last_30_days'];
    };
    // Received second, sealed first (on PostgreSQL: another batch, or another server, took the
    // organisation's lock first); then the one received a millisecond earlier.
    expect(await sealOne('later', '2026-04-28T00:00:00.001Z')).toBe(0);
    expect(await sealOne('earlier', '2026-04-28T00:00:00.000Z')).toBe(1);
    expect(await sealOne('third', '2026-04-28T00:00:00.002Z')).toBe(2);
  });

  it('refuses an unsealable request alone, and seals the rest of its batch', async () => {
    const { inner, org } = await setup();
    const item = (intentId: string, note: string): PendingDecision => ({
      orgId: org.id, actor: 'api_key:test', intentId, receivedAt: '2026-04-28T00:00:00.000Z', receivedMs: Date.parse('2026-04-28T00:00:00.000Z'),
      request: { ...normalizeRequest({ source: 'support_tool', amount_cents: 1000 }, 'usd'), metadata: { note } }, idempotency: null,
    });
    const results = await inner.transaction((tx) =>
      sealDecisions(tx, [item('bad', 'x\ud800'), item('good', 'fine')], new PolicyCache(), { idempotencyTtlMs: 86_400_000, lists: new ListCache() }));
    expect(results.map((result) => result.kind)).toEqual(['rejected', 'sealed']);
    // Sealing writes the record only (the intents view is a projection of it).
    expect(await inner.ledger.byIntent(org.id, 'bad')).toEqual([]);
    expect((await inner.ledger.byIntent(org.id, 'good')).map((record) => record.kind)).toEqual(['decision']);
  });

  it('answers 503 and seals nothing when the batch cannot be committed', async () => {
    const { inner, store, org, keyId, service } = await setup();
    const size = await inner.ledger.size();
    store.failNext();
    store.open();
    const error = await service.decide({ org, keyId, body: { source: 'support_tool', amount_cents: 1000 }, idempotencyKey: 'k3' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 503, code: 'storage_unavailable' });
    expect(await inner.ledger.size()).toBe(size);
    // The key was not consumed: the retry is sealed normally.
    expect((await service.decide({ org, keyId, body: { source: 'support_tool', amount_cents: 1000 }, idempotencyKey: 'k3' })).statusCode).toBe(200);
  });
});
