// One refund of history, the same whatever file it came from, and what the readers yield.

/** One refund, normalized from any input format. */
export interface HistoryRefund {
  /** `re_...` from a refunds file; the charge id for a Payments export row; `file:line` when a refunds CSV has no id column. */
  readonly id: string;
  /** When the refund happened: ISO 8601 UTC. */
  readonly created: string;
  readonly charge_id: string | null;
  /** Minor units of `currency` (converted exactly from the major units of CSV exports). */
  readonly amount_cents: number;
  /** Lower-case ISO 4217, like Stripe. */
  readonly currency: string;
  readonly customer_id: string | null;
  /** The Stripe Connect account the refund is for, when the history says. */
  readonly stripe_account: string | null;
  /** From metadata `axiru_source`, `source` or `refund_source` (first present), else null. */
  readonly source: string | null;
  readonly reason: string | null;
  readonly charge_amount_cents: number | null;
  /** When the refunded charge was created: ISO 8601 UTC. */
  readonly charge_created: string | null;
  readonly metadata: Readonly<Record<string, string>>;
}

/** What readHistory() yields: a refund with the line it starts on, or a row it could not read. */
export type HistoryItem =
  | { kind: 'refund'; refund: HistoryRefund; line: number }
  | { kind: 'error'; line: number; reason: string; file: string };

export type HistoryFormat = 'payments' | 'refunds' | 'jsonl';

/**
 * What the format readers produce. Besides refunds and bad rows, a `payment` says a customer
 * paid at a time (every charge of a Payments export, every expanded charge of a refund): customer
 * tenure is measured from the first one.
 */
export type HistoryRecord = RefundRow | PaymentSeen | BadRow;

export interface RefundRow {
  readonly kind: 'refund';
  readonly refund: HistoryRefund;
  readonly line: number;
  /** `refund.created` in epoch milliseconds. */
  readonly time: number;
  /** `refund.charge_created` in epoch milliseconds, or null. */
  readonly chargeTime: number | null;
}

export interface PaymentSeen {
  readonly kind: 'payment';
  readonly customer: string;
  readonly time: number;
}

export interface BadRow {
  readonly kind: 'error';
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** Refund statuses that moved no money and never will: such refunds are left out of history. */
export const VOID_REFUND_STATUSES: ReadonlySet<string> = new Set(['failed', 'canceled', 'cancelled']);

/** Metadata keys that name a refund's source, in order of preference. */
export const SOURCE_METADATA_KEYS = ['axiru_source', 'source', 'refund_source'] as const;

/** Metadata keys that may carry a refund's reason when the format has no reason of its own. */
export const REASON_METADATA_KEYS = ['axiru_reason', 'refund_reason'] as const;

/** The first present, non-empty value of `keys` in `metadata`, else null. */
export function firstMetadata(metadata: Readonly<Record<string, string>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = metadata[key];
    if (value !== undefined && value !== '') return value;
  }
  return null;
}
