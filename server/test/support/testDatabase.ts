// Which engine the tests of this run use (the vitest project sets AXIRU_TEST_ENGINE), and a
// fresh PostgreSQL database per test app, copied from the run's migrated template.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { PgConnection } from '../../src/storage/postgres/PgConnection.js';
import { openPostgres } from '../../src/storage/postgres/openPostgres.js';
import { withDatabase } from './postgresCluster.js';

export type TestEngine = 'sqlite' | 'postgres';

export const TEST_ENGINE: TestEngine = process.env['AXIRU_TEST_ENGINE'] === 'postgres' ? 'postgres' : 'sqlite';

/** Databases made for data folders, so that reopening a folder reopens its database. */
const byDataDir = new Map<string, string>();

/** A new, migrated, empty database; its URL. */
export async function freshDatabase(): Promise<string> {
  const admin = openPostgres(inject('postgresUrl'), { max: 1 });
  const name = `${inject('postgresPrefix')}${randomBytes(6).toString('hex')}`;
  try {
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
  } finally {
    await admin.end();
  }
  return withDatabase(inject('postgresUrl'), name);
}

/** The database of a data folder on PostgreSQL runs (made on first use); undefined on SQLite runs. */
export async function databaseUrlFor(dataDir: string): Promise<string | undefined> {
  if (TEST_ENGINE !== 'postgres') return undefined;
  let url = byDataDir.get(dataDir);
  if (!url) {
    url = await freshDatabase();
    byDataDir.set(dataDir, url);
  }
  return url;
}

/** One row of a raw query on the app's database, whichever engine (`?` placeholders). */
export async function sqlRow(app: FastifyInstance, sql: string, ...params: unknown[]): Promise<unknown> {
  if (app.postgres) return await new PgConnection(app.postgres.sql, false).prepare(sql).get(...params);
  return app.db!.reader.prepare(sql).get(...params);
}
