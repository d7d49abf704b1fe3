// `axiru secrets rotate --database-url URL`: the PostgreSQL twin of the SQLite rotation. The
// same one-row re-wrap of the data key, in a transaction that locks the row (two rotations at
// once: the second waits, then finds the row re-wrapped and stops). Running servers keep
// working (they hold the unwrapped data key); each needs the new key at its next start.

import { join } from 'node:path';
import type { CliIo } from '../cli.js';
import { CliError } from '../cliActions.js';
import { openPostgres, redactUrl } from '../storage/postgres/openPostgres.js';
import {
  configuredKek, KEY_FILE, kekFromValue, NEXT_KEY_FILE, SECRETS_KEY_ENV, SECRETS_NEW_KEY_ENV, writeKeyFile, type KekSpec,
} from './keyEncryptionKey.js';
import { CONCURRENT_ROTATION, finishRotation, openKeyring, planRotation, type SecretKeyRow } from './Keyring.js';
import { SecretsError } from './SecretBox.js';
import { rmSync } from 'node:fs';

const CURRENT_ROW = 'SELECT * FROM secret_keys ORDER BY created_at DESC, id DESC LIMIT 1';

export async function rotatePostgresSecrets(io: CliIo, dataDir: string, url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const sql = openPostgres(url, { max: 1 });
  let committed = false;
  try {
    const [table] = await sql.unsafe("SELECT to_regclass('secret_keys') IS NOT NULL AS present");
    const row = table?.['present'] === true ? (await sql.unsafe(CURRENT_ROW))[0] as SecretKeyRow | undefined : undefined;
    if (row === undefined) throw new CliError(`no Axiru database at ${redactUrl(url)}; start the server once with: axiru serve --database-url URL`);
    const configured = configuredKek(dataDir, env, false);
    if (configured === null) {
      throw new CliError(`${join(dataDir, KEY_FILE)} is missing and ${SECRETS_KEY_ENV} is not set: set it to the key the secrets are wrapped under (every server of one database has the same)`);
    }
    // Checks that the key unwraps the stored data key, and finishes a rotation that committed
    // but stopped before renaming its key file into place (as a server's start does).
    openKeyring({ current: () => row, insert: () => undefined, rewrap: () => false }, configured, dataDir);
    const current = configuredKek(dataDir, env, false) as KekSpec;
    const next = nextKek(current, dataDir, env);
    const plan = await sql.begin(async (tx) => {
      const [locked] = await tx.unsafe(`${CURRENT_ROW} FOR UPDATE`) as unknown as SecretKeyRow[];
      const planned = planRotation(locked ?? null, current, next);
      const updated = await tx.unsafe(
        `UPDATE secret_keys SET wrapped = $1, kek_id = $2, kek_source = $3, kdf_salt = $4, wrapped_at = $5
         WHERE id = $6 AND kek_id = $7`,
        [planned.wrapping.wrapped, planned.wrapping.kek_id, planned.wrapping.kek_source, planned.wrapping.kdf_salt,
          planned.wrapping.wrapped_at, planned.dataKeyId, planned.from]);
      if (updated.count !== 1) throw new SecretsError(CONCURRENT_ROTATION);
      return planned;
    });
    committed = true;
    finishRotation(current, next, dataDir);
    io.out(`Data key ${plan.dataKeyId} re-wrapped: ${plan.from} -> ${plan.to}.`);
    io.out(next.source === 'file'
      ? `The new key is in ${join(dataDir, KEY_FILE)} (the old one is gone): copy it into the data folder of every server of this database before it next starts, and back it up.`
      : `Start every server of this database with ${SECRETS_KEY_ENV} set to the new key from now on; running servers keep working until then.`);
  } catch (error) {
    // A rotation that did not commit leaves the old wrapping and the old key file; a new file
    // written for it goes. After the commit, that file is the only copy of the key: it stays.
    if (!committed) rmSync(join(dataDir, NEXT_KEY_FILE), { force: true });
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function nextKek(current: KekSpec, dataDir: string, env: NodeJS.ProcessEnv): KekSpec {
  const nextValue = env[SECRETS_NEW_KEY_ENV];
  if (nextValue !== undefined && nextValue.trim() !== '') return kekFromValue(nextValue, SECRETS_NEW_KEY_ENV);
  if (current.source === 'file') {
    const path = join(dataDir, NEXT_KEY_FILE);
    rmSync(path, { force: true });
    return { source: 'file', setting: `the key file ${path}`, path, key: writeKeyFile(path) };
  }
  throw new CliError(`set ${SECRETS_NEW_KEY_ENV} to the new key (32 bytes in base64, or a passphrase); the current one comes from ${SECRETS_KEY_ENV}`);
}
