import { sqliteRepositories } from '../../repositories/sqlite/sqliteRepositories.js';
import type { Repositories, Store } from '../../repositories/types.js';
import { DurableCommits } from './DurableCommits.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './SqliteDatabase.js';
import { memoizeReads, SnapshotMemo } from './SnapshotMemo.js';

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
  readonly organisations;
  readonly apiKeys;
  readonly policies;
  readonly ledger;
  readonly intents;
  readonly idempotency;
  readonly users;
  readonly approvals;
  readonly controls;
  readonly webhooks;
  readonly slack;
  readonly replays;
  readonly stripe;
  readonly numbers;
  readonly merkle;
  readonly checkpoints;
  readonly signingKeys;
  readonly shadows;
  readonly exportSinks;
  readonly sessions;
  readonly projections;
  readonly sso;
  readonly rateLimits;
  readonly lists;
  readonly leases;
  readonly notifications;

  private readonly writeRepos: Repositories;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly durable: DurableCommits;
  private closed = false;

  constructor(readonly db: SqliteDatabase, private readonly ownsDatabase = false) {
    this.writeRepos = sqliteRepositories(db.writer, db.secrets);
    const memo = new SnapshotMemo();
    this.durable = new DurableCommits(`${db.file}-wal`, db.reader, undefined, () => memo.clear());
    const read = sqliteRepositories(db.reader, db.secrets);
    // What every request asks to authenticate (the key, then its organisation).
    this.organisations = memoizeReads(read.organisations, memo, ['get']);
    this.apiKeys = memoizeReads(read.apiKeys, memo, ['findByHash']);
    this.policies = read.policies;
    this.ledger = read.ledger;
    this.intents = read.intents;
    this.idempotency = read.idempotency;
    this.users = read.users;
    this.approvals = read.approvals;
    this.controls = read.controls;
    this.webhooks = read.webhooks;
    this.slack = read.slack;
    this.replays = read.replays;
    this.stripe = read.stripe;
    this.numbers = read.numbers;
    this.merkle = read.merkle;
    this.checkpoints = read.checkpoints;
    this.signingKeys = read.signingKeys;
    this.shadows = read.shadows;
    this.exportSinks = read.exportSinks;
    this.sessions = read.sessions;
    this.projections = read.projections;
    this.sso = read.sso;
    this.rateLimits = read.rateLimits;
    this.lists = read.lists;
    this.leases = read.leases;
    this.notifications = read.notifications;
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
