// The intents view: one row per intent with its current status (`intents`), the approvals and
// denials given (`approvals`) and each shadow policy's decision beside the live one
// (`shadow_decisions`). Every column comes from the records alone:
//  - a `decision` record creates the intent (and its shadow rows) from the sealed request,
//    policy and decision; an `observation` of a refund no intent covered creates an `observed`
//    one;
//  - `approval`, `denial`, `expiry`, `execution` and intent `control` (hold/release) records
//    carry the status they moved the intent to, which is applied as is.
// Writers that read the view to check a rule (approvals, holds, executions, Stripe) catch it up
// inside their own transaction first and apply their own records as they append them, so the
// view they check is exact. Only decision records are sealed without waiting for it; the
// background catch-up and any reader that needs them (GET /api/intents/:id, the facts of a
// policy that uses facts) apply them.

import type { Outcome } from '@axiru/runtime';
import type { IntentStatus, Repositories } from '../repositories/types.js';
import { cursoredWriter, type ProjectedRecord, type Projection, type ProjectionWriter } from './Projection.js';

export const DEFAULT_APPROVAL_TTL_MS = 72 * 3_600_000;

/** The lifecycle status a fresh decision puts its intent in; a flag lets the refund through. */
export function statusForOutcome(outcome: Outcome): IntentStatus {
  switch (outcome) {
    case 'allow':
    case 'flag':
      return 'allowed';
    case 'pending_approval':
      return 'pending_approval';
    case 'block':
      return 'blocked';
  }
}

interface SealedDecision {
  readonly outcome: Outcome;
  readonly matched_rule: string | null;
  readonly approver_roles?: readonly string[] | null;
  readonly approvals_required?: number | null;
  readonly enforced?: boolean;
  readonly would_be?: SealedDecision;
  readonly shadow?: readonly { readonly outcome: string; readonly matched_rule: string | null }[];
}

interface SealedRequest {
  readonly source: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly customer_id?: string | null;
  readonly stripe_account?: string | null;
  readonly stripe_charge_id?: string | null;
  readonly requested_by?: string | null;
}

interface DecisionBody {
  readonly request: SealedRequest;
  readonly policy: { readonly version: string };
  readonly decision: SealedDecision;
  readonly shadow_policies?: readonly { readonly version: string }[];
  /** Pending decisions: when the approval request expires. */
  readonly expires_at?: string;
}

/** `v3` (as decisions name versions) → 3; 0 for none (an observed refund with no live policy). */
function versionNumber(version: string): number {
  const number = Number(version.slice(1));
  return Number.isInteger(number) ? number : 0;
}

export const INTENTS = 'intents';

export const intentsProjection: Projection = {
  name: INTENTS,
  open(tx: Repositories): ProjectionWriter {
    return cursoredWriter(tx, INTENTS, (record, body) => applyRecord(tx, record, body));
  },
  async clear(tx) {
    await tx.intents.clear();
    await tx.approvals.clear();
    await tx.shadows.clearDecisions();
    await tx.projections.reset(INTENTS);
  },
  lag: (repos) => repos.projections.lag(INTENTS),
};

async function applyRecord(tx: Repositories, record: ProjectedRecord, body: () => unknown): Promise<void> {
  const intentId = record.intent_id;
  // Organisation-level records (policies, modes, freezes, kill switches) change no intent.
  if (intentId === null) return;
  const parsed = body();
  switch (record.kind) {
    case 'decision':
      return applyDecision(tx, record, intentId, parsed as DecisionBody);
    case 'observation': {
      const body = parsed as {
        observed: string; status?: string; decision?: null; request?: SealedRequest; policy?: { version: string };
        received_at?: string; intent_status?: string | null;
      };
      if (body.status === 'observed' && body.request && body.policy) {
        const receivedAt = body.received_at ?? record.time;
        const request = body.request;
        await tx.intents.insert({
          org_id: record.org_id, id: intentId, seq: record.seq, received_at: receivedAt, received_ms: Date.parse(receivedAt),
          source: request.source, outcome: 'observed', status: 'observed', amount_cents: request.amount_cents,
          currency: request.currency, customer_id: request.customer_id ?? null, stripe_account: request.stripe_account ?? null,
          stripe_charge_id: request.stripe_charge_id ?? null, policy_version: versionNumber(body.policy.version),
          matched_rule: null, requested_by: null, approver_roles: null, approvals_required: null, expires_ms: null, held_from: null,
        });
      } else if (body.observed === 'refund_failed' && body.intent_status === 'observed') {
        await tx.intents.setStatus(record.org_id, intentId, 'failed', null);
      }
      return;
    }
    case 'approval':
    case 'denial': {
      const body = parsed as { user_id: string; role: string; status: IntentStatus };
      await tx.approvals.insert({
        org_id: record.org_id, intent_id: intentId, user_id: body.user_id, verdict: record.kind === 'approval' ? 'approve' : 'deny',
        role: body.role, seq: record.seq, time: record.time,
      });
      // A pending intent is never held, so it has no status to return to.
      await tx.intents.setStatus(record.org_id, intentId, body.status, null);
      return;
    }
    case 'expiry':
      await tx.intents.setStatus(record.org_id, intentId, 'expired', null);
      return;
    case 'execution': {
      const body = parsed as { status: IntentStatus };
      await tx.intents.setStatus(record.org_id, intentId, body.status, null);
      return;
    }
    case 'control': {
      const body = parsed as { control: string; action: string; status: IntentStatus; from_status?: IntentStatus };
      if (body.control !== 'hold') return;
      if (body.action === 'on') await tx.intents.setStatus(record.org_id, intentId, 'held', body.from_status ?? null);
      else await tx.intents.setStatus(record.org_id, intentId, body.status, null);
      return;
    }
    default:
      return;
  }
}

async function applyDecision(tx: Repositories, record: ProjectedRecord, intentId: string, body: DecisionBody): Promise<void> {
  const { request, decision } = body;
  // What the policy said (the would-be decision in observe mode) is what the intent's outcome
  // and matched rule record; the status follows what the caller was told.
  const policyDecision = decision.would_be ?? decision;
  const receivedMs = Date.parse(record.time);
  const liveVersion = versionNumber(body.policy.version);
  const pending = decision.outcome === 'pending_approval';
  let expiresMs: number | null = null;
  if (pending) {
    // Records sealed before `expires_at` was sealed: the organisation's TTL as it is now.
    expiresMs = body.expires_at !== undefined
      ? Date.parse(body.expires_at)
      : receivedMs + ((await tx.organisations.get(record.org_id))?.approval_ttl_ms ?? DEFAULT_APPROVAL_TTL_MS);
  }
  await tx.intents.insert({
    org_id: record.org_id,
    id: intentId,
    seq: record.seq,
    received_at: record.time,
    received_ms: receivedMs,
    source: request.source,
    outcome: policyDecision.outcome,
    status: statusForOutcome(decision.outcome),
    amount_cents: request.amount_cents,
    currency: request.currency,
    customer_id: request.customer_id ?? null,
    stripe_account: request.stripe_account ?? null,
    stripe_charge_id: request.stripe_charge_id ?? null,
    policy_version: liveVersion,
    matched_rule: policyDecision.matched_rule,
    requested_by: request.requested_by ?? null,
    approver_roles: pending ? JSON.stringify(decision.approver_roles ?? []) : null,
    approvals_required: pending ? (decision.approvals_required ?? 1) : null,
    expires_ms: expiresMs,
    held_from: null,
  });
  if (decision.enforced === false) await tx.shadows.markNotEnforced(record.org_id, intentId);
  const shadows = body.shadow_policies ?? [];
  for (const [index, shadow] of shadows.entries()) {
    const said = decision.shadow?.[index];
    if (!said) continue;
    await tx.shadows.insertDecision({
      org_id: record.org_id, policy_version: versionNumber(shadow.version), seq: record.seq, intent_id: intentId,
      received_ms: receivedMs, amount_cents: request.amount_cents, currency: request.currency,
      live_version: liveVersion, live_outcome: policyDecision.outcome, live_rule: policyDecision.matched_rule,
      outcome: said.outcome as Outcome, matched_rule: said.matched_rule,
    });
  }
}
