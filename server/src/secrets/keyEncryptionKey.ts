// Where the key-encryption key (KEK) comes from: AXIRU_SECRETS_KEY (32 bytes in base64, or a
// passphrase stretched by scrypt), else a key file the server writes into the data folder
// with 0600 permissions on first start. The KEK only ever wraps the data key.

import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsError } from './SecretBox.js';

export const SECRETS_KEY_ENV = 'AXIRU_SECRETS_KEY';
/** The new KEK for `axiru secrets rotate` (without it, a key-file installation gets a new file). */
export const SECRETS_NEW_KEY_ENV = 'AXIRU_SECRETS_NEW_KEY';
export const KEY_FILE = 'secrets.key';
/** Written before a rotation commits and renamed over KEY_FILE after; see Keyring.rotate. */
export const NEXT_KEY_FILE = 'secrets.key.next';

const MIN_PASSPHRASE = 16;
// scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB, about 0.1 s, paid once per start.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

export type KekSource = 'key' | 'passphrase' | 'file';

/** Where a KEK is described from: an environment variable or a key file. */
export type KekSpec =
  | { readonly source: 'key'; readonly setting: string; readonly key: Buffer }
  | { readonly source: 'passphrase'; readonly setting: string; readonly passphrase: string }
  | { readonly source: 'file'; readonly setting: string; readonly path: string; readonly key: Buffer };

export interface Kek {
  readonly id: string;
  readonly key: Buffer;
  readonly source: KekSource;
  /** What to name in errors: the variable or the file (never the key). */
  readonly setting: string;
  readonly salt: string | null;
}

/** kek_<16 hex>: names a KEK in the database and in errors without revealing it. */
export function kekId(key: Buffer): string {
  return `kek_${createHash('sha256').update('axiru kek id\0').update(key).digest('hex').slice(0, 16)}`;
}

/** The value of an AXIRU_SECRETS_KEY-like variable: a 32-byte base64 key, or a passphrase. */
export function kekFromValue(value: string, setting: string): KekSpec {
  const text = value.trim();
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (key.length === 32) return { source: 'key', setting, key };
  }
  if (text.length < MIN_PASSPHRASE) {
    throw new SecretsError(`${setting} must be a 32-byte key in base64 (openssl rand -base64 32) or a passphrase of at least ${MIN_PASSPHRASE} characters; it is neither`);
  }
  return { source: 'passphrase', setting, passphrase: text };
}

function readKeyFile(path: string): Buffer {
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new SecretsError(`the key file ${path} does not hold a 32-byte base64 key; restore it from your backup`);
  return key;
}

/** Writes a new random key file (0600), refusing to overwrite one. */
export function writeKeyFile(path: string): Buffer {
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  // The mode given to open() is masked by the umask; make sure nobody else can read it.
  chmodSync(path, 0o600);
  return key;
}

/**
 * The KEK spec of an installation: AXIRU_SECRETS_KEY when set, else the data folder's key file
 * (created when `create` and missing).
 */
export function configuredKek(dataDir: string, env: Readonly<Record<string, string | undefined>>, create: boolean): KekSpec | null {
  const value = env[SECRETS_KEY_ENV];
  if (value !== undefined && value.trim() !== '') return kekFromValue(value, SECRETS_KEY_ENV);
  const path = join(dataDir, KEY_FILE);
  if (existsSync(path)) return { source: 'file', setting: `the key file ${path}`, path, key: readKeyFile(path) };
  if (!create) return null;
  return { source: 'file', setting: `the key file ${path}`, path, key: writeKeyFile(path) };
}

/** The key file a rotation left half-done (written, not yet renamed), if any. */
export function pendingKeyFile(dataDir: string): KekSpec | null {
  const path = join(dataDir, NEXT_KEY_FILE);
  if (!existsSync(path)) return null;
  return { source: 'file', setting: `the key file ${path}`, path, key: readKeyFile(path) };
}

/** Derives the KEK; a passphrase uses the stored salt, or a new one (`salt` null). */
export function deriveKek(spec: KekSpec, salt: string | null): Kek {
  if (spec.source === 'passphrase') {
    const saltText = salt ?? randomBytes(16).toString('base64url');
    const key = scryptSync(spec.passphrase.normalize('NFKC'), Buffer.from(saltText, 'base64url'), 32, SCRYPT);
    return { id: kekId(key), key, source: 'passphrase', setting: spec.setting, salt: saltText };
  }
  return { id: kekId(spec.key), key: spec.key, source: spec.source, setting: spec.setting, salt: null };
}
