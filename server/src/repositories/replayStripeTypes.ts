// The storage contract of history replays, the Stripe connection and the organisation's
// numbers (part of Repositories, see types.ts).

import type { IntentRow } from './types.js';

export type ReplayStatus = 'running' | 'done' | 'failed';
export type ReplayOrigin = 'upload' | 'stripe_import';

export interface ReplayRow {
  readonly id: string;
  readonly org_id: string;
  readonly origin: ReplayOrigin;
  readonly status: ReplayStatus;
  readonly created_at: string;
  readonly created_ms: number;
  readonly created_by: string;
  readonly delete_after: string;
  readonly delete_after_ms: number;
  readonly deleted_at: string | null;
  readonly policy_version: number;
  readonly file_name: string;
  readonly format: string | null;
  readonly file_bytes: number;
  readonly rows: number;
  /** The ReplayReport as JSON, once done. */
  readonly report: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly finished_at: string | null;
}

export interface ReplayResultRow {
  readonly replay_id: string;
  /** 1-based position in replay order. */
  readonly n: number;
  readonly refund_id: string;
  readonly created: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly charge_id: string | null;
  readonly customer_id: string | null;
  readonly source: string | null;
  readonly outcome: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
}

export interface ReplayFinish {
  readonly status: 'done' | 'failed';
  readonly rows: number;
  /** The history file's size (an import's is known only once fetched). */
  readonly file_bytes: number;
  readonly report: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly finished_at: string;
}

export interface ReplayRepository {
  create(row: ReplayRow): Promise<void>;
  get(orgId: string, id: string): Promise<ReplayRow | null>;
  /** Newest first; `before` is the (created_ms, id) of the last row of the previous page. */
  list(orgId: string, before: { created_ms: number; id: string } | null, limit: number): Promise<readonly ReplayRow[]>;
  setRows(id: string, rows: number): Promise<void>;
  finish(id: string, finish: ReplayFinish): Promise<void>;
  insertResults(rows: readonly ReplayResultRow[]): Promise<void>;
  /** Results with n > afterN, in order, at most `limit`. */
  results(replayId: string, afterN: number, limit: number): Promise<readonly ReplayResultRow[]>;
  /** Replays whose retention ran out at or before nowMs and whose data is still there. */
  dueForDeletion(nowMs: number, limit: number): Promise<readonly ReplayRow[]>;
  /** Deletes the per-refund results, stores the trimmed report and the deletion time. */
  markDeleted(id: string, deletedAt: string, report: string | null): Promise<void>;
  /** Replays still `running` (after a restart they never will finish). */
  running(): Promise<readonly ReplayRow[]>;
}

export interface StripeConnection {
  readonly org_id: string;
  readonly restricted_key: string;
  readonly key_hint: string;
  readonly mode: 'test' | 'live';
  readonly webhook_secret: string | null;
  readonly updated_at: string;
  readonly updated_by: string;
}

export interface StripeRefundRow {
  readonly org_id: string;
  readonly refund_id: string;
  readonly charge_id: string | null;
  readonly amount_cents: number;
  readonly currency: string;
  readonly status: string;
  readonly created_ms: number;
  readonly intent_id: string | null;
  readonly bypass: 0 | 1;
  readonly over_amount: 0 | 1;
  readonly seq: number;
}

export interface StripeRepository {
  getConnection(orgId: string): Promise<StripeConnection | null>;
  putConnection(connection: StripeConnection): Promise<void>;
  /** Every connection with a webhook secret (to find the organisation whose secret verifies an event). */
  webhookConnections(): Promise<readonly StripeConnection[]>;
  /** Inserts the event id; false when the organisation already had it. */
  noteEvent(orgId: string, eventId: string, type: string, receivedAt: string): Promise<boolean>;
  getRefund(orgId: string, refundId: string): Promise<StripeRefundRow | null>;
  putRefund(row: StripeRefundRow): Promise<void>;
  /** Sum of the refunds matched to an intent (not bypasses) that moved money, by currency. */
  refundedForIntent(orgId: string, intentId: string, currency: string): Promise<number>;
  /** Intents on this charge and currency in one of `statuses`, oldest first. */
  intentsOnCharge(orgId: string, chargeId: string, currency: string, statuses: readonly string[]): Promise<readonly IntentRow[]>;
}

/** Amounts grouped by currency and one key (an outcome, a kind of refund). */
export interface GroupedAmount {
  readonly key: string;
  readonly currency: string;
  readonly count: number;
  readonly amount: number;
}

/** The raw material of GET /api/org/numbers, every group in [sinceMs, untilMs). */
export interface NumbersRepository {
  /** Decided intents (not observed ones) by `outcome` column. */
  decisionsByOutcome(orgId: string, sinceMs: number, untilMs: number): Promise<readonly GroupedAmount[]>;
  /** Executed intents, amount = what Stripe refunded for them when known, else the intent's amount. */
  executed(orgId: string, sinceMs: number, untilMs: number): Promise<readonly GroupedAmount[]>;
  /** Stripe refunds that moved money: key `bypass` or `over_amount` (a refund may be in neither). */
  stripeRefunds(orgId: string, sinceMs: number, untilMs: number): Promise<readonly GroupedAmount[]>;
}
