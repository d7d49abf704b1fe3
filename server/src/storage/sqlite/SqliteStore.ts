import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteRepositories } from '../../repositories/sqlite/sqliteRepositories.js';
import type { Repositories, Store } from '../../repositories/types.js';
import { Checkpointer, type CheckpointerEvents } from './Checkpointer.js';
import { migrate } from './migrate.js';
import { openSqlite, type SqliteConnection } from './openSqlite.js';

export const DATABASE_FILE = 'axiru.sqlite';

export interface SqliteStoreOptions {
  /** The data folder; created when missing. */
  readonly dataDir: string;
  /** Milliseconds between background WAL checkpoints; 0 disables them. */
  readonly checkpointIntervalMs?: number;
  readonly checkpointEvents?: CheckpointerEvents;
}

/**
 * The embedded store: one writer connection for transactions and one reader connection for
 * everything else. Reads never share the writer's connection, so a request can never see
 * rows of a transaction that has not committed yet (and might roll back).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly file: string;
  readonly organisations;
  readonly apiKeys;
  readonly policies;
  readonly ledger;
  readonly intents;
  readonly idempotency;

  private readonly writer: SqliteConnection;
  private readonly reader: SqliteConnection;
  private readonly writeRepos: Repositories;
  private readonly checkpointer: Checkpointer | null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Versions migrated when the store opened (empty on later starts). */
  readonly migrated: readonly number[];

  private constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.file = join(options.dataDir, DATABASE_FILE);
    this.writer = openSqlite(this.file);
    try {
      this.migrated = migrate(this.writer);
      this.reader = openSqlite(this.file, { readOnly: true });
    } catch (error) {
      this.writer.close();
      throw error;
    }
    this.writeRepos = sqliteRepositories(this.writer);
    const readRepos = sqliteRepositories(this.reader);
    this.organisations = readRepos.organisations;
    this.apiKeys = readRepos.apiKeys;
    this.policies = readRepos.policies;
    this.ledger = readRepos.ledger;
    this.intents = readRepos.intents;
    this.idempotency = readRepos.idempotency;
    const interval = options.checkpointIntervalMs ?? 200;
    this.checkpointer = interval > 0 ? new Checkpointer(this.file, interval, options.checkpointEvents) : null;
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(options);
  }

  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('the store is closed');
      // IMMEDIATE takes the write lock up front, so the chain head read inside is authoritative.
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.writeRepos);
        this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async ping(): Promise<void> {
    this.reader.prepare('SELECT 1').get();
  }

  /** Raw connection for maintenance commands (integrity checks) and tests. */
  get readConnection(): SqliteConnection {
    return this.reader;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    await this.checkpointer?.stop();
    this.reader.close();
    this.writer.close();
  }
}
