import type { Intent } from './types.js';

/** Base class of every error this package throws, so callers can tell Axiru's errors from Stripe's. */
export class AxiruError extends Error {
  override readonly name: string = 'AxiruError';
}

/** The request never got an HTTP answer: connection refused or reset, DNS, or the client-side timeout. */
export class AxiruNetworkError extends AxiruError {
  override readonly name = 'AxiruNetworkError';
  readonly timedOut: boolean;

  constructor(message: string, options: { cause?: unknown; timedOut?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.timedOut = options.timedOut ?? false;
  }
}

/**
 * Axiru answered with an error status. `code`, `message` and `field` are the server's
 * `{ error: { code, message, field } }`; an answer without that shape (a proxy's HTML page)
 * gets the code `http_<status>`.
 */
export class AxiruApiError extends AxiruError {
  override readonly name = 'AxiruApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

/**
 * No decision could be obtained (network failure or a 5xx after the retries), so with
 * `failMode: 'closed'` no refund was made. `cause` holds the last underlying error.
 */
export class AxiruUnavailableError extends AxiruError {
  override readonly name = 'AxiruUnavailableError';

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

/** `waitForDecision` reached its `timeoutMs` while the intent was still waiting for approval. */
export class AxiruTimeoutError extends AxiruError {
  override readonly name = 'AxiruTimeoutError';

  /** The intent as last read (null when no read succeeded). */
  constructor(message: string, readonly intent: Intent | null) {
    super(message);
  }
}

/**
 * Stripe made the refund but Axiru could not be told. The money has moved; nothing is lost:
 * retrying `guardedRefund` with the same `idempotencyKey` finds the same refund and reports it,
 * or call `reportExecuted(intentId, refund.id)` directly.
 */
export class AxiruReportError extends AxiruError {
  override readonly name = 'AxiruReportError';

  constructor(
    message: string,
    readonly intentId: string,
    readonly refund: { readonly id: string },
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The refund asked for does not match what was decided (amount, charge, currency or Connect
 * account). Nothing was sent to Stripe.
 */
export class AxiruMismatchError extends AxiruError {
  override readonly name = 'AxiruMismatchError';
}

/** No answer from Axiru: a network failure, a timeout, or a 5xx / 429 answer. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof AxiruNetworkError) return true;
  return error instanceof AxiruApiError && (error.status >= 500 || error.status === 429);
}

/**
 * A failure that a retry may cure: unavailability, or the same idempotency key still being
 * sealed by an earlier request (which is an answer, not an outage).
 */
export function isTransient(error: unknown): boolean {
  return isUnavailable(error) || (error instanceof AxiruApiError && error.code === 'idempotency_in_flight');
}
