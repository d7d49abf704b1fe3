// The one place a Stripe SDK client is made. Everything that talks to Stripe (the read-only
// import, the CLI) goes through createStripeClient, so tests and proxies redirect all of it
// with one override: `{ host, port, protocol }` from buildApp({ stripeApi }) or
// AXIRU_STRIPE_API_BASE=http://127.0.0.1:12111.

import Stripe from 'stripe';

export interface StripeApiOverride {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

/** Retries of a failed request (connection errors, 409, 5xx, and 429s Stripe marks retryable) before giving up. */
export const STRIPE_MAX_NETWORK_RETRIES = 3;

/** `http://127.0.0.1:12111` → { host, port, protocol }; a clear error otherwise. */
export function parseStripeApiBase(text: string, name = 'AXIRU_STRIPE_API_BASE'): StripeApiOverride {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name} must be a URL such as http://127.0.0.1:12111; got ${JSON.stringify(text)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '' || url.username !== '') {
    throw new Error(`${name} must be a bare http(s) origin such as http://127.0.0.1:12111; got ${JSON.stringify(text)}`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, protocol };
}

/** A client for one organisation's restricted key. */
export function createStripeClient(restrictedKey: string, api?: StripeApiOverride): Stripe {
  return new Stripe(restrictedKey, {
    ...(api ? { host: api.host, port: api.port, protocol: api.protocol } : {}),
    maxNetworkRetries: STRIPE_MAX_NETWORK_RETRIES,
    timeout: 30_000,
    telemetry: false,
    appInfo: { name: 'Axiru' },
  });
}

/** Stripe's webhook helpers (signature verification needs no key). */
export const stripeWebhooks: typeof Stripe.webhooks = Stripe.webhooks;
