import { afterEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/repositories/types.js';
import { outcomeInDoubt, StorageHealth, storageProblem } from '../../src/services/storageHealth.js';
import { createTestApp, json, SEED_REQUEST, type ErrorJson, type TestApp } from '../support/testApp.js';

// Read-only file systems and I/O errors, injected at the storage boundary (Store.transaction
// throws what better-sqlite3 throws: an error with SQLite's code), because this machine cannot
// remount the data folder read-only while the server holds it open or fake EIO without
// device-mapper. A full disk is tested for real in diskFull.test.ts.

class SqliteLikeError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** Makes every write transaction fail with `code` until the returned function is called. */
function failWrites(app: TestApp, code: string, message: string): () => void {
  const store = app.app.store as { transaction: <T>(work: (tx: Repositories) => Promise<T>) => Promise<T> };
  const original = store.transaction.bind(store);
  store.transaction = async () => {
    throw new SqliteLikeError(message, code);
  };
  return () => {
    store.transaction = original;
  };
}

describe('storage errors at the storage boundary', () => {
  it('names the storage problems it knows and nothing else', () => {
    expect(storageProblem(new SqliteLikeError('x', 'SQLITE_FULL'))).toBe('the disk is full (SQLITE_FULL)');
    expect(storageProblem(new SqliteLikeError('x', 'SQLITE_READONLY_DBMOVED'))).toMatch(/^the file system is read-only/);
    expect(storageProblem(new SqliteLikeError('x', 'SQLITE_IOERR_FSYNC'))).toMatch(/^an I\/O error/);
    expect(storageProblem(Object.assign(new Error('x'), { code: 'EIO' }))).toMatch(/I\/O/);
    expect(storageProblem(new SqliteLikeError('x', 'SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(storageProblem(new TypeError('bug'))).toBeNull();
    const health = new StorageHealth(() => new Date(0));
    expect(health.failed(new TypeError('bug'))).toBe(false);
    expect(health.status).toBeNull();
    expect(health.failed(new SqliteLikeError('x', 'SQLITE_FULL'))).toBe(true);
    expect(health.status).toEqual({ reason: 'the disk is full (SQLITE_FULL)', since: '1970-01-01T00:00:00.000Z' });
    health.succeeded();
    expect(health.status).toBeNull();
  });

  it('names a PostgreSQL that went away, and says when a lost COMMIT may have committed', () => {
    const pg = (code: string) => Object.assign(new Error('x'), { code });
    expect(storageProblem(pg('CONNECTION_CLOSED'))).toBe('the database is unreachable (CONNECTION_CLOSED)');
    expect(storageProblem(pg('ECONNREFUSED'))).toBe('the database is unreachable (ECONNREFUSED)');
    expect(storageProblem(pg('57P01'))).toBe('the database is unreachable (57P01)');
    expect(storageProblem(pg('25006'))).toBe('the database is read-only (a standby) (25006)');
    expect(storageProblem(pg('23505'))).toBeNull();
    // The connection broke after the COMMIT may have been sent: the outcome is unknown.
    for (const code of ['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'ECONNRESET', '57P01', '08006']) expect(outcomeInDoubt(pg(code)), code).toBe(true);
    // Never connected, or connected to a standby that refused the write: nothing committed.
    for (const code of ['ECONNREFUSED', 'CONNECT_TIMEOUT', '25006', 'SQLITE_FULL']) expect(outcomeInDoubt(pg(code)), code).toBe(false);
    expect(outcomeInDoubt(new TypeError('bug'))).toBe(false);
  });

  for (const [code, message, reason] of [
    ['SQLITE_READONLY', 'attempt to write a readonly database', /read-only/],
    ['SQLITE_IOERR_WRITE', 'disk I/O error', /I\/O error/],
  ] as const) {
    it(`${code}: decisions and admin writes answer 503 storage_unavailable, /healthz says why, and writes resume`, async () => {
      t = await createTestApp();
      expect((await t.decide(SEED_REQUEST)).statusCode).toBe(200);
      const size = await t.app.store.ledger.size();
      const restore = failWrites(t, code, message);

      const decision = await t.decide(SEED_REQUEST, { headers: { 'idempotency-key': `io-${code}` } });
      expect(decision.statusCode).toBe(503);
      expect(json<ErrorJson>(decision).error.code).toBe('storage_unavailable');
      const admin = await t.app.inject({
        method: 'POST', url: '/api/controls/freezes', headers: { authorization: `Bearer ${t.demo.adminKey}` },
        payload: { stripe_account: 'acct_1', reason: 'test' },
      });
      expect(admin.statusCode).toBe(503);
      expect(json<ErrorJson>(admin).error).toMatchObject({ code: 'storage_unavailable' });
      const sick = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(sick.statusCode).toBe(503);
      expect(json<{ ok: boolean; storage: string; reason: string }>(sick)).toMatchObject({ ok: false, storage: 'unavailable' });
      expect(json<{ reason: string }>(sick).reason).toMatch(reason);
      expect(await t.app.store.ledger.size()).toBe(size);

      restore();
      const retried = await t.decide(SEED_REQUEST, { headers: { 'idempotency-key': `io-${code}` } });
      expect(retried.statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect(await t.app.store.ledger.size()).toBe(size + 1);
    });
  }
});
