// Everything a person or a caller does to an intent after its decision — approve, deny,
// expire, hold, release, report execution — and the organisation-level controls (freeze, kill
// switch). Each action is one write transaction: it reads the intent, the active controls and
// the chain head inside it, checks every rule there, appends one record to the
// organisation's chain and updates the projections. Write transactions never interleave (the
// decision batches use the same store), so the chain orders everything, and two people acting
// at the same moment produce exactly one transition each, in chain order.

import type { LoadedPolicy } from '@axiru/runtime';
import type { JsonValue } from '@axiru/runtime';
import { ApiError, notFound } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import { intentsProjection } from '../projections/intentsProjection.js';
import { ProjectionSession } from '../projections/ProjectionSession.js';
import type { LedgerRecord } from '../ledger/record.js';
import type {
  ApprovalRow, ControlKind, ControlRow, IntentRow, IntentStatus, Organisation, Repositories, Store, UserRecord,
} from '../repositories/types.js';
import { killSwitchFor } from './controls.js';
import type { PolicyCache } from './PolicyCache.js';
import { actingRole } from './roles.js';

/** Something that happened, for webhooks and Slack (written in the same transaction). */
export interface IntentEvent {
  readonly type:
    | 'intent.pending_approval' | 'intent.approved' | 'intent.denied' | 'intent.expired'
    | 'intent.held' | 'intent.released' | 'intent.executed' | 'control.changed';
  readonly org_id: string;
  readonly intent_id: string | null;
  readonly time: string;
  readonly data: { readonly [key: string]: JsonValue };
}

/** Receives the events of a transaction, inside it (the webhook outbox). */
export type EventSink = (tx: Repositories, events: readonly IntentEvent[]) => Promise<void>;

export interface Actor {
  /** `user:<id>` or `api_key:<id>`. */
  readonly id: string;
  readonly user: UserRecord | null;
}

export interface ActionResult {
  readonly intent_id: string;
  readonly status: IntentStatus;
  readonly approvals: number;
  readonly approvals_required: number | null;
  readonly record: { readonly seq: number; readonly kind: string; readonly hash: string };
}

export interface ControlResult {
  readonly control: ControlRow;
  readonly record: { readonly seq: number; readonly kind: string; readonly hash: string };
}

export interface IntentActionsOptions {
  readonly clock: () => Date;
  readonly onEvents?: EventSink;
  /** Called after a transaction committed, with its events (Slack message updates). */
  readonly afterCommit?: (events: readonly IntentEvent[]) => void;
}

/** A rule was broken; the transaction still commits what it already sealed (an expiry). */
export class Refusal {
  constructor(readonly error: ApiError) {}
}

function recordRef(record: LedgerRecord) {
  return { seq: record.seq, kind: record.kind, hash: record.hash };
}

function parseRoles(json: string | null): string[] {
  return json === null ? [] : (JSON.parse(json) as string[]);
}

function describeRoles(roles: readonly string[]): string {
  return roles.length === 0 ? 'none' : roles.join(', ');
}

export class IntentActions {
  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly options: IntentActionsOptions,
  ) {}

  private now(): Date {
    return this.options.clock();
  }

  /**
   * Runs `work` in one write transaction with a chain appender; emits its events. Public so
   * that other sealed actions (Stripe confirming an execution) go through the same path.
   * The intents view of `orgId` (of every organisation when null) is caught up first, and each
   * record appended is applied to it at once, so every rule is checked against exact state.
   */
  async inChain<T>(
    orgId: string | null, work: (tx: Repositories, chain: ChainAppender, events: IntentEvent[]) => Promise<T | Refusal>,
  ): Promise<T> {
    const events: IntentEvent[] = [];
    const outcome = await this.store.transaction(async (tx) => {
      const session = new ProjectionSession(tx, [intentsProjection]);
      for (const id of orgId === null ? await tx.ledger.chainOrgIds() : [orgId]) await session.catchUp(id);
      const chain = new ChainAppender(tx, session);
      const result = await work(tx, chain, events);
      await chain.finish();
      if (events.length > 0 && this.options.onEvents) await this.options.onEvents(tx, events);
      return result;
    });
    if (events.length > 0) this.options.afterCommit?.(events);
    if (outcome instanceof Refusal) throw outcome.error;
    return outcome;
  }

  /** The live policy of an organisation, read through `repos` (the store, or a transaction). */
  async livePolicy(tx: Repositories, orgId: string): Promise<LoadedPolicy | null> {
    const org = await tx.organisations.get(orgId);
    return org?.live_policy_version == null ? null : this.cache.byVersion(tx, orgId, org.live_policy_version);
  }

  /** The original decision, as sealed, for records about the intent. */
  private async originalDecision(tx: Repositories, intent: IntentRow): Promise<JsonValue> {
    const records = await tx.ledger.byIntent(intent.org_id, intent.id);
    const record = records.find((candidate) => candidate.seq === intent.seq);
    if (!record) throw new Error(`intent ${intent.id} has no decision record`);
    return (JSON.parse(record.body) as { decision: JsonValue }).decision;
  }

  /** Seals the expiry of a pending intent whose time is up. */
  private async expire(tx: Repositories, chain: ChainAppender, events: IntentEvent[], intent: IntentRow, now: Date): Promise<LedgerRecord> {
    const time = now.toISOString();
    const record = await chain.append({
      org_id: intent.org_id, kind: 'expiry', intent_id: intent.id, time, actor: 'system',
      body: {
        expires_at: new Date(intent.expires_ms ?? now.getTime()).toISOString(),
        approvals: (await tx.approvals.forIntent(intent.org_id, intent.id)).filter((a) => a.verdict === 'approve').length,
        approvals_required: intent.approvals_required,
        original_decision: await this.originalDecision(tx, intent),
        status: 'expired',
      },
    });
    events.push({ type: 'intent.expired', org_id: intent.org_id, intent_id: intent.id, time, data: { status: 'expired' } });
    return record;
  }

  /**
   * Approves or denies. The rules, in order: the intent exists (in the caller's organisation),
   * is pending and not expired, is not held, no kill switch covers it (approvals only), the
   * user is not its requester, holds the required role or a more senior one in the live
   * policy, and has not acted on it before. The N-th distinct approval makes it `approved`;
   * one denial makes it `denied`.
   */
  act(org: Organisation, user: UserRecord, intentId: string, verdict: 'approve' | 'deny', comment: string | null, channel: 'api' | 'slack'): Promise<ActionResult> {
    return this.inChain(org.id, async (tx, chain, events) => {
      const now = this.now();
      const intent = await tx.intents.get(org.id, intentId);
      if (!intent) return new Refusal(notFound('intent', 'id'));
      const verb = verdict === 'approve' ? 'approved' : 'denied';
      if (intent.status === 'pending_approval' && intent.expires_ms !== null && intent.expires_ms <= now.getTime()) {
        await this.expire(tx, chain, events, intent, now);
        return new Refusal(new ApiError(409, 'approval_expired',
          `This approval request expired at ${new Date(intent.expires_ms).toISOString()}; it can no longer be ${verb}.`));
      }
      if (intent.status === 'expired') {
        return new Refusal(new ApiError(409, 'approval_expired', `This approval request has expired; it can no longer be ${verb}.`));
      }
      if (intent.status === 'held') {
        return new Refusal(new ApiError(409, 'intent_held', `This intent is on hold; release it before it can be ${verb}.`));
      }
      if (intent.status !== 'pending_approval') {
        return new Refusal(new ApiError(409, 'not_pending', `This intent is ${intent.status}, not pending approval; it cannot be ${verb}.`));
      }
      if (verdict === 'approve') {
        const kill = killSwitchFor(await tx.controls.active(org.id), intent.source);
        if (kill) {
          return new Refusal(new ApiError(409, 'control_active',
            `The kill switch (${kill.scope}) turned on by ${kill.actor} is on (${kill.reason}); nothing in its scope can be approved until it is turned off.`));
        }
      }
      if (intent.requested_by !== null && (intent.requested_by === user.id || intent.requested_by === user.email)) {
        return new Refusal(new ApiError(403, 'self_approval', `You requested this refund, so you cannot ${verdict} it; another approver must.`));
      }
      const required = parseRoles(intent.approver_roles);
      const policy = await this.livePolicy(tx, org.id);
      const role = policy ? actingRole(user.roles, required, policy.ir) : (required.find((r) => user.roles.includes(r)) ?? null);
      if (role === null) {
        return new Refusal(new ApiError(403, 'role_insufficient', required.length === 0
          ? 'This request names no approver role, so nobody can act on it.'
          : `Your roles (${describeRoles(user.roles)}) cannot ${verdict} a request that requires ${required.join(' or ')}.`));
      }
      const previous = await tx.approvals.forIntent(org.id, intent.id);
      const mine = previous.find((row) => row.user_id === user.id);
      if (mine) {
        return new Refusal(new ApiError(409, mine.verdict === 'approve' ? 'already_approved' : 'already_denied',
          `You already ${mine.verdict === 'approve' ? 'approved' : 'denied'} this request; ${intent.approvals_required ?? 1} distinct approvers are needed.`));
      }
      const approvals = previous.filter((row) => row.verdict === 'approve').length + (verdict === 'approve' ? 1 : 0);
      const requiredCount = intent.approvals_required ?? 1;
      const status: IntentStatus = verdict === 'deny' ? 'denied' : approvals >= requiredCount ? 'approved' : 'pending_approval';
      const time = now.toISOString();
      const record = await chain.append({
        org_id: org.id, kind: verdict === 'approve' ? 'approval' : 'denial', intent_id: intent.id, time, actor: `user:${user.id}`,
        body: {
          user_id: user.id, user_email: user.email, role, channel, comment,
          // Who the identity provider says approved, beside Axiru's own user id.
          ...(user.sso_issuer != null && user.sso_subject != null ? { sso: { issuer: user.sso_issuer, subject: user.sso_subject } } : {}),
          approvals, approvals_required: requiredCount, status,
          original_decision: await this.originalDecision(tx, intent),
        },
      });
      if (status !== intent.status) {
        events.push({
          type: status === 'approved' ? 'intent.approved' : 'intent.denied', org_id: org.id, intent_id: intent.id, time,
          data: { status, decided_by: user.id, decided_by_name: user.name, role, comment },
        });
      }
      return { intent_id: intent.id, status, approvals, approvals_required: requiredCount, record: recordRef(record) };
    });
  }

  /**
   * Expires every pending request whose time is up (also done lazily when someone acts on
   * one). Returns how many were expired. Runs in batches, one transaction each.
   */
  async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.inChain(null, async (tx, chain, events) => {
        const now = this.now();
        const due = await tx.intents.dueForExpiry(now.getTime(), 100);
        for (const intent of due) await this.expire(tx, chain, events, intent, now);
        return due.length;
      });
      total += count;
      if (count < 100) return total;
    }
  }

  /** Holds an intent: it cannot be approved or executed until released; its decision is untouched. */
  hold(org: Organisation, actor: Actor, intentId: string, reason: string | null): Promise<ActionResult> {
    return this.inChain(org.id, async (tx, chain, events) => {
      const now = this.now();
      const intent = await tx.intents.get(org.id, intentId);
      if (!intent) return new Refusal(notFound('intent', 'id'));
      if (intent.status === 'held') return new Refusal(new ApiError(409, 'already_held', 'This intent is already on hold.'));
      if (!['allowed', 'pending_approval', 'approved'].includes(intent.status)) {
        return new Refusal(new ApiError(409, 'not_holdable',
          `This intent is ${intent.status}; only allowed, pending_approval or approved intents can be held.`));
      }
      const time = now.toISOString();
      const record = await chain.append({
        org_id: org.id, kind: 'control', intent_id: intent.id, time, actor: actor.id,
        body: { control: 'hold', action: 'on', scope: `intent:${intent.id}`, reason, from_status: intent.status, status: 'held' },
      });
      events.push({ type: 'intent.held', org_id: org.id, intent_id: intent.id, time, data: { status: 'held', by: actor.id, reason } });
      return this.result(tx, intent, 'held', record);
    });
  }

  /** Releases a hold: the intent returns to the status it had. */
  release(org: Organisation, actor: Actor, intentId: string, reason: string | null): Promise<ActionResult> {
    return this.inChain(org.id, async (tx, chain, events) => {
      const now = this.now();
      const intent = await tx.intents.get(org.id, intentId);
      if (!intent) return new Refusal(notFound('intent', 'id'));
      if (intent.status !== 'held' || intent.held_from === null) {
        return new Refusal(new ApiError(409, 'not_held', `This intent is ${intent.status}, not on hold.`));
      }
      const status = intent.held_from;
      const time = now.toISOString();
      const record = await chain.append({
        org_id: org.id, kind: 'control', intent_id: intent.id, time, actor: actor.id,
        body: { control: 'hold', action: 'off', scope: `intent:${intent.id}`, reason, status },
      });
      events.push({ type: 'intent.released', org_id: org.id, intent_id: intent.id, time, data: { status, by: actor.id, reason } });
      return this.result(tx, intent, status, record);
    });
  }

  /** Records that the caller made the refund; only an allowed or approved intent can be executed. */
  executed(org: Organisation, actor: Actor, intentId: string, stripeRefundId: string): Promise<ActionResult> {
    return this.inChain(org.id, async (tx, chain, events) => {
      const now = this.now();
      const intent = await tx.intents.get(org.id, intentId);
      if (!intent) return new Refusal(notFound('intent', 'id'));
      if (intent.status !== 'allowed' && intent.status !== 'approved') {
        const why = intent.status === 'held' ? 'it is on hold' : intent.status === 'executed' ? 'it was already executed' : `it is ${intent.status}`;
        return new Refusal(new ApiError(409, 'not_executable', `Only allowed or approved intents can be executed; ${why}.`));
      }
      const time = now.toISOString();
      const record = await chain.append({
        org_id: org.id, kind: 'execution', intent_id: intent.id, time, actor: actor.id,
        body: { stripe_refund_id: stripeRefundId, from_status: intent.status, status: 'executed' },
      });
      events.push({ type: 'intent.executed', org_id: org.id, intent_id: intent.id, time, data: { status: 'executed', stripe_refund_id: stripeRefundId } });
      return this.result(tx, intent, 'executed', record);
    });
  }

  /** Turns a freeze or kill switch on. */
  controlOn(org: Organisation, actor: Actor, kind: ControlKind, scope: string, reason: string): Promise<ControlResult> {
    return this.inChain(org.id, async (tx, chain, events) => {
      const now = this.now();
      const existing = await tx.controls.get(org.id, kind, scope);
      if (existing) {
        return new Refusal(new ApiError(409, 'control_active',
          `${kind === 'freeze' ? `A freeze on ${scope}` : `The kill switch ${scope}`} is already on (since ${existing.created_at}, by ${existing.actor}).`));
      }
      const time = now.toISOString();
      const record = await chain.append({
        org_id: org.id, kind: 'control', intent_id: null, time, actor: actor.id,
        body: { control: kind, action: 'on', scope, reason },
      });
      const control: ControlRow = { org_id: org.id, kind, scope, reason, actor: actor.id, seq: record.seq, created_at: time };
      await tx.controls.put(control);
      events.push({ type: 'control.changed', org_id: org.id, intent_id: null, time, data: { control: kind, action: 'on', scope, reason, by: actor.id } });
      return { control, record: recordRef(record) };
    });
  }

  /** Turns a freeze or kill switch off. */
  controlOff(org: Organisation, actor: Actor, kind: ControlKind, scope: string, reason: string | null): Promise<ControlResult> {
    return this.inChain(org.id, async (tx, chain, events) => {
      const now = this.now();
      const existing = await tx.controls.get(org.id, kind, scope);
      if (!existing) {
        return new Refusal(new ApiError(404, 'not_found',
          kind === 'freeze' ? `No freeze is active for ${scope}.` : `No kill switch is on for scope ${scope}.`, 'scope'));
      }
      const time = now.toISOString();
      const record = await chain.append({
        org_id: org.id, kind: 'control', intent_id: null, time, actor: actor.id,
        body: { control: kind, action: 'off', scope, reason, turned_on_seq: existing.seq },
      });
      await tx.controls.remove(org.id, kind, scope);
      events.push({ type: 'control.changed', org_id: org.id, intent_id: null, time, data: { control: kind, action: 'off', scope, reason, by: actor.id } });
      return { control: existing, record: recordRef(record) };
    });
  }

  private async result(tx: Repositories, intent: IntentRow, status: IntentStatus, record: LedgerRecord): Promise<ActionResult> {
    const approvals = (await tx.approvals.forIntent(intent.org_id, intent.id)).filter((row) => row.verdict === 'approve').length;
    return { intent_id: intent.id, status, approvals, approvals_required: intent.approvals_required, record: recordRef(record) };
  }
}
