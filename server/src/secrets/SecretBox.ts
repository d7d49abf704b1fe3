// One mechanism for every stored secret: AES-256-GCM under the installation's data key. A
// sealed value names its data key and is bound to its column by the additional data, so a
// value copied into another column (a webhook secret pasted over a Stripe key) does not open.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'axiru-sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretsError extends Error {
  override readonly name = 'SecretsError';
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** AES-256-GCM of `plain` under `key`, as iv | ciphertext | tag. */
export function gcmSeal(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** The inverse of gcmSeal; null when the key, the additional data or the bytes are wrong. */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

/**
 * Seals and opens secrets under one unwrapped data key. `setting` names the column
 * (`stripe_connections.restricted_key`): it is the additional data, and what an error names.
 */
export class SecretBox {
  constructor(readonly keyId: string, private readonly key: Buffer) {}

  seal(setting: string, plain: string): string {
    return `${SEALED_PREFIX}${this.keyId}:${gcmSeal(this.key, Buffer.from(plain, 'utf8'), setting).toString('base64url')}`;
  }

  sealNullable(setting: string, plain: string | null): string | null {
    return plain === null ? null : this.seal(setting, plain);
  }

  /**
   * The clear text of a stored value. A value stored before secrets were sealed is returned
   * as it is (the server seals those at start; see sealStoredSecrets).
   */
  open(setting: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    const rest = stored.slice(SEALED_PREFIX.length);
    const colon = rest.indexOf(':');
    const keyId = rest.slice(0, colon);
    if (colon < 0 || keyId !== this.keyId) {
      throw new SecretsError(`the stored ${setting} was sealed under data key ${keyId || '(none)'}, not this installation's ${this.keyId}`);
    }
    const plain = gcmOpen(this.key, Buffer.from(rest.slice(colon + 1), 'base64url'), setting);
    if (plain === null) throw new SecretsError(`the stored ${setting} does not decrypt: it was altered or belongs to another column`);
    return plain.toString('utf8');
  }

  openNullable(setting: string, stored: string | null): string | null {
    return stored === null ? null : this.open(setting, stored);
  }
}
