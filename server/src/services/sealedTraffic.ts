// The organisation's sealed decisions, decoded once into what a re-evaluation needs: the sealed
// request and facts, and what was decided. Everything here comes from the ledger record and the
// intent's immutable columns, so a decoded decision never goes stale (an intent's status does,
// which is why it is not kept here).

import type { DecisionInput, Outcome } from '@axiru/runtime';
import type { DecisionTraffic, Store } from '../repositories/types.js';
import type { Facts } from './computeFacts.js';
import type { DecisionRequest } from './decisionRequest.js';

export interface SealedDecision {
  readonly seq: number;
  readonly intentId: string;
  readonly receivedMs: number;
  readonly amountCents: number;
  readonly currency: string;
  /** The facts computed and sealed with the decision (those the deciding policies needed). */
  readonly facts: Facts;
  /** The sealed request with its sealed facts: what the deciding policy saw. */
  readonly input: DecisionInput & DecisionRequest;
  /** What callers were told (always allow in observe mode, unless a control blocked). */
  readonly told: Outcome;
  /** What the policy decided (the would-be decision in observe mode). */
  readonly decided: Outcome;
  readonly decidedRule: string | null;
  /** A control (kill switch, freeze) decided instead of the policy. */
  readonly control: boolean;
  /** The version of each list the decision read, as sealed; null when it read none. */
  readonly listVersions: Readonly<Record<string, number>> | null;
}

interface SealedView {
  readonly outcome: Outcome;
  readonly matched_rule?: string | null;
  readonly control?: unknown;
  readonly would_be?: { readonly outcome: Outcome; readonly matched_rule?: string | null };
}

interface SealedBody {
  readonly request: DecisionRequest;
  readonly facts?: Facts;
  readonly decision: SealedView | null;
  readonly list_versions?: Readonly<Record<string, number>>;
}

/**
 * The decision a record seals, or null for an intent no policy decided (a refund made in Stripe
 * without asking, sealed as an `observation` with `decision: null`).
 */
export function decodeTraffic({ intent, record }: DecisionTraffic): SealedDecision | null {
  if (record.kind !== 'decision') return null;
  const body = JSON.parse(record.body) as SealedBody;
  if (!body.decision) return null;
  const policyDecision = body.decision.would_be ?? body.decision;
  return {
    seq: record.seq,
    intentId: intent.id,
    receivedMs: intent.received_ms,
    amountCents: intent.amount_cents,
    currency: intent.currency,
    facts: body.facts ?? {},
    input: { ...body.request, ...body.facts } as DecisionInput & DecisionRequest,
    told: body.decision.outcome,
    decided: policyDecision.outcome,
    decidedRule: policyDecision.matched_rule ?? null,
    control: body.decision.control !== undefined,
    listVersions: body.list_versions ?? null,
  };
}

export const TRAFFIC_PAGE = 2_000;

/**
 * Decisions with received_ms in [sinceMs, untilMs) and seq after `afterSeq`, in seq order, read
 * page by page.
 */
export async function readTraffic(
  store: Store, orgId: string, sinceMs: number, untilMs: number, afterSeq = 0,
): Promise<SealedDecision[]> {
  const decoded: SealedDecision[] = [];
  let after = afterSeq;
  for (;;) {
    const page = await store.shadows.traffic(orgId, sinceMs, untilMs, after, TRAFFIC_PAGE);
    for (const row of page) {
      const decision = decodeTraffic(row);
      if (decision) decoded.push(decision);
    }
    if (page.length < TRAFFIC_PAGE) return decoded;
    after = page[page.length - 1]!.record.seq;
  }
}

/** Where re-evaluations get the window's decisions: straight from storage, or from a cache. */
export interface TrafficSource {
  window(store: Store, orgId: string, sinceMs: number, untilMs: number): Promise<readonly SealedDecision[]>;
}

export const directTraffic: TrafficSource = {
  window: (store, orgId, sinceMs, untilMs) => readTraffic(store, orgId, sinceMs, untilMs),
};
