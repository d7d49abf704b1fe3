import { fsync, openSync, closeSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type { SqliteConnection } from './openSqlite.js';

// Durability without blocking the event loop, and visibility only once durable.
//
// In WAL mode, synchronous=FULL differs from synchronous=NORMAL by exactly one thing: an fsync
// of the WAL file after every commit (https://sqlite.org/pragma.html#pragma_synchronous). The
// writer runs with NORMAL and this class performs that fsync itself, on libuv's thread pool, so
// the event loop keeps parsing and sealing requests while the disk flushes. A transaction's
// caller is answered only after the fsync that followed its COMMIT, so every acknowledged
// write is as durable as under FULL; the WAL is a log, and recovery keeps its longest valid
// prefix, so a later commit can never survive a crash that an earlier one did not.
//
// The fsync must also come before anyone can *see* a commit: otherwise a reader could act on a
// decision or an approval that a crash then takes back. So the reader connection always sits in
// a read transaction, whose snapshot is moved forward only after an fsync, and the next COMMIT
// waits for the fsync before it (the following transaction does its work meanwhile). When the
// snapshot moves, no commit has happened since the fsync began, so what becomes visible is
// exactly what is durable. Commits by other processes (the CLI, themselves durable when they
// return) become visible at the next refresh(): each request calls it, and a timer every
// `refreshMs` for background work.

export class DurableCommits {
  private walFd: number | null = null;
  /** The fsync (and snapshot move) after the latest commit; settled when nothing waits. */
  private flushing: Promise<void> = Promise.resolve();
  /** Commits whose fsync has not completed yet. */
  private unsynced = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly firstRead: Statement;
  private closed = false;

  constructor(
    private readonly walFile: string,
    private readonly reader: SqliteConnection,
    refreshMs = 50,
  ) {
    this.firstRead = reader.prepare('SELECT 1 FROM sqlite_schema LIMIT 1');
    this.pinSnapshot();
    this.timer = setInterval(() => this.refresh(), refreshMs);
    this.timer.unref();
  }

  /** Resolves once every commit made so far is durable (the next COMMIT waits for this). */
  settled(): Promise<void> {
    return this.flushing;
  }

  /** Called right after a COMMIT: starts its fsync; resolves once it is durable and visible. */
  committed(): Promise<void> {
    this.unsynced += 1;
    const flushed = this.flushWal().then(() => {
      this.unsynced -= 1;
      if (this.unsynced === 0) this.pinSnapshot();
    }, (error: unknown) => {
      this.unsynced -= 1;
      throw error;
    });
    this.flushing = flushed.catch(() => undefined);
    return flushed;
  }

  /** Moves the reader's snapshot to the latest commit, unless one of ours is not durable yet. */
  refresh(): void {
    if (this.unsynced === 0) this.pinSnapshot();
  }

  /**
   * Like refresh(), but when one of our commits is being flushed, first waits for that flush
   * (once: under continuous writes the snapshot is then at most one commit behind).
   */
  refreshAfterFlush(): Promise<void> | null {
    if (this.unsynced === 0) {
      this.pinSnapshot();
      return null;
    }
    return this.flushing.then(() => this.refresh());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.reader.inTransaction) this.reader.exec('COMMIT');
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }

  private flushWal(): Promise<void> {
    // Opened lazily: the -wal file exists from the first write on, and stays while the writer
    // connection is open (fsync flushes the file, whichever descriptor names it).
    this.walFd ??= openSync(this.walFile, 'r');
    const fd = this.walFd;
    return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * Ends the reader's read transaction and starts a new one at the latest commit. While a
   * reader iterates (a long export), the connection is busy and the snapshot stays where it
   * is: later commits are durable, and become visible at the next move.
   */
  private pinSnapshot(): void {
    if (this.closed) return;
    try {
      if (this.reader.inTransaction) this.reader.exec('COMMIT');
      this.reader.exec('BEGIN');
      // A deferred transaction takes its snapshot at its first read.
      this.firstRead.get();
    } catch (error) {
      if (!(error instanceof TypeError) || !/busy/i.test(error.message)) throw error;
    }
  }
}
