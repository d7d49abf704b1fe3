// `axiru secrets rotate --data DIR` (or `--database-url URL`, rotatePostgres.ts): re-wraps the
// data key under a new key-encryption key.
// Only the wrapped data key changes (one row), so servers running on the same data folder keep
// reading and writing secrets throughout; they need the new key only at their next start.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../cli.js';
import { CliError, run } from '../cliActions.js';
import { resolveConfig } from '../config.js';
import { SqliteSecretKeyRepository } from '../repositories/sqlite/SqliteSecretKeyRepository.js';
import { databaseExists, SqliteDatabase } from '../storage/sqlite/SqliteDatabase.js';
import {
  configuredKek, kekFromValue, NEXT_KEY_FILE, SECRETS_KEY_ENV, SECRETS_NEW_KEY_ENV, writeKeyFile, type KekSpec,
} from './keyEncryptionKey.js';
import { rotateKeyring } from './Keyring.js';
import { rotatePostgresSecrets } from './rotatePostgres.js';

export function secretsRotate(io: CliIo, options: { data?: string | undefined; databaseUrl?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return run(io, async () => {
    const { dataDir, databaseUrl } = resolveConfig({ data: options.data, databaseUrl: options.databaseUrl }, env);
    if (databaseUrl !== undefined) {
      // The key file (when AXIRU_SECRETS_KEY is not set) is the one in --data, as for `axiru serve`.
      await rotatePostgresSecrets(io, dataDir, databaseUrl, env);
      return;
    }
    if (!databaseExists(dataDir)) throw new CliError(`no Axiru database in ${dataDir}; start the server once with: axiru serve --data ${dataDir}`);
    const current = configuredKek(dataDir, env, false);
    if (current === null) throw new CliError(`${dataDir} has no key file and ${SECRETS_KEY_ENV} is not set: set it to the key the secrets are wrapped under`);
    // Opening checks that the current key unwraps the data key (and finishes a rotation that
    // stopped before renaming its key file).
    const db = new SqliteDatabase({ dataDir, checkpointIntervalMs: 0, env });
    try {
      const nextValue = env[SECRETS_NEW_KEY_ENV];
      let next: KekSpec;
      if (nextValue !== undefined && nextValue.trim() !== '') {
        next = kekFromValue(nextValue, SECRETS_NEW_KEY_ENV);
      } else if (current.source === 'file') {
        const path = join(dataDir, NEXT_KEY_FILE);
        // Left by a rotation that failed before committing: the open above proved the current file works.
        rmSync(path, { force: true });
        next = { source: 'file', setting: `the key file ${path}`, path, key: writeKeyFile(path) };
      } else {
        throw new CliError(`set ${SECRETS_NEW_KEY_ENV} to the new key (32 bytes in base64, or a passphrase); the current one comes from ${SECRETS_KEY_ENV}`);
      }
      // The new wrapping must be on disk before a new key file replaces the old one.
      db.writer.pragma('synchronous = FULL');
      const rotation = rotateKeyring(new SqliteSecretKeyRepository(db.writer), current, next, dataDir,
        (update) => db.writer.transaction(update).immediate());
      io.out(`Data key ${rotation.dataKeyId} re-wrapped: ${rotation.from} -> ${rotation.to}.`);
      io.out(next.source === 'file'
        ? `The new key is in ${join(dataDir, 'secrets.key')} (the old one is gone); back it up with the database.`
        : `Start servers with ${SECRETS_KEY_ENV} set to the new key from now on; running servers keep working until then.`);
    } finally {
      await db.close();
    }
  });
}
