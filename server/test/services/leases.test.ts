// Leases on SQLite: the one process gets every lease, and the code is the same as on PostgreSQL
// (test/postgres/leaseRepository.test.ts runs the same contract there).

import { afterEach, describe, expect, it } from 'vitest';
import { leaseMsFromEnv } from '../../src/services/leases.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { checkLeaseContract, checkOneWinner } from '../support/leaseContract.js';
import { tempDir } from '../support/testApp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(): SqliteStore {
  const dir = tempDir();
  const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
  cleanups.push(dir.remove, () => store.close());
  return store;
}

describe('leases on SQLite', () => {
  it('take, renew, run out, are taken over and given back', async () => {
    await checkLeaseContract(open());
  });

  it('go to one holder when several claim at once', async () => {
    await checkOneWinner([open()], 5, 'org_race');
  });

  it('AXIRU_LEASE_MS: 60 s by default; whole milliseconds from 100 to 3 600 000, else a clear error', () => {
    expect(leaseMsFromEnv(undefined)).toBe(60_000);
    expect(leaseMsFromEnv('2500')).toBe(2_500);
    for (const bad of ['99', '3600001', '1.5', 'soon', '-5']) {
      expect(() => leaseMsFromEnv(bad)).toThrow(`AXIRU_LEASE_MS must be a whole number of milliseconds from 100 to 3600000; got ${JSON.stringify(bad)}`);
    }
  });
});
