import { closeSync, fsync, openSync, readSync } from 'node:fs';
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
//
// Moving the snapshot costs three statements and empties the reader's page cache, so refresh()
// moves it only when the WAL changed since the last move. That is read from the start of the
// wal-index (the -shm file; https://sqlite.org/walformat.html): its header, which every commit
// rewrites (a counter incremented by each transaction, the last valid frame, the checksums),
// twice, then the checkpoint's progress (nBackfill). The latter matters because a reader
// pinned on WAL frames keeps the writer from starting the WAL over: once a checkpoint has
// copied every frame, the reader must move (onto the database file alone) for the WAL to be
// reused instead of growing. The bytes are read *before* the move, so a change landing in
// between makes the next comparison differ (one extra move, never a missed one).

export class DurableCommits {
  private walFd: number | null = null;
  /** The fsync (and snapshot move) after the latest commit; settled when nothing waits. */
  private flushing: Promise<void> = Promise.resolve();
  /** Commits whose fsync has not completed yet. */
  private unsynced = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly firstRead: Statement;
  private closed = false;
  /** The -shm file, read for the wal-index header (null: not there, so every refresh moves). */
  private shmFd: number | null = null;
  /** The wal-index header as it was read just before the snapshot last moved. */
  private readonly pinnedHeader = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  private readonly currentHeader = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
  /** False until a move succeeded with the header read before it. */
  private pinnedValid = false;

  constructor(
    private readonly walFile: string,
    private readonly reader: SqliteConnection,
    refreshMs = 50,
    /** Told each time the snapshot moves (what was read before it may now be stale). */
    private readonly onMove: () => void = () => undefined,
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

  /**
   * Moves the reader's snapshot to the latest commit, unless one of ours is not durable yet or
   * nothing was committed since the last move.
   */
  refresh(): void {
    if (this.unsynced === 0 && this.changedSincePin()) this.pinSnapshot();
  }

  /**
   * Like refresh(), but when one of our commits is being flushed, first waits for that flush
   * (once: under continuous writes the snapshot is then at most one commit behind).
   */
  refreshAfterFlush(): Promise<void> | null {
    if (this.unsynced > 0) return this.flushing.then(() => this.refresh());
    this.refresh();
    return null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (this.reader.inTransaction) this.reader.exec('COMMIT');
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
    if (this.shmFd !== null) closeSync(this.shmFd);
    this.shmFd = null;
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
    this.pinnedValid = false;
    const header = this.readHeader(this.pinnedHeader);
    this.onMove();
    try {
      if (this.reader.inTransaction) this.reader.exec('COMMIT');
      this.reader.exec('BEGIN');
      // A deferred transaction takes its snapshot at its first read.
      this.firstRead.get();
    } catch (error) {
      if (!(error instanceof TypeError) || !/busy/i.test(error.message)) throw error;
      // The snapshot did not move: the next refresh must try again.
      return;
    }
    this.pinnedValid = header;
  }

  /** Whether a commit may have happened since the snapshot last moved. */
  private changedSincePin(): boolean {
    if (!this.pinnedValid || !this.readHeader(this.currentHeader)) return true;
    return !this.currentHeader.equals(this.pinnedHeader);
  }

  /** Reads the wal-index header into `into`; false when it cannot be read. */
  private readHeader(into: Buffer): boolean {
    try {
      // The -shm file exists while any connection has the database open in WAL mode (ours do).
      this.shmFd ??= openSync(`${this.walFile.slice(0, -'-wal'.length)}-shm`, 'r');
      return readSync(this.shmFd, into, 0, WAL_INDEX_HEADER_BYTES, 0) === WAL_INDEX_HEADER_BYTES;
    } catch {
      return false;
    }
  }
}

/**
 * The wal-index header's two copies (48 bytes each) and the checkpoint information's first
 * field, nBackfill (https://sqlite.org/walformat.html, "The WAL-Index Header"). The reader
 * marks that follow are left out: every move of the snapshot may rewrite them.
 */
const WAL_INDEX_HEADER_BYTES = 100;
