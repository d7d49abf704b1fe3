import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Checkpointer, type CheckpointerEvents } from './Checkpointer.js';
import { migrate } from './migrate.js';
import { openSqlite, type SqliteConnection } from './openSqlite.js';
import { SqliteSecretKeyRepository } from '../../repositories/sqlite/SqliteSecretKeyRepository.js';
import { configuredKek, KEY_FILE, SECRETS_KEY_ENV } from '../../secrets/keyEncryptionKey.js';
import { openKeyring } from '../../secrets/Keyring.js';
import { SecretsError, type SecretBox } from '../../secrets/SecretBox.js';
import { sealStoredSecrets } from '../../secrets/sealedColumns.js';

export const DATABASE_FILE = 'axiru.sqlite';

export interface SqliteDatabaseOptions {
  /** The data folder; created when missing. */
  readonly dataDir: string;
  /** Milliseconds between background WAL checkpoints; 0 disables them (short-lived CLI commands). */
  readonly checkpointIntervalMs?: number;
  readonly checkpointEvents?: CheckpointerEvents;
  /** Where AXIRU_SECRETS_KEY is read from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export function databaseExists(dataDir: string): boolean {
  return existsSync(databaseFile(dataDir));
}

/**
 * The embedded database: a writer connection (transactions), a reader connection (everything
 * else), and the background checkpointer. Reads never share the writer's connection, so a
 * request can never see rows of a transaction that has not committed yet.
 */
export class SqliteDatabase {
  readonly kind = 'sqlite';
  readonly file: string;
  readonly writer: SqliteConnection;
  readonly reader: SqliteConnection;
  /** Migration versions applied by this open (empty on later starts). */
  readonly migrated: readonly number[];
  /** Seals and opens the stored secrets (server/src/secrets). */
  readonly secrets: SecretBox;
  /** Clear-text secrets of an older version sealed by this open. */
  readonly sealedNow: number;
  private readonly checkpointer: Checkpointer | null;
  private closed = false;
  /** Background checkpoints run so far, by what triggered them (for metrics). */
  readonly checkpoints: Record<string, number> = {};

  constructor(options: SqliteDatabaseOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.file = databaseFile(options.dataDir);
    // SqliteStore fsyncs the WAL after every commit itself (DurableCommits), off the event loop.
    this.writer = openSqlite(this.file, { synchronous: 'NORMAL' });
    try {
      this.migrated = migrate(this.writer);
      // Before anything reads a secret: a key that does not unwrap stops the open here.
      // A key file is only made for a data folder whose secrets have no key yet.
      const keys = new SqliteSecretKeyRepository(this.writer);
      const kek = configuredKek(options.dataDir, options.env ?? process.env, keys.current() === null);
      if (kek === null) {
        throw new SecretsError(`the stored secrets are sealed, but ${join(options.dataDir, KEY_FILE)} is missing and ${SECRETS_KEY_ENV} is not set: `
          + 'restore the key file from your backup, or set AXIRU_SECRETS_KEY to the key they were wrapped under');
      }
      this.secrets = openKeyring(keys, kek, options.dataDir);
      this.sealedNow = sealStoredSecrets(this.writer, this.secrets);
      this.reader = openSqlite(this.file, { readOnly: true });
    } catch (error) {
      this.writer.close();
      throw error;
    }
    const interval = options.checkpointIntervalMs ?? 100;
    const events = options.checkpointEvents ?? {};
    this.checkpointer = interval > 0
      ? new Checkpointer(this.file, interval, {
        onCheckpoint: (result) => {
          this.checkpoints[result.reason] = (this.checkpoints[result.reason] ?? 0) + 1;
          events.onCheckpoint?.(result);
        },
        ...(events.onError ? { onError: events.onError } : {}),
      })
      : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    this.reader.close();
    this.writer.close();
  }
}
