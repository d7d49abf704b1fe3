import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Hex } from '../sha256.js';
import type { ApiKeyRecord, KeyKind, KeyMode, Repositories } from '../repositories/types.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 43 base62 characters carry 256 bits (43 × log2 62 ≈ 256.03). */
const SECRET_LENGTH = 43;

/** What a presented key must look like before it is even looked up. */
export const API_KEY_FORMAT = /^sk_(test|live)_[0-9A-Za-z]{32,128}$/;

/** Uniform base62 by rejection sampling: bytes >= 248 would bias the first 8 symbols. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export interface NewApiKey {
  /** The full key, to be shown once and never stored. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

export function newApiKey(orgId: string, kind: KeyKind, mode: KeyMode, label: string | null, now: Date): NewApiKey {
  const key = `sk_${mode}_${randomBase62(SECRET_LENGTH)}`;
  return {
    key,
    record: {
      id: `key_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      org_id: orgId,
      kind,
      mode,
      key_hash: hashApiKey(key),
      hint: `sk_${mode}_…${key.slice(-4)}`,
      label,
      created_at: now.toISOString(),
      revoked_at: null,
    },
  };
}

/** Creates and stores a key; returns the full key, the only time it exists outside the caller. */
export async function createApiKey(
  repos: Repositories, orgId: string, kind: KeyKind, mode: KeyMode, label: string | null, now: Date,
): Promise<NewApiKey> {
  const created = newApiKey(orgId, kind, mode, label, now);
  await repos.apiKeys.create(created.record);
  return created;
}
