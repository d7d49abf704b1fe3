// `axiru db copy`: a SQLite installation into an empty PostgreSQL database, table by table,
// row by row, values as stored (the ledger's bytes, the sealed secrets, the wrapped data key),
// so every chain's hashes are identical afterwards and the secrets open under the same key.

import type { TransactionSql } from 'postgres';
import { openSqlite } from '../sqlite/openSqlite.js';
import { migratePostgres } from './migrate.js';
import { openPostgres } from './openPostgres.js';

/** Tables that others reference, copied first (foreign keys are checked row by row). */
const FIRST = ['organisations', 'policy_irs', 'audit_signing_keys', 'webhook_endpoints'];
const ROWS_PER_INSERT = 500;

export class CopyRefused extends Error {}

export interface CopyReport {
  /** Rows copied, by table. */
  readonly tables: Readonly<Record<string, number>>;
  /** Each organisation's chain head on both sides (they must be equal). */
  readonly heads: ReadonlyArray<{ org_id: string; seq: number; hash: string }>;
}

export async function copySqliteToPostgres(sqliteFile: string, url: string): Promise<CopyReport> {
  const source = openSqlite(sqliteFile, { readOnly: true });
  const sql = openPostgres(url, { max: 1 });
  try {
    // Under the migration lock: a server starting on the target meanwhile waits, then finds
    // the copied installation rather than creating a demo.
    const { result } = await migratePostgres(sql, (tx) => copyTables(source, tx));
    return result;
  } finally {
    source.close();
    await sql.end({ timeout: 5 });
  }
}

async function copyTables(source: ReturnType<typeof openSqlite>, tx: TransactionSql): Promise<CopyReport> {
  const targetTables = (await tx.unsafe(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  )).map((row) => String(row['table_name'])).filter((name) => name !== 'schema_migrations');
  for (const table of targetTables) {
    const [row] = await tx.unsafe(`SELECT EXISTS (SELECT 1 FROM "${table}") AS used`);
    if (row?.['used'] === true) throw new CopyRefused(`the target database is not empty (table ${table} has rows); copy into an empty database`);
  }
  const sourceTables = (source.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
  ).pluck().all() as string[]).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const missing = sourceTables.filter((table) => !targetTables.includes(table));
  if (missing.length > 0) {
    throw new CopyRefused(`the target database has no table ${missing.join(', ')}: the SQLite installation is newer than this server's PostgreSQL migrations`);
  }
  const tables: Record<string, number> = {};
  for (const table of sourceTables) {
    const columns = (source.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]);
    const list = columns.map((column) => `"${column}"`).join(', ');
    const withRowid = (source.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'").pluck().get(table) as number) === 0;
    const rows = source.prepare(`SELECT ${list} FROM "${table}"${withRowid ? ' ORDER BY rowid' : ''}`).raw().iterate() as IterableIterator<unknown[]>;
    let batch: unknown[][] = [];
    let count = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const values = batch.map((row, r) => `(${row.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
      await tx.unsafe(`INSERT INTO "${table}" (${list}) VALUES ${values}`, batch.flat() as never[]);
      count += batch.length;
      batch = [];
    };
    for (const row of rows) {
      batch.push(row.map((value) => (typeof value === 'bigint' ? Number(value) : value)));
      if (batch.length >= ROWS_PER_INSERT) await flush();
    }
    await flush();
    tables[table] = count;
  }
  const sourceHeads = source.prepare('SELECT org_id, seq, hash FROM chain_heads ORDER BY org_id').all() as Array<{ org_id: string; seq: number; hash: string }>;
  const targetHeads = await tx.unsafe('SELECT org_id, seq, hash FROM chain_heads ORDER BY org_id');
  if (JSON.stringify(sourceHeads) !== JSON.stringify(targetHeads.map((row) => ({ org_id: row['org_id'], seq: row['seq'], hash: row['hash'] })))) {
    throw new Error('the copied chain heads differ from the source; nothing was committed');
  }
  return { tables, heads: sourceHeads };
}

function rank(table: string): number {
  const index = FIRST.indexOf(table);
  return index < 0 ? FIRST.length : index;
}
