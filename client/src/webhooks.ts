// Axiru signs each webhook delivery like Stripe does:
//   Axiru-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// Several v1 values may appear while a secret is rotated; any one matching is enough.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { AxiruError } from './errors.js';
import type { AxiruWebhookEvent } from './types.js';

export const AXIRU_SIGNATURE_HEADER = 'axiru-signature';

export interface VerifyWebhookOptions {
  /** Largest accepted distance between the signature's timestamp and now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** Now, in unix seconds (default: the system clock). */
  readonly nowSeconds?: number;
}

/** The webhook's signature, timestamp or body did not check out. */
export class AxiruSignatureError extends AxiruError {
  override readonly name = 'AxiruSignatureError';
}

interface ParsedHeader {
  readonly timestamp: number;
  readonly signatures: readonly Buffer[];
}

function parseHeader(header: string): ParsedHeader | null {
  // Bounded so that a hostile header cannot make verification expensive.
  if (header.length > 4096) return null;
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Checks an `Axiru-Signature` header against the raw request body (exactly the bytes received,
 * before any JSON parsing) and the endpoint's `whsec_…` secret. Throws AxiruSignatureError
 * saying what was wrong.
 */
export function assertWebhookSignature(
  rawBody: string | Uint8Array, header: string | null | undefined, secret: string, options: VerifyWebhookOptions = {},
): void {
  if (typeof header !== 'string' || header === '') throw new AxiruSignatureError('The Axiru-Signature header is missing.');
  const parsed = parseHeader(header);
  if (!parsed) throw new AxiruSignatureError('The Axiru-Signature header is not of the form t=<seconds>,v1=<hex>.');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > tolerance) {
    throw new AxiruSignatureError(`The signature's timestamp is more than ${tolerance} s away from now; a replayed or delayed delivery.`);
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const expected = createHmac('sha256', secret).update(`${parsed.timestamp}.`, 'utf8').update(body).digest();
  if (!parsed.signatures.some((signature) => timingSafeEqual(signature, expected))) {
    throw new AxiruSignatureError('No v1 signature matches this body and secret.');
  }
}

/** True when the header signs exactly this body with this secret, within the tolerance. */
export function verifyWebhook(
  rawBody: string | Uint8Array, header: string | null | undefined, secret: string, options: VerifyWebhookOptions = {},
): boolean {
  try {
    assertWebhookSignature(rawBody, header, secret, options);
    return true;
  } catch (error) {
    if (error instanceof AxiruSignatureError) return false;
    throw error;
  }
}

/** Verifies the signature, then parses the body: `{ id, type, created, data }`. */
export function constructWebhookEvent(
  rawBody: string | Uint8Array, header: string | null | undefined, secret: string, options: VerifyWebhookOptions = {},
): AxiruWebhookEvent {
  assertWebhookSignature(rawBody, header, secret, options);
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const event = JSON.parse(text) as AxiruWebhookEvent;
  if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
    throw new AxiruSignatureError('The signed body is not an Axiru event.');
  }
  return event;
}
