import Database from 'better-sqlite3';

export type SqliteConnection = Database.Database;

export interface OpenOptions {
  /** Milliseconds a connection waits for another connection's write lock. */
  readonly busyTimeoutMs?: number;
  /** A connection that only reads (it never takes the write lock). */
  readonly readOnly?: boolean;
}

/**
 * Opens one connection with the pragmas every Axiru connection needs. Durability comes from
 * WAL + synchronous=FULL: a commit returns only after the WAL is fsynced. Automatic
 * checkpoints are off because they would run inline in whichever commit crosses the
 * threshold (the p99 outlier); the Checkpointer runs them on its own thread instead.
 */
export function openSqlite(file: string, options: OpenOptions = {}): SqliteConnection {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`cannot enable WAL on ${file} (journal_mode is ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 0');
    // After a burst the WAL is cut back to this size once checkpointed and restarted; below it,
    // the file is reused in place, so commits overwrite allocated space (a cheaper fsync).
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    if (options.readOnly) db.pragma('query_only = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
