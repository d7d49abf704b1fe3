import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SigningKeyRow } from '../repositories/auditTypes.js';
import type { Repositories } from '../repositories/types.js';
import { endorsementBytes, keyIdOf, type PublicKeyInfo } from './checkpoint.js';

const privateKeys = new Map<string, KeyObject>();

/** The private key of a stored row, parsed once per process. */
export function privateKeyOf(row: SigningKeyRow): KeyObject {
  let key = privateKeys.get(row.id);
  if (!key) {
    key = createPrivateKey(row.private_key);
    privateKeys.set(row.id, key);
  }
  return key;
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
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
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
