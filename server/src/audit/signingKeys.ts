import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SigningKeyRow } from '../repositories/auditTypes.js';
import type { Repositories } from '../repositories/types.js';
import { signingKeyPassphrase } from './auditConfig.js';
import { endorsementBytes, keyIdOf, type PublicKeyInfo } from './checkpoint.js';

// Checkpoint signing keys live in the database, PKCS#8 PEM. With AXIRU_SIGNING_KEY_PASSPHRASE
// set they are stored encrypted under it (PKCS#8's own PBES2: PBKDF2 and AES-256-CBC, which
// any OpenSSL reads), so a stolen copy of the database cannot sign a checkpoint; keys stored
// before the passphrase was set are encrypted at the next start (protectStoredKeys).

/** Keys parsed so far, by passphrase and PEM (a different passphrase must parse again). */
const privateKeys = new Map<string, KeyObject>();

export class SigningKeyLocked extends Error {
  override readonly name = 'SigningKeyLocked';
}

const ENCRYPTED_PEM = '-----BEGIN ENCRYPTED PRIVATE KEY-----';

/** The private key of a stored row, parsed once per process. */
export function privateKeyOf(row: SigningKeyRow, passphrase: string | null = signingKeyPassphrase()): KeyObject {
  const cacheKey = `${passphrase ?? ''}\u0000${row.private_key}`;
  let key = privateKeys.get(cacheKey);
  if (!key) {
    const encrypted = row.private_key.startsWith(ENCRYPTED_PEM);
    if (encrypted && passphrase === null) {
      throw new SigningKeyLocked(`signing key ${row.id} is stored encrypted: set AXIRU_SIGNING_KEY_PASSPHRASE to the passphrase it was stored with`);
    }
    try {
      key = createPrivateKey(encrypted ? { key: row.private_key, format: 'pem', passphrase: passphrase! } : row.private_key);
    } catch {
      throw new SigningKeyLocked(`signing key ${row.id} does not open with AXIRU_SIGNING_KEY_PASSPHRASE: it is not the passphrase the key was stored with`);
    }
    privateKeys.set(cacheKey, key);
  }
  return key;
}

/** A private key as stored: encrypted under the passphrase when there is one. */
function storedPem(key: KeyObject, passphrase: string | null): string {
  return (passphrase === null
    ? key.export({ type: 'pkcs8', format: 'pem' })
    : key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })).toString();
}

/**
 * With a passphrase, encrypts every key still stored in the clear; returns how many. Call
 * inside a write transaction (the server does at start).
 */
export async function protectStoredKeys(tx: Repositories, passphrase: string | null = signingKeyPassphrase()): Promise<number> {
  if (passphrase === null) return 0;
  let protectedKeys = 0;
  for (const row of await tx.signingKeys.list()) {
    if (row.private_key.startsWith(ENCRYPTED_PEM)) continue;
    await tx.signingKeys.setPrivateKey(row.id, storedPem(createPrivateKey(row.private_key), passphrase));
    protectedKeys += 1;
  }
  return protectedKeys;
}

function newKeyRow(now: Date, endorser: SigningKeyRow | null): SigningKeyRow {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const id = keyIdOf(publicKey);
  const public_key = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const created_at = now.toISOString();
  const endorsement = endorser
    ? sign(null, endorsementBytes({ created_at, key_id: id, public_key }), privateKeyOf(endorser)).toString('base64')
    : null;
  return {
    id, public_key, created_at, retired_at: null, endorsed_by: endorser?.id ?? null, endorsement,
    private_key: storedPem(privateKey, signingKeyPassphrase()),
  };
}

/** The current signing key, created on first use. Call inside a write transaction. */
export async function ensureSigningKey(tx: Repositories, now: Date): Promise<SigningKeyRow> {
  const current = await tx.signingKeys.current();
  if (current) return current;
  const row = newKeyRow(now, null);
  await tx.signingKeys.insert(row);
  return row;
}

/**
 * Replaces the current key with a new one that the old one endorses. The old key is kept
 * (retired), so checkpoints it signed keep verifying. Call inside a write transaction.
 */
export async function rotateSigningKey(tx: Repositories, now: Date): Promise<{ retired: SigningKeyRow | null; current: SigningKeyRow }> {
  const previous = await tx.signingKeys.current();
  const row = newKeyRow(now, previous);
  if (previous) await tx.signingKeys.retire(previous.id, now.toISOString());
  await tx.signingKeys.insert(row);
  return { retired: previous, current: row };
}

export function publicKeyInfo(row: SigningKeyRow): PublicKeyInfo {
  return {
    key_id: row.id, algorithm: 'ed25519', public_key: row.public_key, created_at: row.created_at,
    endorsed_by: row.endorsed_by, endorsement: row.endorsement,
  };
}
