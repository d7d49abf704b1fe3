// What every engine's leases must do (LeaseRepository through services/leases.ts), run on
// SQLite in server/test/services/leases.test.ts and on PostgreSQL in test/postgres.

import { expect } from 'vitest';
import type { Store } from '../../src/repositories/types.js';
import { Leases } from '../../src/services/leases.js';

export async function checkLeaseContract(store: Store): Promise<void> {
  let now = 1_000_000;
  const takeovers: string[] = [];
  const make = (holder: string) => new Leases(store, { leaseMs: 5_000, holder, now: () => now, onTakeover: (job) => takeovers.push(`${holder}:${job}`) });
  const a = make('srv_a');
  const b = make('srv_b');

  expect(await a.claim('export', 'sink_1')).toBe(true);
  expect(await b.claim('export', 'sink_1')).toBe(false);
  // Renewing is claiming again; other keys and jobs are independent.
  now += 4_000;
  expect(await a.claim('export', 'sink_1')).toBe(true);
  expect(await b.claim('export', 'sink_2')).toBe(true);
  expect(await b.claim('checkpoint', 'sink_1')).toBe(true);
  expect(a.heldCount('export')).toBe(1);
  expect(b.heldCount('export')).toBe(1);
  expect([...await a.live('export')]).toEqual(['sink_1', 'sink_2']);
  // Still within the renewed lease.
  now += 4_999;
  expect(await b.claim('export', 'sink_1')).toBe(false);
  expect(takeovers).toEqual([]);
  // Ran out: taken over, and counted as such.
  now += 1;
  expect(await b.claim('export', 'sink_1')).toBe(true);
  expect(takeovers).toEqual(['srv_b:export']);
  expect(await a.claim('export', 'sink_1')).toBe(false);
  expect(a.heldCount('export')).toBe(0);
  // Given back: another takes it at once, and that is no takeover.
  await b.release('export', 'sink_1');
  expect(await a.claim('export', 'sink_1')).toBe(true);
  expect(takeovers).toEqual(['srv_b:export']);
  // Only the holder gives a lease back.
  await b.release('export', 'sink_1');
  expect(await b.claim('export', 'sink_1')).toBe(false);

  // withLease: runs the work only under the lease, and gives it back after.
  expect(await b.withLease('replay_retention', 'all', async () => 'swept')).toBe('swept');
  expect(await a.claim('replay_retention', 'all')).toBe(true);
  expect(await b.withLease('replay_retention', 'all', async () => 'swept')).toBeNull();
}

/** Many claims of one lease at once from several holders (spread over `stores`): exactly one gets it. */
export async function checkOneWinner(stores: readonly Store[], holders: number, key: string): Promise<void> {
  const now = Date.now();
  const leases = Array.from({ length: holders }, (_, i) => new Leases(stores[i % stores.length]!, { leaseMs: 60_000, holder: `srv_${i}`, now: () => now }));
  const won = await Promise.all(leases.map((lease) => lease.claim('checkpoint', key)));
  expect(won.filter(Boolean)).toHaveLength(1);
}
