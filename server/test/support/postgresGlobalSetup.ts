// vitest globalSetup of the `postgres` project: one PostgreSQL cluster for the whole run
// (a throwaway one, or AXIRU_TEST_DATABASE_URL's server), with a template database that has
// every migration applied; each test app gets its own database copied from it (testDatabase.ts).

import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../src/storage/postgres/openPostgres.js';
import { migratePostgres } from '../../src/storage/postgres/migrate.js';
import { testCluster, withDatabase } from './postgresCluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's admin URL (database `postgres`). */
    postgresUrl: string;
    /** The migrated template database that test databases are copied from. */
    postgresTemplate: string;
    /** The prefix of this run's test databases (dropped at the end). */
    postgresPrefix: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await testCluster();
  const prefix = `axiru_t${randomBytes(4).toString('hex')}_`;
  const template = `${prefix}template`;
  const admin = openPostgres(cluster.url, { max: 1 });
  try {
    await admin.unsafe(`CREATE DATABASE ${template} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    const db = openPostgres(withDatabase(cluster.url, template), { max: 1 });
    try {
      await migratePostgres(db, async () => undefined);
    } finally {
      await db.end();
    }
  } catch (error) {
    await admin.end();
    await cluster.stop();
    throw error;
  }
  project.provide('postgresUrl', cluster.url);
  project.provide('postgresTemplate', template);
  project.provide('postgresPrefix', prefix);
  return async () => {
    try {
      // An existing server keeps no test databases; a throwaway cluster goes entirely.
      if (cluster.dataDir === null) {
        const names = await admin.unsafe('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
        for (const { datname } of names) await admin.unsafe(`DROP DATABASE IF EXISTS ${String(datname)} WITH (FORCE)`);
      }
    } finally {
      await admin.end();
      await cluster.stop();
    }
  };
}
