import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql, TransactionSql } from 'postgres';
import { MIGRATION_LOCK } from './PgConnection.js';

/** server/migrations/postgres, from both src/storage/postgres and dist/storage/postgres. */
export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/postgres/', import.meta.url));

const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function loadPgMigrations(dir: string = PG_MIGRATIONS_DIR): PgMigration[] {
  return readdirSync(dir)
    .map((name) => ({ name, match: FILE_NAME.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({ version: Number(match[1]), name, sql: readFileSync(join(dir, name), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies every migration not yet applied, in version order, in one transaction that holds
 * the migration advisory lock: several servers starting at once on one database run them
 * once (the others wait for the lock, then find them applied). Forward-only: an applied file
 * is never edited, a change is a new file. `then` runs in the same transaction, under the lock.
 */
export async function migratePostgres<T>(
  sql: Sql, then: (tx: TransactionSql) => Promise<T>, migrations: readonly PgMigration[] = loadPgMigrations(),
): Promise<{ migrated: number[]; result: T }> {
  return await sql.begin(async (tx) => {
    await tx.unsafe('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATION_LOCK]);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const rows = await tx.unsafe('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => Number(row['version'])));
    const migrated: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.unsafe(migration.sql);
      await tx.unsafe('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, new Date().toISOString()]);
      migrated.push(migration.version);
    }
    return { migrated, result: await then(tx) };
  }) as { migrated: number[]; result: T };
}
