// Sealing a batch of decisions in one write transaction: for each request, in arrival order,
// the authoritative checks (idempotency, live policy, declared source), the computed facts,
// the decision, the hash-chained record and the idempotency row. The intent row, shadow rows
// and Merkle nodes are projections of the record, applied later (server/src/projections). Everything a
// request writes is written after everything it could be rejected for, so a rejected request
// leaves nothing behind and the rest of the batch proceeds.

import type { Decision, LoadedPolicy, Outcome } from '@axiru/runtime';
import { ApiError } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import { DEFAULT_APPROVAL_TTL_MS, intentsProjection } from '../projections/intentsProjection.js';
import { listsProjection } from '../projections/listsProjection.js';
import { ProjectionSession } from '../projections/ProjectionSession.js';
import { CanonicalJsonError, type JsonValue } from '@axiru/runtime';
import type { ControlRow, Organisation, Repositories } from '../repositories/types.js';
import { controlBlocking, type ControlView } from './controls.js';
import type { Facts } from './computeFacts.js';
import type { DecisionRequest } from './decisionRequest.js';
import type { EventSink, IntentEvent } from './IntentActions.js';
import type { ListCache, ListsRead } from './ListCache.js';
import type { PolicyCache } from './PolicyCache.js';
import {
  evaluatePolicies, loadShadowPolicies, modeOf, observeReason, plainDecision, type Evaluation, type ShadowDecisionView,
} from './shadowEvaluation.js';

export interface PendingDecision {
  readonly orgId: string;
  /** `api_key:<id>` of the key that asked. */
  readonly actor: string;
  readonly intentId: string;
  readonly receivedAt: string;
  readonly receivedMs: number;
  readonly request: DecisionRequest;
  readonly idempotency: { readonly key: string; readonly requestHash: string } | null;
}

export type SealResult =
  | { readonly kind: 'sealed'; readonly statusCode: 200; readonly body: string; readonly outcome: Outcome; readonly seq: number }
  | { readonly kind: 'replayed'; readonly statusCode: number; readonly body: string }
  | { readonly kind: 'rejected'; readonly error: ApiError };

/** The decision as the API returns and the ledger records it: the seed's fields first. */
export interface DecisionView extends Decision {
  /** Set when a control (kill switch, freeze) decided instead of the policy. */
  readonly control?: ControlView;
  /** Observe mode only: false when the policy's decision was recorded but not enforced. */
  readonly enforced?: boolean;
  /** Observe mode only: what the live policy decided. */
  readonly would_be?: DecisionView;
  /** The running shadow policies' decisions on the same input and facts (never enforced). */
  readonly shadow?: readonly ShadowDecisionView[];
}


/** The exact response bytes of a sealed decision (also what an idempotent replay returns). */
export function decisionResponseJson(decision: DecisionView, intentId: string, receivedAt: string): string {
  return JSON.stringify({ decision, intent_id: intentId, received_at: receivedAt });
}

export { DEFAULT_APPROVAL_TTL_MS, statusForOutcome } from '../projections/intentsProjection.js';

export interface SealOptions {
  readonly idempotencyTtlMs: number;
  /** Collects the events of the batch (a new approval request is `intent.pending_approval`). */
  readonly events?: IntentEvent[];
  /** Receives the batch's events inside the transaction (the webhook outbox). */
  readonly onEvents?: EventSink;
  /** The lists' Sets by version (one per server, so a list is loaded once per change). */
  readonly lists: ListCache;
}

export async function sealDecisions(
  tx: Repositories, items: readonly PendingDecision[], cache: PolicyCache, options: SealOptions,
): Promise<SealResult[]> {
  const chain = new ChainAppender(tx);
  // The intents view, in this transaction: caught up before the facts of a policy that uses
  // facts are computed, so they count every earlier decision of the organisation, this batch's
  // included. A batch whose policies use no facts leaves it behind the chain.
  const intentsView = new ProjectionSession(tx, [intentsProjection]);
  // The lists view likewise, caught up before a policy that reads lists is evaluated, so a
  // decision sees every list change sealed before it.
  const listsView = new ProjectionSession(tx, [listsProjection]);
  const livePolicies = new Map<string, LiveOrg>();
  // Controls are read inside this write transaction, and every control change is its own
  // write transaction: a control sealed before this batch applies to all of it, and none can
  // appear in the middle of it. So no request in scope is allowed after the control's record.
  const controls = new Map<string, readonly ControlRow[]>();
  const results: SealResult[] = [];
  for (const item of items) {
    let active = controls.get(item.orgId);
    if (!active) {
      active = await tx.controls.active(item.orgId);
      controls.set(item.orgId, active);
    }
    results.push(await sealOne(tx, chain, { intents: intentsView, lists: listsView }, item, cache, livePolicies, options, active));
  }
  await chain.finish();
  await intentsView.finish();
  await listsView.finish();
  if (options.events && options.events.length > 0) await options.onEvents?.(tx, options.events);
  return results;
}

interface LiveOrg {
  readonly org: Organisation | null;
  readonly policy: LoadedPolicy | null;
  readonly shadows: readonly LoadedPolicy[];
  /** Every list the live and shadow policies declare, each once. */
  readonly lists: readonly string[];
}

async function livePolicy(
  tx: Repositories, cache: PolicyCache, orgId: string, memo: Map<string, LiveOrg>,
): Promise<LiveOrg> {
  const known = memo.get(orgId);
  if (known) return known;
  const org = await tx.organisations.get(orgId);
  const policy = org?.live_policy_version == null ? null : await cache.byVersion(tx, orgId, org.live_policy_version);
  const shadows = await loadShadowPolicies(tx, cache, org);
  const lists = [...new Set([policy, ...shadows].flatMap((loaded) => loaded?.ir.lists ?? []))].sort();
  const live = { org, policy, shadows, lists };
  memo.set(orgId, live);
  return live;
}

async function sealOne(
  tx: Repositories,
  chain: ChainAppender,
  views: { readonly intents: ProjectionSession; readonly lists: ProjectionSession },
  item: PendingDecision,
  cache: PolicyCache,
  livePolicies: Map<string, LiveOrg>,
  options: SealOptions,
  controls: readonly ControlRow[],
): Promise<SealResult> {
  const { request } = item;
  if (item.idempotency) {
    const previous = await tx.idempotency.get(item.orgId, item.idempotency.key);
    if (previous && previous.created_ms > item.receivedMs - options.idempotencyTtlMs) {
      if (previous.request_hash !== item.idempotency.requestHash) return { kind: 'rejected', error: idempotencyMismatch() };
      return { kind: 'replayed', statusCode: previous.status_code, body: previous.response };
    }
  }

  const { policy, org, shadows, lists } = await livePolicy(tx, cache, item.orgId, livePolicies);
  if (!policy) return { kind: 'rejected', error: noLivePolicy() };
  if (!policy.ir.sources.includes(request.source)) return { kind: 'rejected', error: undeclaredSource(request.source, policy.ir.sources) };

  // Controls come before the policy (kill switch > merchant freeze); a controlled request is
  // blocked without computing facts or evaluating the policy.
  const control = controlBlocking(controls, request.source, request.stripe_account ?? null);
  // Controls bind in observe mode too (they are explicit human actions), and a controlled
  // request evaluates no policy, so it has no shadow decisions either.
  const observing = modeOf(org) === 'observe';
  let facts: Facts = {};
  let decision: DecisionView;
  let evaluation: Evaluation | null = null;
  let listsRead: ListsRead | null = null;
  if (control) {
    decision = {
      outcome: 'block', reason: control.reason, policy_version: policy.policyVersion, matched_rule: null,
      approver_role: null, approver_roles: null, approvals_required: null, matched_rules: [], missing_fields: [],
      control: control.view,
      ...(observing ? { enforced: true } : {}),
    };
  } else {
    // Applies what earlier batches left behind; this batch's records are applied as sealed (below).
    if (usesFacts(policy, shadows)) await views.intents.catchUp(item.orgId);
    if (lists.length > 0) {
      await views.lists.catchUp(item.orgId);
      listsRead = await options.lists.read(tx, item.orgId, lists);
    }
    try {
      evaluation = await evaluatePolicies(tx, item.orgId, policy, shadows, request, item.receivedMs, listsRead?.input ?? null);
    } catch {
      // decide() is total by contract; if it ever throws, refuse this request and seal nothing.
      return { kind: 'rejected', error: new ApiError(500, 'internal_error', 'The policy could not be evaluated; nothing was recorded.') };
    }
    facts = evaluation.facts;
    decision = respondedDecision(evaluation, observing);
  }

  const body: Record<string, JsonValue> = {
    request: request as unknown as JsonValue,
    facts,
    policy: { name: policy.policy, version: policy.policyVersion, ir_hash: policy.hash },
    // The version of each list the policies read (audit replay reads the lists at these versions).
    ...(listsRead ? { list_versions: listsRead.versions } : {}),
    decision: decision as unknown as JsonValue,
  };
  if (evaluation?.shadow) {
    body['shadow_policies'] = shadows.map((shadow) => ({ name: shadow.policy, version: shadow.policyVersion, ir_hash: shadow.hash }));
    // A shadow reading local time in another zone than the live policy's: its own values.
    if (evaluation.shadowFacts) body['shadow_facts'] = evaluation.shadowFacts;
  }
  if (item.idempotency) body['idempotency_key'] = item.idempotency.key;
  // The intents view reads the approval deadline from the record (the TTL may change later).
  if (decision.outcome === 'pending_approval') {
    body['expires_at'] = new Date(item.receivedMs + (org?.approval_ttl_ms ?? DEFAULT_APPROVAL_TTL_MS)).toISOString();
  }
  let record;
  try {
    record = await chain.append({
      org_id: item.orgId, kind: 'decision', intent_id: item.intentId, time: item.receivedAt, actor: item.actor, body,
    });
  } catch (error) {
    // Validation admits only canonicalizable values, so this is a safety net; the record is
    // serialized before anything is written, so refusing this request leaves the batch intact.
    if (error instanceof CanonicalJsonError) {
      return { kind: 'rejected', error: new ApiError(400, 'invalid_request', 'The request holds a value that cannot be sealed (e.g. an unpaired surrogate).') };
    }
    throw error;
  }
  // The next decision of this batch counts this one in its facts.
  if (usesFacts(policy, shadows)) await views.intents.applyAppended(record, body);
  if (lists.length > 0) await views.lists.applyAppended(record, body);

  if (decision.outcome === 'pending_approval' && options.events) {
    options.events.push({
      type: 'intent.pending_approval', org_id: item.orgId, intent_id: item.intentId, time: item.receivedAt,
      data: {
        status: 'pending_approval', source: request.source, amount_cents: request.amount_cents, currency: request.currency,
        customer_id: request.customer_id ?? null, requested_by: request.requested_by ?? null,
        matched_rule: decision.matched_rule, reason: decision.reason, approver_roles: decision.approver_roles ?? [],
        approvals_required: decision.approvals_required ?? 1,
        refund: {
          stripe_charge_id: request.stripe_charge_id ?? null, amount_cents: request.amount_cents,
          currency: request.currency, stripe_account: request.stripe_account ?? null,
        },
      },
    });
  }

  const response = decisionResponseJson(decision, item.intentId, item.receivedAt);
  if (item.idempotency) {
    await tx.idempotency.put({
      org_id: item.orgId,
      key: item.idempotency.key,
      request_hash: item.idempotency.requestHash,
      status_code: 200,
      response,
      created_ms: item.receivedMs,
    });
  }
  return { kind: 'sealed', statusCode: 200, body: response, outcome: decision.outcome, seq: record.seq };
}

function usesFacts(policy: LoadedPolicy, shadows: readonly LoadedPolicy[]): boolean {
  return policy.ir.facts.length > 0 || shadows.some((shadow) => shadow.ir.facts.length > 0);
}

/** What the caller is told: the live decision, or in observe mode an allow carrying it as `would_be`. */
export function respondedDecision(evaluation: Evaluation, observing: boolean): DecisionView {
  const live: DecisionView = plainDecision(evaluation.decision);
  const shadow = evaluation.shadow ? { shadow: evaluation.shadow } : {};
  if (!observing) return { ...live, ...shadow };
  return {
    outcome: 'allow', reason: observeReason(evaluation.decision), policy_version: live.policy_version, matched_rule: null,
    approver_role: null, approver_roles: null, approvals_required: null, matched_rules: [], missing_fields: [],
    enforced: false, would_be: live, ...shadow,
  };
}

export function idempotencyMismatch(): ApiError {
  return new ApiError(422, 'idempotency_key_reused',
    'This Idempotency-Key was already used with a different request body in the last 24 hours; use a new key for a new request.',
    'idempotency-key');
}

export function idempotencyInFlight(): ApiError {
  return new ApiError(409, 'idempotency_in_flight',
    'A request with this Idempotency-Key is still being processed; retry after it completes to get its response.',
    'idempotency-key');
}

export function noLivePolicy(): ApiError {
  return new ApiError(409, 'no_live_policy', 'This organisation has no live policy: publish one (POST /api/policies) and activate it.');
}

export function undeclaredSource(source: string, sources: readonly string[]): ApiError {
  return new ApiError(400, 'invalid_field',
    `source "${source}" is not declared by the live policy; allowed sources: ${sources.join(', ')}.`, 'source');
}
