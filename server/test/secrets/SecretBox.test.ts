import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, SecretBox, SecretsError } from '../../src/secrets/SecretBox.js';
import { kekFromValue } from '../../src/secrets/keyEncryptionKey.js';

const box = new SecretBox('dk_0123456789abcdef', randomBytes(32));

describe('SecretBox', () => {
  it('seals with a fresh IV each time and opens what it sealed', () => {
    const first = box.seal('slack_settings.bot_token', 'xoxb-secret');
    const second = box.seal('slack_settings.bot_token', 'xoxb-secret');
    expect(first).not.toBe(second);
    expect(isSealed(first)).toBe(true);
    expect(first).not.toContain('xoxb-secret');
    expect(box.open('slack_settings.bot_token', first)).toBe('xoxb-secret');
  });

  it('binds a value to its column: moved to another one, it does not open', () => {
    const sealed = box.seal('webhook_endpoints.secret', 'whsec_abc');
    expect(() => box.open('stripe_connections.restricted_key', sealed)).toThrow(SecretsError);
    expect(() => box.open('stripe_connections.restricted_key', sealed)).toThrow('the stored stripe_connections.restricted_key does not decrypt: it was altered or belongs to another column');
  });

  it('refuses a value sealed under another data key, and names both keys but no secret', () => {
    const other = new SecretBox('dk_ffffffffffffffff', randomBytes(32));
    const sealed = other.seal('sso_settings.client_secret', 'top-secret');
    expect(() => box.open('sso_settings.client_secret', sealed)).toThrow('the stored sso_settings.client_secret was sealed under data key dk_ffffffffffffffff, not this installation\'s dk_0123456789abcdef');
  });

  it('passes a value stored before sealing through unchanged (it is sealed at the next start)', () => {
    expect(box.open('slack_settings.bot_token', 'xoxb-legacy')).toBe('xoxb-legacy');
  });
});

describe('AXIRU_SECRETS_KEY', () => {
  it('is a 32-byte key in base64 (standard or URL-safe), else a passphrase of 16 characters or more', () => {
    const key = randomBytes(32);
    expect(kekFromValue(key.toString('base64'), 'AXIRU_SECRETS_KEY')).toMatchObject({ source: 'key', key });
    expect(kekFromValue(key.toString('base64url'), 'AXIRU_SECRETS_KEY')).toMatchObject({ source: 'key', key });
    expect(kekFromValue('a passphrase long enough', 'AXIRU_SECRETS_KEY')).toMatchObject({ source: 'passphrase' });
    expect(() => kekFromValue('too short', 'AXIRU_SECRETS_KEY')).toThrow(/AXIRU_SECRETS_KEY must be a 32-byte key in base64/);
  });
});
