import { sqliteRepositories } from '../../repositories/sqlite/sqliteRepositories.js';
import type { Repositories, Store } from '../../repositories/types.js';
import { SqliteDatabase, type SqliteDatabaseOptions } from './SqliteDatabase.js';

/**
 * The Store over SQLite. Its own repositories use the reader connection; `transaction` runs on
 * the writer connection, one at a time (a promise queue), between BEGIN IMMEDIATE and COMMIT.
 * better-sqlite3 is synchronous, so the awaits inside a transaction only cross microtasks:
 * nothing else touches the writer connection meanwhile.
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

  private readonly writeRepos: Repositories;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(readonly db: SqliteDatabase, private readonly ownsDatabase = false) {
    this.writeRepos = sqliteRepositories(db.writer);
    const read = sqliteRepositories(db.reader);
    this.organisations = read.organisations;
    this.apiKeys = read.apiKeys;
    this.policies = read.policies;
    this.ledger = read.ledger;
    this.intents = read.intents;
    this.idempotency = read.idempotency;
    this.users = read.users;
    this.approvals = read.approvals;
    this.controls = read.controls;
    this.webhooks = read.webhooks;
    this.slack = read.slack;
  }

  /** Opens a database that the store then owns (closing the store closes it). */
  static open(options: SqliteDatabaseOptions): SqliteStore {
    return new SqliteStore(new SqliteDatabase(options), true);
  }

  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('the store is closed');
      const writer = this.db.writer;
      // IMMEDIATE takes the write lock up front, so chain heads read inside are authoritative.
      writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.writeRepos);
        writer.exec('COMMIT');
        return result;
      } catch (error) {
        if (writer.inTransaction) writer.exec('ROLLBACK');
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async ping(): Promise<void> {
    this.db.reader.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    if (this.ownsDatabase) await this.db.close();
  }
}
