import { sha256Hex } from '../sha256.js';
import { canonicalJson } from '@axiru/runtime';

/** A validated POST /api/decision body (routes/decision.ts holds its schema). */
export interface DecisionBody {
  readonly org_api_key?: string;
  readonly source: string;
  readonly action?: 'refund';
  readonly amount_cents: number;
  readonly currency?: string | null;
  readonly stripe_charge_id?: string | null;
  readonly customer_id?: string | null;
  readonly stripe_account?: string | null;
  readonly reason?: string | null;
  readonly customer_tenure_days?: number | null;
  readonly charge_amount_cents?: number | null;
  readonly charge_age_days?: number | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly requested_by?: string | null;
}

/**
 * The request as it is evaluated and sealed: no key, nulls dropped (null and absent both mean
 * missing), the currency lower-case and defaulted to the organisation's.
 */
export interface DecisionRequest {
  readonly action: 'refund';
  readonly source: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly stripe_charge_id?: string;
  readonly customer_id?: string;
  readonly stripe_account?: string;
  readonly reason?: string;
  readonly customer_tenure_days?: number;
  readonly charge_amount_cents?: number;
  readonly charge_age_days?: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** A user id (usr_…) or an agent/automation name; that requester can never approve it. */
  readonly requested_by?: string;
}

const OPTIONAL_FIELDS = [
  'stripe_charge_id', 'customer_id', 'stripe_account', 'reason',
  'customer_tenure_days', 'charge_amount_cents', 'charge_age_days', 'metadata', 'requested_by',
] as const;

export function normalizeRequest(body: DecisionBody, defaultCurrency: string): DecisionRequest {
  const request: Record<string, unknown> = {
    action: body.action ?? 'refund',
    source: body.source,
    amount_cents: body.amount_cents,
    currency: (body.currency ?? defaultCurrency).toLowerCase(),
  };
  for (const field of OPTIONAL_FIELDS) {
    const value = body[field];
    if (value !== undefined && value !== null) request[field] = value;
  }
  return request as unknown as DecisionRequest;
}

/**
 * What "the same body" means for Idempotency-Key: the canonical JSON of the body without the
 * key (which may equally come in a header), so formatting and key order do not matter.
 */
export function requestHash(body: DecisionBody): string {
  const { org_api_key: _key, ...rest } = body;
  return sha256Hex(canonicalJson(rest));
}
