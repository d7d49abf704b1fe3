// The lease contract on PostgreSQL, one winner among many servers' claims at the same moment,
// and a running replay left alone by other servers while its server's lease runs.

import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/services/bootstrap.js';
import { Leases } from '../../src/services/leases.js';
import { ReplayService } from '../../src/services/ReplayService.js';
import { PostgresStore } from '../../src/storage/postgres/PostgresStore.js';
import { checkLeaseContract, checkOneWinner } from '../support/leaseContract.js';
import { tempDir } from '../support/testApp.js';
import { freshDatabase } from '../support/testDatabase.js';

const stores: PostgresStore[] = [];
const dir = tempDir();
afterAll(async () => {
  for (const store of stores) await store.close();
  dir.remove();
});

async function open(url: string): Promise<PostgresStore> {
  const store = await PostgresStore.open({ url, dataDir: dir.path, env: { AXIRU_SECRETS_KEY: 'lease contract passphrase' } });
  stores.push(store);
  return store;
}

describe('leases on PostgreSQL', () => {
  it('take, renew, run out, are taken over and given back', async () => {
    await checkLeaseContract(await open(await freshDatabase()));
  });

  it('go to one holder when several claim at once, over several pools', async () => {
    const url = await freshDatabase();
    const pools = [await open(url), await open(url), await open(url)];
    for (let round = 0; round < 10; round += 1) await checkOneWinner(pools, 9, `org_race_${round}`);
  });

  it('a replay running on a live server is not marked interrupted by another; once its lease ran out it is', async () => {
    const store = await open(await freshDatabase());
    const { orgId } = await bootstrap(store);
    let now = Date.now();
    const runner = new Leases(store, { leaseMs: 10_000, holder: 'srv_runner', now: () => now });
    const other = new ReplayService(store, {
      dataDir: dir.path, clock: () => new Date(now), leases: new Leases(store, { leaseMs: 10_000, holder: 'srv_other', now: () => now }),
    });
    const id = other.newId();
    expect(await runner.claim('replay', id)).toBe(true);
    await store.transaction((tx) => tx.replays.create({
      id, org_id: orgId!, origin: 'upload', status: 'running', created_at: new Date(now).toISOString(), created_ms: now, created_by: 'test',
      delete_after: new Date(now + 1000).toISOString(), delete_after_ms: now + 1000, deleted_at: null, policy_version: 1,
      file_name: 'history.csv', format: null, file_bytes: 10, rows: 0, report: null, error_code: null, error_message: null, finished_at: null,
    }));
    expect(await other.failInterrupted()).toBe(0);
    expect((await store.replays.get(orgId!, id))?.status).toBe('running');
    now += 10_000;
    expect(await other.failInterrupted()).toBe(1);
    expect(await store.replays.get(orgId!, id)).toMatchObject({ status: 'failed', error_code: 'interrupted' });
  });
});
