// The data key: made on first start, stored only wrapped by the KEK, unwrapped into memory at
// every start. Rotation re-wraps the same data key under a new KEK in one row update, so no
// sealed value changes and running servers (which hold the unwrapped data key) never stop.

import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKek, KEY_FILE, pendingKeyFile, type Kek, type KekSpec } from './keyEncryptionKey.js';
import { gcmOpen, gcmSeal, SecretBox, SecretsError } from './SecretBox.js';

export interface SecretKeyRow {
  readonly id: string;
  readonly wrapped: string;
  readonly kek_id: string;
  readonly kek_source: 'key' | 'passphrase' | 'file';
  readonly kdf_salt: string | null;
  readonly created_at: string;
  readonly wrapped_at: string;
}

/** Where the wrapped data key is stored (SqliteSecretKeyRepository). */
export interface SecretKeyStore {
  current(): SecretKeyRow | null;
  insert(row: SecretKeyRow): void;
  /** Replaces the wrapping of `id` if it is still wrapped under `fromKekId`; false otherwise. */
  rewrap(id: string, fromKekId: string, row: Pick<SecretKeyRow, 'wrapped' | 'kek_id' | 'kek_source' | 'kdf_salt' | 'wrapped_at'>): boolean;
}

function aadOf(dataKeyId: string): string {
  return `axiru data key ${dataKeyId}`;
}

function wrap(kek: Kek, dataKeyId: string, dataKey: Buffer, now: Date) {
  return {
    wrapped: gcmSeal(kek.key, dataKey, aadOf(dataKeyId)).toString('base64url'),
    kek_id: kek.id, kek_source: kek.source, kdf_salt: kek.salt, wrapped_at: now.toISOString(),
  } as const;
}

function describe(row: SecretKeyRow): string {
  const where = row.kek_source === 'file' ? 'a key file in the data folder' : row.kek_source === 'passphrase' ? 'an AXIRU_SECRETS_KEY passphrase' : 'an AXIRU_SECRETS_KEY key';
  return `${where} (${row.kek_id})`;
}

function tryUnwrap(row: SecretKeyRow, spec: KekSpec): Buffer | null {
  // A passphrase is only stretched with the salt it was wrapped with.
  if ((spec.source === 'passphrase') !== (row.kek_source === 'passphrase')) return null;
  const kek = deriveKek(spec, row.kdf_salt);
  return gcmOpen(kek.key, Buffer.from(row.wrapped, 'base64url'), aadOf(row.id));
}

/**
 * The data key of an installation, unwrapped with `spec`; on a first start, a new one wrapped
 * under it. A key that does not unwrap is an error naming the setting and the key it expects.
 */
export function openKeyring(store: SecretKeyStore, spec: KekSpec, dataDir: string, now: Date = new Date()): SecretBox {
  const row = store.current();
  if (row === null) {
    const id = `dk_${randomBytes(8).toString('hex')}`;
    const dataKey = randomBytes(32);
    store.insert({ id, created_at: now.toISOString(), ...wrap(deriveKek(spec, null), id, dataKey, now) });
    return new SecretBox(id, dataKey);
  }
  const dataKey = tryUnwrap(row, spec);
  if (dataKey !== null) return new SecretBox(row.id, dataKey);
  // A rotation that committed but stopped before renaming its new key file into place.
  const pending = spec.source === 'file' ? pendingKeyFile(dataDir) : null;
  const finished = pending ? tryUnwrap(row, pending) : null;
  if (pending && finished) {
    renameSync(pending.source === 'file' ? pending.path : '', join(dataDir, KEY_FILE));
    return new SecretBox(row.id, finished);
  }
  throw new SecretsError(
    `${spec.setting} does not unwrap the stored secrets' data key ${row.id}: it was wrapped under ${describe(row)}. `
    + 'Start with the key it was wrapped under (see "Secrets at rest" in server/README.md).');
}

export interface Rotation {
  readonly dataKeyId: string;
  readonly from: string;
  readonly to: string;
}

/** The new wrapping of the stored data key under `next`, checked against `current`. */
export interface RotationPlan extends Rotation {
  readonly wrapping: Pick<SecretKeyRow, 'wrapped' | 'kek_id' | 'kek_source' | 'kdf_salt' | 'wrapped_at'>;
}

/** Checks that `current` unwraps `row` and that `next` is another key; the row's new wrapping. */
export function planRotation(row: SecretKeyRow | null, current: KekSpec, next: KekSpec, now: Date = new Date()): RotationPlan {
  if (row === null) throw new SecretsError('this installation has no secrets key yet; start the server once first');
  const dataKey = tryUnwrap(row, current);
  if (dataKey === null) throw new SecretsError(`${current.setting} does not unwrap the stored data key ${row.id} (wrapped under ${describe(row)})`);
  const kek = deriveKek(next, null);
  if (kek.id === row.kek_id) throw new SecretsError('the new key is the key the data key is already wrapped under');
  return { dataKeyId: row.id, from: row.kek_id, to: kek.id, wrapping: wrap(kek, row.id, dataKey, now) };
}

/** After the new wrapping committed: the new key file replaces the old one (or the old one goes). */
export function finishRotation(current: KekSpec, next: KekSpec, dataDir: string): void {
  if (next.source === 'file') renameSync(next.path, join(dataDir, KEY_FILE));
  else if (current.source === 'file') rmSync(current.path, { force: true });
}

export const CONCURRENT_ROTATION = 'another rotation changed the data key\'s wrapping at the same time; run the rotation again';

/**
 * Re-wraps the data key under `next`. `commit` runs the row update in a write transaction.
 * A new key file is written beside the old one first and renamed over it only after the
 * update commits, so at every moment one of the two files unwraps the stored row.
 */
export function rotateKeyring(
  store: SecretKeyStore, current: KekSpec, next: KekSpec, dataDir: string,
  commit: (update: () => boolean) => boolean, now: Date = new Date(),
): Rotation {
  const plan = planRotation(store.current(), current, next, now);
  const updated = commit(() => store.rewrap(plan.dataKeyId, plan.from, plan.wrapping));
  if (!updated) throw new SecretsError(CONCURRENT_ROTATION);
  finishRotation(current, next, dataDir);
  return { dataKeyId: plan.dataKeyId, from: plan.from, to: plan.to };
}
