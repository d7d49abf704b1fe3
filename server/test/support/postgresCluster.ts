// The tests' PostgreSQL: a throwaway cluster (server/src/storage/postgres/throwawayCluster.ts),
// or, with AXIRU_TEST_DATABASE_URL set, an existing server (its user must be allowed to
// CREATE DATABASE).

import { startCluster, type PostgresCluster } from '../../src/storage/postgres/throwawayCluster.js';

export * from '../../src/storage/postgres/throwawayCluster.js';

export const EXISTING_SERVER_ENV = 'AXIRU_TEST_DATABASE_URL';

/** The configured server, or a throwaway cluster. */
export async function testCluster(): Promise<PostgresCluster> {
  const existing = process.env[EXISTING_SERVER_ENV];
  if (existing) return { url: existing, port: Number(new URL(existing).port || 5432), dataDir: null, stop: async () => undefined };
  return startCluster();
}
