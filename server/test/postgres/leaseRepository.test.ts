// The lease contract on PostgreSQL, and one winner among many servers' claims at the same moment.

import { afterAll, describe, it } from 'vitest';
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
});
