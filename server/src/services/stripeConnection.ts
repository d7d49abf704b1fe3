// An organisation's Stripe connection: a restricted key with read access only, and the webhook
// signing secret. Axiru is non-custodial: a key that can move money (an `sk_` secret key) is
// refused, and the stored key is never shown again (only its hint).

import { ApiError } from '../errors.js';
import type { StripeConnection } from '../repositories/replayStripeTypes.js';

/** The permissions to grant the restricted key in the Stripe Dashboard; nothing else, nothing write. */
export const STRIPE_KEY_PERMISSIONS = ['Charges: Read', 'Refunds: Read', 'Customers: Read'] as const;

const RESTRICTED_KEY = /^rk_(test|live)_[0-9A-Za-z]{16,247}$/;
const WEBHOOK_SECRET = /^whsec_[\x21-\x7E]{8,250}$/;

const GRANT = `Create a restricted key in the Stripe Dashboard (Developers → API keys → Create restricted key) with ${STRIPE_KEY_PERMISSIONS.join(', ')} and no write permission, and send that rk_live_… or rk_test_… key.`;

/** Checks a key before it is stored: only restricted keys, with the reason and what to do otherwise. */
export function checkRestrictedKey(key: string): 'test' | 'live' {
  if (/^sk_(test|live)_/.test(key)) {
    throw new ApiError(400, 'secret_key_refused',
      `This is a Stripe secret key (sk_…), which can create refunds and move money; Axiru never holds a key that can move money. ${GRANT}`,
      'restricted_key');
  }
  if (/^pk_(test|live)_/.test(key)) {
    throw new ApiError(400, 'invalid_field', `This is a publishable key (pk_…), which cannot read refunds. ${GRANT}`, 'restricted_key');
  }
  const match = RESTRICTED_KEY.exec(key);
  if (!match) throw new ApiError(400, 'invalid_field', `"restricted_key" must be a Stripe restricted key (rk_live_… or rk_test_…). ${GRANT}`, 'restricted_key');
  return match[1] as 'test' | 'live';
}

export function checkWebhookSecret(secret: string): void {
  if (!WEBHOOK_SECRET.test(secret)) {
    throw new ApiError(400, 'invalid_field', '"webhook_secret" must be the endpoint\'s signing secret from the Stripe Dashboard (whsec_…).', 'webhook_secret');
  }
}

/** `rk_live_…a1B2`: enough for people to tell keys apart, nothing to use. */
export function keyHint(key: string): string {
  const prefix = key.startsWith('rk_live_') ? 'rk_live_' : 'rk_test_';
  return `${prefix}…${key.slice(-4)}`;
}

/** What the API shows of a connection: never the key or the secret. */
export function connectionView(connection: StripeConnection | null) {
  return {
    connected: connection !== null,
    key_hint: connection?.key_hint ?? null,
    mode: connection?.mode ?? null,
    webhook_secret_set: connection?.webhook_secret != null,
    updated_at: connection?.updated_at ?? null,
    permissions: [...STRIPE_KEY_PERMISSIONS],
  };
}
