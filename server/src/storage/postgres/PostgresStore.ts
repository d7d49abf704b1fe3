import type { Sql, TransactionSql } from 'postgres';
import { pgRepositories } from '../../repositories/postgres/pgRepositories.js';
import type { Repositories, Store } from '../../repositories/types.js';
import { configuredKek, KEY_FILE, SECRETS_KEY_ENV } from '../../secrets/keyEncryptionKey.js';
import { openKeyring, type SecretKeyRow } from '../../secrets/Keyring.js';
import { SecretsError, type SecretBox } from '../../secrets/SecretBox.js';
import { join } from 'node:path';
import { migratePostgres } from './migrate.js';
import { openPostgres, redactUrl } from './openPostgres.js';
import { PgConnection } from './PgConnection.js';

export interface PostgresStoreOptions {
  readonly url: string;
  /** Where the key file of stored secrets lives when AXIRU_SECRETS_KEY is not set. */
  readonly dataDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly poolSize?: number;
}

/** SQLSTATEs after which a whole transaction is run again: nothing of it was committed. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

// A store's repositories (its reads) are those of the pool, copied onto it by the
// constructor; this declaration merges their fields into the class.
export interface PostgresStore extends Repositories {}

/**
 * The Store over PostgreSQL. Reads go to the pool and see every committed transaction (of
 * any server); `transaction` runs `work` in one READ COMMITTED transaction whose
 * repositories take each organisation's advisory lock at its first touch (PgConnection), so
 * the database orders each organisation's writes across servers. A transaction the database
 * aborted as a deadlock victim (two batches locking organisations in opposite orders) is run
 * again from the start. COMMIT returns once the commit is durable (synchronous_commit), and
 * on the standby too when synchronous replication is configured.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private closed = false;
  /** Transactions holding one of the pool's connections now, and waiting for one (for /metrics). */
  private readonly transactions = { running: 0, waiting: 0 };

  private constructor(
    readonly sql: Sql, readonly secrets: SecretBox, readonly migrated: readonly number[], readonly url: string,
    readonly poolSize: number,
  ) {
    Object.assign(this, pgRepositories(new PgConnection(sql, false), secrets));
  }

  /** Connects, migrates (under the migration lock) and opens the stored secrets' data key. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const sql = openPostgres(options.url, { max: options.poolSize ?? 10 });
    try {
      const { migrated, result: secrets } = await migratePostgres(sql, (tx) => openSecrets(tx, options));
      return new PostgresStore(sql, secrets, migrated, options.url, options.poolSize ?? 10);
    } catch (error) {
      await sql.end({ timeout: 5 });
      if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^(ECONNREFUSED|ENOTFOUND|CONNECT_TIMEOUT)$/.test(error.code)) {
        throw new Error(`cannot reach the database at ${redactUrl(options.url)}: ${error.message}`);
      }
      throw error;
    }
  }

  async transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.closed) throw new Error('the store is closed');
      try {
        this.transactions.waiting += 1;
        let started = false;
        try {
          return await this.sql.begin((tx) => {
            started = true;
            this.transactions.waiting -= 1;
            this.transactions.running += 1;
            return work(pgRepositories(new PgConnection(tx, true), this.secrets));
          }) as T;
        } finally {
          if (started) this.transactions.running -= 1;
          else this.transactions.waiting -= 1;
        }
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt < MAX_ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
        throw error;
      }
    }
  }

  /**
   * The pool as this server sees it: postgres.js does not publish its connection queues, so
   * `busy` counts the connections held by a transaction (each holds one from BEGIN to COMMIT)
   * and `waiting` the transactions queued for one; single statements share the others.
   */
  poolStats(): { max: number; busy: number; waiting: number } {
    return { max: this.poolSize, busy: this.transactions.running, waiting: this.transactions.waiting };
  }

  refreshReads(): null {
    // Every read sees what any server committed before it started (READ COMMITTED).
    return null;
  }

  async ping(): Promise<void> {
    await this.sql.unsafe('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sql.end({ timeout: 5 });
  }
}

/**
 * The data key of the stored secrets, made on the first start (under the migration lock, so
 * servers starting together make one). Every server of one database needs the same
 * AXIRU_SECRETS_KEY (or a copy of the first server's key file).
 */
async function openSecrets(tx: TransactionSql, options: PostgresStoreOptions): Promise<SecretBox> {
  const rows = await tx.unsafe('SELECT * FROM secret_keys ORDER BY created_at DESC, id DESC LIMIT 1');
  const current = (rows[0] as SecretKeyRow | undefined) ?? null;
  const kek = configuredKek(options.dataDir, options.env ?? process.env, current === null);
  if (kek === null) {
    throw new SecretsError(`the stored secrets are sealed, but ${join(options.dataDir, KEY_FILE)} is missing and ${SECRETS_KEY_ENV} is not set: `
      + 'set AXIRU_SECRETS_KEY to the key they were wrapped under (every server of one database needs the same key)');
  }
  let inserted: SecretKeyRow | null = null;
  const box = openKeyring({
    current: () => current,
    insert: (row) => { inserted = row; },
    rewrap: () => false,
  }, kek, options.dataDir);
  if (inserted !== null) {
    const row: SecretKeyRow = inserted;
    await tx.unsafe(
      `INSERT INTO secret_keys (id, wrapped, kek_id, kek_source, kdf_salt, created_at, wrapped_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.wrapped, row.kek_id, row.kek_source, row.kdf_salt, row.created_at, row.wrapped_at]);
  }
  return box;
}
