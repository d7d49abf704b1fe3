import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { databaseFile } from '../../../src/storage/sqlite/SqliteDatabase.js';
import type { ServerProcess } from '../../support/serverProcess.js';

/** node flags that let a test ask the server process for a full GC (see gcOnSignal.cjs). */
export const GC_NODE_ARGS = ['--expose-gc', '--require', fileURLToPath(new URL('./gcOnSignal.cjs', import.meta.url))];

export interface MemorySample {
  /** Resident set size from /proc/<pid>/status, in bytes. */
  readonly rss: number;
  /** V8 heap in use after the GC, in bytes. */
  readonly heapUsed: number;
}

/** Full GC in the child (SIGUSR2), then its RSS as the kernel reports it and its heap in use. */
export function memoryAfterGc(server: ServerProcess): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const match = /axiru-test-memory (\{.*\})\n/.exec(text);
      if (!match?.[1]) return;
      server.child.stderr?.off('data', onData);
      const usage = JSON.parse(match[1]) as { heapUsed: number };
      const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
      if (!Number.isFinite(kb)) reject(new Error('no VmRSS in /proc status'));
      resolve({ rss: kb * 1024, heapUsed: usage.heapUsed });
    };
    server.child.stderr?.on('data', onData);
    server.child.kill('SIGUSR2');
  });
}

export interface LedgerSnapshot {
  readonly records: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly intents: number;
  /** Largest ledger rowid, so later records can be listed. */
  readonly lastRowid: number;
}

/** Counts from the data folder's database, read-only beside the running server (WAL readers). */
export function ledgerSnapshot(dataDir: string): LedgerSnapshot {
  const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    const byKind: Record<string, number> = {};
    for (const row of db.prepare('SELECT kind, COUNT(*) AS n FROM ledger GROUP BY kind').all() as Array<{ kind: string; n: number }>) byKind[row.kind] = row.n;
    return {
      records: Number(db.prepare('SELECT COUNT(*) FROM ledger').pluck().get()),
      byKind,
      intents: Number(db.prepare('SELECT COUNT(*) FROM intents').pluck().get()),
      lastRowid: Number(db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM ledger').pluck().get()),
    };
  } finally {
    db.close();
  }
}

/** Ledger records written after `rowid`: their kind and intent. */
export function recordsSince(dataDir: string, rowid: number): Array<{ kind: string; intent_id: string | null }> {
  const db = new Database(databaseFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT kind, intent_id FROM ledger WHERE rowid > ? ORDER BY rowid').all(rowid) as Array<{ kind: string; intent_id: string | null }>;
  } finally {
    db.close();
  }
}
