import Database from 'better-sqlite3';

export type SqliteConnection = Database.Database;

export interface OpenOptions {
  /** Milliseconds a connection waits for another connection's write lock. */
  readonly busyTimeoutMs?: number;
  /** A connection that only reads (it never takes the write lock). */
  readonly readOnly?: boolean;
  /**
   * NORMAL for a writer whose commits are fsynced by DurableCommits (SqliteStore), which makes
   * them exactly as durable as FULL without blocking the event loop; FULL otherwise.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

const CACHE_KIB = 64 * 1024;
const MMAP_BYTES = 256 * 1024 * 1024;

/**
 * Opens one connection with the pragmas every Axiru connection needs. Durability comes from
 * WAL + an fsync of the WAL after each commit: synchronous=FULL, or NORMAL plus DurableCommits. Automatic
 * checkpoints are off because they would run inline in whichever commit crosses the
 * threshold (the p99 outlier); the Checkpointer runs them on its own thread instead.
 */
export function openSqlite(file: string, options: OpenOptions = {}): SqliteConnection {
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`cannot enable WAL on ${file} (journal_mode is ${String(mode)})`);
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('wal_autocheckpoint = 0');
    // After a burst the WAL is cut back to this size once checkpointed and restarted; below it,
    // the file is reused in place, so commits overwrite allocated space (a cheaper fsync).
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    // The default 2 MB page cache is smaller than the decision path's working set (the fact
    // indexes, the chain head, the intents and ledger tails), so lookups kept going to the OS.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    // Pages already checkpointed into the database file are read through the mapping, without
    // a system call; a reader's cache is discarded whenever another connection commits.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    if (options.readOnly) db.pragma('query_only = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
