import { sqliteRepositories } from '../../repositories/sqlite/sqliteRepositories.js';
import type { Repositories, Store } from '../../repositories/types.js';
import { DurableCommits } from './DurableCommits.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './SqliteDatabase.js';
import { memoizeReads, SnapshotMemo } from './SnapshotMemo.js';

// A store's repositories (its reads) are those of the reader connection, copied onto it by the
// constructor; this declaration merges their fields into the class.
export interface SqliteStore extends Repositories {}

/**
 * The Store over SQLite. Its own repositories use the reader connection, which sees only
 * durable commits (DurableCommits); `transaction` runs on the writer connection, one at a time
 * (a promise queue), between BEGIN IMMEDIATE and COMMIT, and answers once the commit is durable.
 * better-sqlite3 is synchronous and every write goes through the queue, so nothing else
 * touches the writer connection while a transaction is open, even while it waits for the
 * previous commit's fsync.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';

  private readonly writeRepos: Repositories;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly durable: DurableCommits;
  private closed = false;

  constructor(readonly db: SqliteDatabase, private readonly ownsDatabase = false) {
    this.writeRepos = sqliteRepositories(db.writer, db.secrets);
    const memo = new SnapshotMemo();
    this.durable = new DurableCommits(`${db.file}-wal`, db.reader, undefined, () => memo.clear());
    const read = sqliteRepositories(db.reader, db.secrets);
    // What every request asks to authenticate (the key, then its organisation) is memoized.
    memoizeReads(read.organisations, memo, ['get']);
    memoizeReads(read.apiKeys, memo, ['findByHash']);
    Object.assign(this, read);
  }

  /** Opens a database that the store then owns (closing the store closes it). */
  static open(options: SqliteDatabaseOptions): SqliteStore {
    return new SqliteStore(new SqliteDatabase(options), true);
  }

  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    const run = async (): Promise<{ result: T; durable: Promise<void> }> => {
      if (this.closed) throw new Error('the store is closed');
      const writer = this.db.writer;
      // IMMEDIATE takes the write lock up front, so chain heads read inside are authoritative.
      writer.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await work(this.writeRepos);
        // The work above overlapped the previous commit's fsync; this COMMIT must follow it.
        await this.durable.settled();
        writer.exec('COMMIT');
      } catch (error) {
        if (writer.inTransaction) writer.exec('ROLLBACK');
        throw error;
      }
      return { result, durable: this.durable.committed() };
    };
    // The next transaction may start as soon as this one committed; its caller is answered
    // once the commit is durable.
    const ran = this.queue.then(run, run);
    this.queue = ran.catch(() => undefined);
    return ran.then(async ({ result, durable }) => {
      await durable;
      return result;
    });
  }

  refreshReads(wait: boolean): Promise<void> | null {
    if (wait) return this.durable.refreshAfterFlush();
    this.durable.refresh();
    return null;
  }

  async ping(): Promise<void> {
    this.db.reader.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    await this.durable.settled();
    this.durable.close();
    this.closed = true;
    if (this.ownsDatabase) await this.db.close();
  }
}
