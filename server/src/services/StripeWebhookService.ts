// Stripe webhooks: refunds seen from Stripe's side, matched to the intents Axiru decided.
//
// An event is verified with the organisation's signing secret (Stripe's SDK, on the raw bytes),
// then handled in ONE write transaction: the event id is noted (a redelivered event does
// nothing), and every refund it carries is sealed:
// - a refund naming an intent in metadata `axiru_intent_id`, or else on the charge of an
//   allowed/approved intent for the same amount (else for more), confirms that intent's
//   execution (an `execution` record, the intent becomes `executed`); more than the intent's
//   amount is flagged `over_amount`;
// - a refund for an intent that was never authorized (pending, denied, blocked, held, expired)
//   is an `observation` with `bypass: true` about that intent;
// - a refund matching no intent becomes an `observed` intent with an `observation` record,
//   `bypass: true`: money that moved outside Axiru, counted in the organisation's numbers and in
//   later decisions' facts;
// - a refund that later fails or is canceled seals the failure (an executed intent becomes
//   `failed`).

import type Stripe from 'stripe';
import type { JsonValue } from '@axiru/runtime';
import { ApiError } from '../errors.js';
import type { ChainAppender } from '../ledger/ChainAppender.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { StripeRefundRow } from '../repositories/replayStripeTypes.js';
import type { IntentRow, Organisation, Repositories, Store } from '../repositories/types.js';
import type { IntentActions, IntentEvent } from './IntentActions.js';
import { stripeWebhooks } from './stripeClient.js';
import { uuidv7 } from './uuidv7.js';

/** Seconds a signed event stays acceptable (Stripe's default). */
export const SIGNATURE_TOLERANCE_S = 300;

export const HANDLED_EVENTS: ReadonlySet<string> = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refunded']);

/** Refund statuses that moved no money. */
const VOID: ReadonlySet<string> = new Set(['failed', 'canceled']);

/** Intent statuses a refund may execute. */
const EXECUTABLE: readonly string[] = ['allowed', 'approved'];

export const STRIPE_ACTOR = 'stripe';

export type RefundResult = 'executed' | 'confirmed' | 'bypass' | 'failed' | 'unchanged' | 'ignored';

export interface RefundOutcome {
  readonly refund_id: string;
  readonly result: RefundResult;
  readonly intent_id: string | null;
  readonly over_amount: boolean;
  readonly seq: number | null;
}

export interface WebhookResult {
  readonly received: true;
  readonly event_id: string;
  readonly type: string;
  readonly duplicate: boolean;
  readonly refunds: RefundOutcome[];
}

/** The parts of a Refund object (or a charge's refund) Axiru reads. */
interface RefundSeen {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: string;
  readonly createdMs: number;
  readonly chargeId: string | null;
  readonly customerId: string | null;
  readonly account: string | null;
  readonly metadata: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  return isObject(value) && typeof value['id'] === 'string' ? value['id'] : null;
}

function invalidSignature(message: string): ApiError {
  return new ApiError(400, 'invalid_signature', message, 'Stripe-Signature');
}

function readRefund(value: unknown, charge: Json | null, account: string | null): RefundSeen | null {
  if (!isObject(value) || value['object'] !== 'refund' || typeof value['id'] !== 'string') return null;
  const amount = value['amount'];
  const currency = value['currency'];
  const created = value['created'];
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || typeof currency !== 'string') return null;
  const expanded = isObject(value['charge']) ? value['charge'] : charge;
  const metadata: Record<string, string> = {};
  if (isObject(value['metadata'])) {
    for (const [key, v] of Object.entries(value['metadata'])) if (typeof v === 'string') metadata[key] = v;
  }
  return {
    id: value['id'],
    amount,
    currency: currency.toLowerCase(),
    status: typeof value['status'] === 'string' ? value['status'] : 'succeeded',
    createdMs: typeof created === 'number' && Number.isFinite(created) ? created * 1000 : NaN,
    chargeId: idOf(value['charge']) ?? idOf(charge),
    customerId: expanded ? idOf(expanded['customer']) : null,
    account,
    metadata,
  };
}

/** The refunds an event is about: the refund of `refund.*`, the charge's listed refunds of `charge.refunded`. */
export function refundsOf(event: Stripe.Event): RefundSeen[] {
  const object: unknown = event.data.object;
  const account = typeof event.account === 'string' ? event.account : null;
  if (event.type.startsWith('refund.')) {
    const refund = readRefund(object, null, account);
    return refund ? [refund] : [];
  }
  if (event.type === 'charge.refunded' && isObject(object)) {
    const list = isObject(object['refunds']) && Array.isArray(object['refunds']['data']) ? object['refunds']['data'] : [];
    return list.map((refund: unknown) => readRefund(refund, object, account)).filter((r): r is RefundSeen => r !== null);
  }
  return [];
}

export interface StripeWebhookOptions {
  readonly clock: () => Date;
}

export class StripeWebhookService {
  constructor(
    private readonly store: Store,
    private readonly actions: IntentActions,
    private readonly options: StripeWebhookOptions,
  ) {}

  /**
   * The organisation whose webhook signing secret verifies the raw body, and the event. With
   * `orgId` (the per-organisation URL) only that organisation's secret is tried; otherwise every
   * connected organisation's. Every failure is the same 400, so nothing is learnt about which
   * organisations exist.
   */
  async verify(raw: Buffer, signature: string | undefined, orgId: string | null): Promise<{ org: Organisation; event: Stripe.Event }> {
    if (typeof signature !== 'string' || signature === '') throw invalidSignature('The Stripe-Signature header is missing; only Stripe\'s signed webhook events are accepted.');
    const connections = orgId === null
      ? await this.store.stripe.webhookConnections()
      : [await this.store.stripe.getConnection(orgId)].filter((c) => c !== null && c.webhook_secret !== null);
    for (const connection of connections) {
      let event: Stripe.Event;
      try {
        event = stripeWebhooks.constructEvent(raw, signature, connection!.webhook_secret as string, SIGNATURE_TOLERANCE_S, undefined, this.options.clock().getTime());
      } catch (error) {
        if ((error as { type?: string }).type === 'StripeSignatureVerificationError') continue;
        if (error instanceof SyntaxError) throw new ApiError(400, 'invalid_json', 'The signed body is not valid JSON.');
        throw error;
      }
      if (!isObject(event) || typeof event.id !== 'string' || typeof event.type !== 'string' || !isObject(event.data) || !isObject(event.data.object)) {
        throw new ApiError(400, 'invalid_request', 'The signed body is not a Stripe event (id, type and data.object are required).');
      }
      const org = await this.store.organisations.get(connection!.org_id);
      if (org) return { org, event };
    }
    throw invalidSignature(
      'The Stripe-Signature header does not verify with the webhook signing secret of a connected Stripe account, or the event is more than 5 minutes old. Nothing was recorded.');
  }

  /** Handles a verified event in one write transaction; a redelivered event id does nothing. */
  handle(org: Organisation, event: Stripe.Event): Promise<WebhookResult> {
    return this.actions.inChain(org.id, async (tx, chain, events) => {
      const now = this.options.clock();
      const fresh = await tx.stripe.noteEvent(org.id, event.id, event.type, now.toISOString());
      const base = { received: true as const, event_id: event.id, type: event.type };
      if (!fresh) return { ...base, duplicate: true, refunds: [] };
      const refunds: RefundOutcome[] = [];
      if (HANDLED_EVENTS.has(event.type)) {
        for (const refund of refundsOf(event)) refunds.push(await this.apply(tx, chain, events, org, event, refund, now));
      }
      return { ...base, duplicate: false, refunds };
    });
  }

  private async apply(
    tx: Repositories, chain: ChainAppender, events: IntentEvent[], org: Organisation, event: Stripe.Event, refund: RefundSeen, now: Date,
  ): Promise<RefundOutcome> {
    const time = now.toISOString();
    const stripe = {
      event_id: event.id, event_type: event.type, refund_id: refund.id, charge_id: refund.chargeId, amount_cents: refund.amount,
      currency: refund.currency, status: refund.status, created: Number.isNaN(refund.createdMs) ? null : new Date(refund.createdMs).toISOString(),
    };
    const existing = await tx.stripe.getRefund(org.id, refund.id);
    const outcome = (result: RefundResult, row: StripeRefundRow | null, seq: number | null): RefundOutcome => ({
      refund_id: refund.id, result, intent_id: row?.intent_id ?? null, over_amount: row?.over_amount === 1, seq,
    });

    if (existing) {
      const becameVoid = VOID.has(refund.status) && !VOID.has(existing.status);
      if (!becameVoid) {
        if (existing.status !== refund.status) await tx.stripe.putRefund({ ...existing, status: refund.status });
        return outcome('unchanged', existing, null);
      }
      const record = await this.sealFailure(tx, chain, org, existing, stripe, time);
      const row = { ...existing, status: refund.status, seq: record.seq };
      await tx.stripe.putRefund(row);
      return outcome('failed', row, record.seq);
    }
    // A refund first seen failed or canceled moved no money: nothing to seal.
    if (VOID.has(refund.status)) return outcome('ignored', null, null);

    const createdMs = Number.isNaN(refund.createdMs) ? now.getTime() : refund.createdMs;
    const match = await this.match(tx, org, refund);
    if (match === null) return this.observeBypass(tx, chain, org, refund, stripe, createdMs, time);

    const { intent, by } = match;
    const before = await tx.stripe.refundedForIntent(org.id, intent.id, refund.currency);
    const overAmount = refund.currency !== intent.currency || before + refund.amount > intent.amount_cents;
    const money = {
      authorized_amount_cents: intent.amount_cents, authorized_currency: intent.currency,
      refunded_cents: before + refund.amount, over_amount: overAmount, matched_by: by,
    };
    let record: LedgerRecord;
    let result: RefundResult;
    let bypass: 0 | 1 = 0;
    if (EXECUTABLE.includes(intent.status)) {
      record = await chain.append({
        org_id: org.id, kind: 'execution', intent_id: intent.id, time, actor: STRIPE_ACTOR,
        body: { stripe_refund_id: refund.id, from_status: intent.status, status: 'executed', confirmed_by: 'stripe_webhook', ...money, stripe },
      });
      events.push({ type: 'intent.executed', org_id: org.id, intent_id: intent.id, time, data: { status: 'executed', stripe_refund_id: refund.id, over_amount: overAmount } });
      result = 'executed';
    } else if (intent.status === 'executed') {
      record = await chain.append({
        org_id: org.id, kind: 'observation', intent_id: intent.id, time, actor: STRIPE_ACTOR,
        body: { observed: 'refund', confirms_execution: true, bypass: false, intent_status: intent.status, ...money, stripe },
      });
      result = 'confirmed';
    } else {
      // Money moved for a refund Axiru never authorized (still pending, denied, blocked, held, expired…).
      record = await chain.append({
        org_id: org.id, kind: 'observation', intent_id: intent.id, time, actor: STRIPE_ACTOR,
        body: { observed: 'refund', bypass: true, intent_status: intent.status, ...money, over_amount: false, stripe },
      });
      bypass = 1;
      result = 'bypass';
    }
    const row: StripeRefundRow = {
      org_id: org.id, refund_id: refund.id, charge_id: refund.chargeId, amount_cents: refund.amount, currency: refund.currency,
      status: refund.status, created_ms: createdMs, intent_id: intent.id, bypass, over_amount: bypass === 1 ? 0 : overAmount ? 1 : 0, seq: record.seq,
    };
    await tx.stripe.putRefund(row);
    return outcome(result, row, record.seq);
  }

  /**
   * The intent a refund belongs to: the one named in metadata `axiru_intent_id`; else an allowed
   * or approved intent on the same charge and currency for the same amount (the oldest), else
   * for less (the refund is then over its amount).
   */
  private async match(tx: Repositories, org: Organisation, refund: RefundSeen): Promise<{ intent: IntentRow; by: string } | null> {
    const claimed = refund.metadata['axiru_intent_id'];
    if (claimed !== undefined && claimed !== '') {
      const intent = await tx.intents.get(org.id, claimed);
      if (intent && intent.status !== 'observed') return { intent, by: 'metadata' };
    }
    if (refund.chargeId === null) return null;
    const candidates = await tx.stripe.intentsOnCharge(org.id, refund.chargeId, refund.currency, EXECUTABLE);
    const exact = candidates.find((intent) => intent.amount_cents === refund.amount);
    if (exact) return { intent: exact, by: 'charge_and_amount' };
    const smaller = candidates.find((intent) => intent.amount_cents < refund.amount);
    return smaller ? { intent: smaller, by: 'charge' } : null;
  }

  /** A refund no intent covers: an `observed` intent, sealed with `bypass: true`. */
  private async observeBypass(
    tx: Repositories, chain: ChainAppender, org: Organisation, refund: RefundSeen, stripe: { readonly [key: string]: JsonValue },
    createdMs: number, time: string,
  ): Promise<RefundOutcome> {
    const intentId = uuidv7(createdMs);
    const live = org.live_policy_version == null ? null : await tx.policies.get(org.id, org.live_policy_version);
    const request = {
      source: STRIPE_ACTOR, action: 'refund', amount_cents: refund.amount, currency: refund.currency,
      stripe_charge_id: refund.chargeId, customer_id: refund.customerId, stripe_account: refund.account,
      ...(Object.keys(refund.metadata).length > 0 ? { metadata: refund.metadata } : {}),
    };
    const receivedAt = new Date(createdMs).toISOString();
    const record = await chain.append({
      org_id: org.id, kind: 'observation', intent_id: intentId, time, actor: STRIPE_ACTOR,
      body: {
        observed: 'refund', bypass: true, status: 'observed', received_at: receivedAt,
        // Shaped like a decision record so the intent view reads it the same way; no policy decided it.
        request, facts: {}, decision: null,
        policy: live ? { name: live.name, version: `v${live.version}`, ir_hash: live.ir_hash } : { name: '', version: '', ir_hash: '' },
        stripe,
      },
    });
    const row: StripeRefundRow = {
      org_id: org.id, refund_id: refund.id, charge_id: refund.chargeId, amount_cents: refund.amount, currency: refund.currency,
      status: refund.status, created_ms: createdMs, intent_id: intentId, bypass: 1, over_amount: 0, seq: record.seq,
    };
    await tx.stripe.putRefund(row);
    return { refund_id: refund.id, result: 'bypass', intent_id: intentId, over_amount: false, seq: record.seq };
  }

  /** A refund that had moved money failed or was canceled: the money came back. */
  private async sealFailure(
    tx: Repositories, chain: ChainAppender, org: Organisation, existing: StripeRefundRow, stripe: { readonly [key: string]: JsonValue }, time: string,
  ): Promise<LedgerRecord> {
    const intent = existing.intent_id === null ? null : await tx.intents.get(org.id, existing.intent_id);
    if (intent && existing.bypass === 0 && intent.status === 'executed') {
      const record = await chain.append({
        org_id: org.id, kind: 'execution', intent_id: intent.id, time, actor: STRIPE_ACTOR,
        body: { stripe_refund_id: existing.refund_id, from_status: 'executed', status: 'failed', confirmed_by: 'stripe_webhook', stripe },
      });
      return record;
    }
    const record = await chain.append({
      org_id: org.id, kind: 'observation', intent_id: intent?.id ?? null, time, actor: STRIPE_ACTOR,
      body: { observed: 'refund_failed', bypass: existing.bypass === 1, intent_status: intent?.status ?? null, stripe },
    });
    return record;
  }
}
