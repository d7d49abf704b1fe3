// Read-only import of an organisation's Stripe refunds: `refunds.list` with the charge expanded,
// paged by the SDK's auto-pagination (and retried by it: connection errors, 5xx, and 429s that
// Stripe marks retryable), written one Refund object per line, the JSON Lines format the replay
// engine already reads (compiler/src/history/refundJsonl.ts). The replay runs on that file, so
// an import is stored and shown like any other replay.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type Stripe from 'stripe';
import { ApiError } from '../errors.js';
import { STRIPE_KEY_PERMISSIONS } from './stripeConnection.js';
import type { HistoryFiller } from './ReplayService.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 3650;

/** `90d` (days back from now) or an ISO 8601 date / date-time; the default is 90 days. */
export function parseSince(text: string | undefined, now: Date, field = 'since'): Date {
  const value = text ?? '90d';
  const days = /^([1-9][0-9]{0,3})d$/.exec(value);
  if (days) {
    const n = Number(days[1]);
    if (n > MAX_DAYS) throw new ApiError(400, 'invalid_field', `"${field}" may go back at most ${MAX_DAYS} days; got ${value}.`, field);
    return new Date(now.getTime() - n * DAY_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (Number.isFinite(ms) && ms <= now.getTime()) return new Date(ms);
  }
  throw new ApiError(400, 'invalid_field', `"${field}" must be a number of days such as 90d, or a past date such as 2026-01-31; got ${JSON.stringify(value)}.`, field);
}

interface StripeErrorLike {
  readonly type?: string;
  readonly statusCode?: number;
  readonly message?: string;
  readonly requestId?: string;
}

/** What a failed Stripe call means for the person who connected the account. */
export function stripeFailure(error: unknown): ApiError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as StripeErrorLike;
  const said = `Stripe said: ${e.message ?? String(error)}${e.requestId ? ` (request ${e.requestId})` : ''}`;
  switch (e.type) {
    case 'StripeAuthenticationError':
      return new ApiError(400, 'stripe_key_rejected', `Stripe rejected the stored restricted key; store a valid one with PUT /api/stripe/connection. ${said}`, 'restricted_key');
    case 'StripePermissionError':
      return new ApiError(400, 'stripe_permission_missing',
        `The restricted key lacks a read permission Axiru needs (${STRIPE_KEY_PERMISSIONS.join(', ')}). ${said}`, 'restricted_key');
    case 'StripeRateLimitError':
      return new ApiError(503, 'stripe_rate_limited', `Stripe kept answering 429 (rate limited) after retries; try again later. ${said}`);
    case 'StripeInvalidRequestError':
      return new ApiError(502, 'stripe_request_refused', `Stripe refused the refunds list request (HTTP ${e.statusCode ?? 400}). ${said}`);
    case 'StripeConnectionError':
      return new ApiError(502, 'stripe_unavailable', `Stripe could not be reached. ${said}`);
    case 'StripeAPIError':
      return new ApiError(502, 'stripe_unavailable', `Stripe failed (HTTP ${e.statusCode ?? 500}) even after retries. ${said}`);
    default:
      return new ApiError(502, 'stripe_error', `Reading refunds from Stripe failed. ${said}`);
  }
}

/**
 * Starts listing refunds created at or after `since`. The first page is fetched here, so a bad
 * key or a missing permission is an error for the caller at once; the filler writes that page
 * and every later one to `path`.
 */
export async function openRefundImport(stripe: Stripe, since: Date, path: string): Promise<HistoryFiller> {
  const pages = stripe.refunds.list({ created: { gte: Math.floor(since.getTime() / 1000) }, expand: ['data.charge'], limit: 100 });
  const refunds = pages[Symbol.asyncIterator]();
  let first: IteratorResult<Stripe.Refund>;
  try {
    first = await refunds.next();
  } catch (error) {
    throw stripeFailure(error);
  }
  return async (onRows) => {
    await mkdir(dirname(path), { recursive: true });
    const out = createWriteStream(path);
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    failed.catch(() => undefined);
    let rows = 0;
    try {
      for (let next = first; !next.done; next = await refunds.next()) {
        rows++;
        if (!out.write(`${JSON.stringify(next.value)}\n`)) await Promise.race([once(out, 'drain'), failed]);
        onRows(rows);
      }
    } catch (error) {
      out.destroy();
      throw error instanceof ApiError ? error : stripeFailure(error);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  };
}
