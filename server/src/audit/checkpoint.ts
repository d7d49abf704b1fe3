// Signed checkpoints and signing-key identities. Pure (node:crypto only) so that the offline
// verifier can use it without the server.
//
// A checkpoint's signature covers exactly these bytes (UTF-8):
//   "axiru-checkpoint/v1\n" + canonicalJson({ key_id, org, root, time, tree_size })
// root is lower-case hex of the RFC 6962 tree head over the organisation's first tree_size
// records; time is ISO 8601 UTC; the signature is Ed25519 (RFC 8032), base64.
// A rotated-in key is endorsed by the key it replaces, over
//   "axiru-key-endorsement/v1\n" + canonicalJson({ created_at, key_id, public_key })
// so a verifier who trusts the old key can follow the rotation.

import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@axiru/runtime';

export interface Checkpoint {
  readonly org: string;
  readonly tree_size: number;
  /** Lower-case hex of the tree head. */
  readonly root: string;
  readonly time: string;
  readonly key_id: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Base64 Ed25519 signature over checkpointBytes(). */
  readonly signature: string;
}

export interface PublicKeyInfo {
  readonly key_id: string;
  readonly algorithm: 'ed25519';
  /** SPKI PEM. */
  readonly public_key: string;
  readonly created_at: string;
  /** The key this one replaced, which signed `endorsement`; null for the first key. */
  readonly endorsed_by: string | null;
  readonly endorsement: string | null;
}

const CHECKPOINT_DOMAIN = 'axiru-checkpoint/v1\n';
const ENDORSEMENT_DOMAIN = 'axiru-key-endorsement/v1\n';

export function checkpointBytes(checkpoint: Checkpoint): Buffer {
  const { key_id, org, root, time, tree_size } = checkpoint;
  return Buffer.from(CHECKPOINT_DOMAIN + canonicalJson({ key_id, org, root, time, tree_size }), 'utf8');
}

export function endorsementBytes(key: Pick<PublicKeyInfo, 'created_at' | 'key_id' | 'public_key'>): Buffer {
  const { created_at, key_id, public_key } = key;
  return Buffer.from(ENDORSEMENT_DOMAIN + canonicalJson({ created_at, key_id, public_key }), 'utf8');
}

/** `ed25519:` + the first 16 hex digits of SHA-256 of the key's SPKI DER encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** Parses one SPKI PEM public key and checks it is Ed25519. */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 public key (${String(key.asymmetricKeyType)})`);
  return key;
}

/** Every PEM public key block in a text (a key file may hold several). */
export function parsePublicKeys(text: string): KeyObject[] {
  const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  return blocks.map(parsePublicKey);
}

export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyObject): SignedCheckpoint {
  const signature = sign(null, checkpointBytes(checkpoint), privateKey).toString('base64');
  return { ...checkpoint, signature };
}

export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  let signature: Buffer;
  try {
    signature = Buffer.from(checkpoint.signature, 'base64');
  } catch {
    return false;
  }
  try {
    return verify(null, checkpointBytes(checkpoint), publicKey, signature);
  } catch {
    return false;
  }
}

export function endorsementValid(key: PublicKeyInfo, endorser: KeyObject): boolean {
  if (key.endorsement === null) return false;
  try {
    return verify(null, endorsementBytes(key), endorser, Buffer.from(key.endorsement, 'base64'));
  } catch {
    return false;
  }
}
