import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import type { Axiru, FailMode } from './Axiru.js';
import { AxiruApiError, AxiruMismatchError, AxiruReportError, AxiruTimeoutError, AxiruUnavailableError, isUnavailable } from './errors.js';
import type { Decision, DecisionRequest, Intent, IntentStatus } from './types.js';

/** What guardedRefund needs of a Stripe instance: refunds and charges, nothing else. */
export type StripeLike = Pick<Stripe, 'refunds' | 'charges'>;

/** Refund metadata key carrying the intent id, so Stripe's webhooks can be matched to the decision. */
export const INTENT_METADATA_KEY = 'axiru_intent_id';

export interface GuardedRefundParams {
  /** The charge to refund (`ch_…`). */
  readonly charge: string;
  /**
   * Minor units. Required: a "refund what is left" default would change between a first attempt
   * and its retry, and the amount decided must be the amount refunded.
   */
  readonly amount: number;
  /** Checked against the charge's currency (Stripe refunds in the charge's currency). */
  readonly currency?: string;
  /** Stripe's refund reason; also what the policy sees unless `policy_reason` is given. */
  readonly reason?: Stripe.RefundCreateParams.Reason;
  /** The reason the policy sees, e.g. `duplicate_charge`. */
  readonly policy_reason?: string;
  /** Who asks, as the policy names it: `support_tool`, `ai_agent`, … */
  readonly source: string;
  /** A user id or an agent name; that requester can never approve this refund. */
  readonly requested_by?: string;
  /** Defaults to the charge's customer. */
  readonly customer_id?: string;
  /** A Connect account: the charge and the refund live on it. */
  readonly stripe_account?: string;
  readonly customer_tenure_days?: number;
  /** Sent to the policy and copied onto the refund (with `axiru_intent_id` added). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface GuardedRefundOptions {
  readonly axiru: Axiru;
  /** On `pending_approval`, wait for the approval and then execute (default: return `pending` at once). */
  readonly wait?: boolean;
  /** How long to wait for an approval (default 15 minutes); then the result is `pending`. */
  readonly timeoutMs?: number;
  readonly minIntervalMs?: number;
  readonly maxIntervalMs?: number;
  /** Cancels the decision request or the wait. Never honoured once Stripe has been called. */
  readonly signal?: AbortSignal;
  /**
   * Makes a retry of this refund (after a crash, a timeout, a restart) find the same decision
   * and the same Stripe refund. Default: derived from the params, so the same refund asked twice
   * within 24 h is one refund. Pass a distinct key to make a deliberate second identical refund.
   */
  readonly idempotencyKey?: string;
  /** Overrides the client's failMode for this call. */
  readonly failMode?: FailMode;
  /** Executes an intent decided earlier (e.g. a `pending` result since approved) instead of asking again. */
  readonly intentId?: string;
}

export interface IntentRef {
  readonly id: string;
  readonly status: IntentStatus;
  readonly received_at: string;
}

export type GuardedRefundResult =
  | {
    readonly status: 'executed';
    readonly refund: Stripe.Refund;
    readonly intent: IntentRef;
    readonly decision: Decision;
    /** True when an earlier attempt had already made (and reported) this refund. */
    readonly already_executed: boolean;
  }
  | { readonly status: 'pending'; readonly reason: string; readonly intent: IntentRef; readonly decision: Decision }
  | {
    readonly status: 'blocked' | 'denied' | 'expired' | 'held' | 'failed';
    readonly reason: string;
    readonly intent: IntentRef;
    readonly decision: Decision;
  }
  | {
    /** failMode 'open' only: Axiru could not be reached and the refund was made WITHOUT a decision. */
    readonly status: 'executed_without_decision';
    readonly refund: Stripe.Refund;
    readonly intent: null;
    readonly decision: null;
    readonly error: unknown;
  };

const STRIPE_REASONS: ReadonlySet<string> = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

/**
 * Asks Axiru for a decision about a refund, then acts on it with the caller's own Stripe
 * instance: executes allowed/flagged refunds (and approved ones when waiting), reports the
 * execution, and never calls Stripe for a blocked, denied, expired or held one.
 *
 * The refund is always exactly the decided amount on the decided charge. Stripe's
 * idempotency key is `axiru-refund-<intent id>`, and a retry first looks for a refund carrying
 * the intent id in its metadata, so one intent never yields two refunds.
 */
export async function guardedRefund(
  stripe: StripeLike, params: GuardedRefundParams, options: GuardedRefundOptions,
): Promise<GuardedRefundResult> {
  checkParams(params);
  const { axiru } = options;
  const stripeOptions: Stripe.RequestOptions = params.stripe_account ? { stripeAccount: params.stripe_account } : {};
  // A read: the facts a policy may ask for (charge amount and age, customer, currency).
  const charge = await stripe.charges.retrieve(params.charge, {}, stripeOptions);
  const request = decisionRequest(params, charge, axiru.timers.now());
  const run: Run = { stripe, params, options, stripeOptions, request };

  if (options.intentId !== undefined) {
    const intent = await axiru.getIntent(options.intentId, signalOnly(options));
    checkDecided(intent.request, request);
    return settle(run, intent, true);
  }

  const idempotencyKey = options.idempotencyKey ?? derivedKey(request);
  let decided;
  try {
    decided = await axiru.decide(request, { idempotencyKey, ...signalOnly(options) });
  } catch (error) {
    // Only "could not get an answer" is unavailability; a 4xx (bad key, bad field) is never
    // an outage, so it never opens the gate.
    if (!isUnavailable(error)) throw error;
    if ((options.failMode ?? axiru.failMode) === 'open') return refundWithoutDecision(run, idempotencyKey, error);
    throw new AxiruUnavailableError(
      `Axiru could not be reached for a decision, so no refund was made (failMode 'closed'): ${(error as Error).message}`,
      { cause: error },
    );
  }

  const ref: IntentRef = { id: decided.intent_id, status: initialStatus(decided.decision), received_at: decided.received_at };
  // A replayed decision may be a day old: what happened since (approval, hold, execution) counts.
  if (decided.replayed) return settle(run, await axiru.getIntent(decided.intent_id, signalOnly(options)), true);

  switch (decided.decision.outcome) {
    case 'allow':
    case 'flag':
      return execute(run, ref, decided.decision, request, false);
    case 'block':
      return { status: 'blocked', reason: decided.decision.reason, intent: ref, decision: decided.decision };
    case 'pending_approval':
      if (!options.wait) return { status: 'pending', reason: decided.decision.reason, intent: ref, decision: decided.decision };
      return settle(run, await waitOrLast(run, ref.id), false, false);
  }
}

interface Run {
  readonly stripe: StripeLike;
  readonly params: GuardedRefundParams;
  readonly options: GuardedRefundOptions;
  readonly stripeOptions: Stripe.RequestOptions;
  readonly request: DecisionRequest;
}

/**
 * Acts on an intent's current status. `resumed`: an earlier attempt may already have refunded.
 * `mayWait`: false once a wait has run out, so a still-pending intent is returned as pending.
 */
async function settle(run: Run, intent: Intent, resumed: boolean, mayWait = true): Promise<GuardedRefundResult> {
  const ref: IntentRef = { id: intent.intent_id, status: intent.status, received_at: intent.received_at };
  const decision = intent.decision;
  switch (intent.status) {
    case 'allowed':
    case 'approved':
      return execute(run, ref, decision, intent.request, resumed);
    case 'executed':
      return alreadyExecuted(run, intent);
    case 'pending_approval':
      if (!run.options.wait || !mayWait) return { status: 'pending', reason: decision.reason, intent: ref, decision };
      return settle(run, await waitOrLast(run, intent.intent_id), resumed, false);
    case 'blocked':
      return { status: 'blocked', reason: decision.reason, intent: ref, decision };
    case 'denied':
    case 'expired':
    case 'held':
    case 'failed':
      return { status: intent.status, reason: statusReason(intent), intent: ref, decision };
    case 'observed':
      throw new AxiruMismatchError(`Intent ${intent.intent_id} is a refund observed at Stripe, not a request to execute.`);
  }
}

/** Waits for the approval; a timeout gives back the still-pending intent rather than an error. */
async function waitOrLast(run: Run, id: string): Promise<Intent> {
  const { axiru, timeoutMs, minIntervalMs, maxIntervalMs, signal } = run.options;
  try {
    return await axiru.waitForDecision(id, {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(minIntervalMs !== undefined ? { minIntervalMs } : {}),
      ...(maxIntervalMs !== undefined ? { maxIntervalMs } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof AxiruTimeoutError && error.intent) return error.intent;
    throw error;
  }
}

async function execute(
  run: Run, ref: IntentRef, decision: Decision, decided: DecisionRequest, resumed: boolean,
): Promise<GuardedRefundResult> {
  const { stripe, params, options, stripeOptions } = run;
  checkDecided(decided, run.request);
  let refund = resumed ? await findRefund(stripe, params.charge, ref.id, stripeOptions) : null;
  refund ??= await stripe.refunds.create({
    charge: params.charge,
    // The decided amount, never the asked one: they are equal (checked above) or we stopped.
    amount: decided.amount_cents,
    ...(params.reason && STRIPE_REASONS.has(params.reason) ? { reason: params.reason } : {}),
    metadata: { ...params.metadata, [INTENT_METADATA_KEY]: ref.id },
  }, { ...stripeOptions, idempotencyKey: `axiru-refund-${ref.id}` });

  // From here on the money has moved: the report is finished even if the caller aborts.
  try {
    await options.axiru.reportExecuted(ref.id, refund.id);
  } catch (error) {
    if (!(await reportedBefore(options.axiru, ref.id, refund.id, error))) {
      throw new AxiruReportError(
        `Stripe made refund ${refund.id} for intent ${ref.id}, but Axiru was not told: ${(error as Error).message} `
        + 'Retry guardedRefund with the same idempotencyKey (it finds this refund), or call reportExecuted.',
        ref.id, refund, { cause: error },
      );
    }
  }
  return { status: 'executed', refund, intent: { ...ref, status: 'executed' }, decision, already_executed: false };
}

/** A 409 not_executable after a lost answer: the first report did get through. */
async function reportedBefore(axiru: Axiru, intentId: string, refundId: string, error: unknown): Promise<boolean> {
  if (!(error instanceof AxiruApiError) || error.code !== 'not_executable') return false;
  const intent = await axiru.getIntent(intentId).catch(() => null);
  return intent?.status === 'executed'
    && intent.events.some((event) => event.kind === 'execution' && event.body['stripe_refund_id'] === refundId);
}

async function alreadyExecuted(run: Run, intent: Intent): Promise<GuardedRefundResult> {
  const execution = [...intent.events].reverse().find((event) => event.kind === 'execution');
  const refundId = execution?.body['stripe_refund_id'];
  const refund = typeof refundId === 'string'
    ? await run.stripe.refunds.retrieve(refundId, {}, run.stripeOptions)
    : await findRefund(run.stripe, run.params.charge, intent.intent_id, run.stripeOptions);
  if (!refund) throw new AxiruMismatchError(`Intent ${intent.intent_id} is executed, but no refund for it was found on ${run.params.charge}.`);
  return {
    status: 'executed', refund, already_executed: true, decision: intent.decision,
    intent: { id: intent.intent_id, status: intent.status, received_at: intent.received_at },
  };
}

/**
 * The refund an earlier attempt made for this intent, if any. Stripe keeps idempotency keys
 * for 24 hours only; the metadata outlives them.
 */
async function findRefund(
  stripe: StripeLike, charge: string, intentId: string, stripeOptions: Stripe.RequestOptions,
): Promise<Stripe.Refund | null> {
  for await (const refund of stripe.refunds.list({ charge, limit: 100 }, stripeOptions)) {
    if (refund.metadata?.[INTENT_METADATA_KEY] === intentId) return refund;
  }
  return null;
}

async function refundWithoutDecision(run: Run, idempotencyKey: string, error: unknown): Promise<GuardedRefundResult> {
  const { stripe, params, stripeOptions } = run;
  const refund = await stripe.refunds.create({
    charge: params.charge,
    amount: params.amount,
    ...(params.reason && STRIPE_REASONS.has(params.reason) ? { reason: params.reason } : {}),
    // Marks the refund for whoever reads Stripe later: made while Axiru was unreachable.
    metadata: { ...params.metadata, axiru_decision: 'unavailable' },
  }, { ...stripeOptions, idempotencyKey: `axiru-unchecked-${idempotencyKey}` });
  return { status: 'executed_without_decision', refund, intent: null, decision: null, error };
}

function decisionRequest(params: GuardedRefundParams, charge: Stripe.Charge, nowMs: number): DecisionRequest {
  if (params.currency !== undefined && params.currency.toLowerCase() !== charge.currency.toLowerCase()) {
    throw new AxiruMismatchError(`Charge ${charge.id} is in ${charge.currency}; a refund of it cannot be in ${params.currency}.`);
  }
  const customer = params.customer_id ?? (typeof charge.customer === 'string' ? charge.customer : charge.customer?.id ?? null);
  const policyReason = params.policy_reason ?? params.reason;
  return {
    source: params.source,
    action: 'refund',
    stripe_charge_id: params.charge,
    amount_cents: params.amount,
    currency: charge.currency.toLowerCase(),
    charge_amount_cents: charge.amount,
    // Whole days, so that a retry within the day sends the very same body (idempotency compares it).
    charge_age_days: Math.max(0, Math.floor((nowMs - charge.created * 1000) / 86_400_000)),
    ...(customer ? { customer_id: customer } : {}),
    ...(params.stripe_account ? { stripe_account: params.stripe_account } : {}),
    ...(policyReason ? { reason: policyReason } : {}),
    ...(params.requested_by ? { requested_by: params.requested_by } : {}),
    ...(params.customer_tenure_days !== undefined ? { customer_tenure_days: params.customer_tenure_days } : {}),
    ...(params.metadata ? { metadata: params.metadata } : {}),
  };
}

/** The refund about to be made must be the one that was decided. */
function checkDecided(decided: DecisionRequest, asked: DecisionRequest): void {
  const differences: string[] = [];
  if (decided.amount_cents !== asked.amount_cents) differences.push(`amount ${decided.amount_cents} was decided, ${asked.amount_cents} asked`);
  if ((decided.stripe_charge_id ?? null) !== asked.stripe_charge_id) differences.push(`charge ${decided.stripe_charge_id ?? 'none'} was decided, ${asked.stripe_charge_id} asked`);
  if ((decided.currency ?? '').toLowerCase() !== asked.currency) differences.push(`currency ${decided.currency} was decided, the charge is in ${asked.currency}`);
  if ((decided.stripe_account ?? null) !== (asked.stripe_account ?? null)) differences.push('the Connect account differs');
  if (differences.length > 0) throw new AxiruMismatchError(`Not refunding: ${differences.join('; ')}.`);
}

function checkParams(params: GuardedRefundParams): void {
  if (typeof params?.charge !== 'string' || params.charge === '') throw new TypeError('guardedRefund: params.charge (a ch_… id) is required.');
  if (!Number.isSafeInteger(params.amount) || params.amount < 1) {
    throw new TypeError(`guardedRefund: params.amount must be a positive integer number of minor units; got ${JSON.stringify(params.amount)}.`);
  }
  if (typeof params.source !== 'string' || params.source === '') throw new TypeError('guardedRefund: params.source is required.');
}

function derivedKey(request: DecisionRequest): string {
  // Computed facts (charge age) stay out: they are checked by the server's body comparison.
  const { charge_age_days: _age, ...stable } = request;
  return `guarded-refund-${createHash('sha256').update(stableJson(stable)).digest('hex').slice(0, 48)}`;
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

function initialStatus(decision: Decision): IntentStatus {
  switch (decision.outcome) {
    case 'allow': case 'flag': return 'allowed';
    case 'pending_approval': return 'pending_approval';
    case 'block': return 'blocked';
  }
}

function statusReason(intent: Intent): string {
  const last = (kind: string) => [...intent.events].reverse().find((event) => event.kind === kind);
  switch (intent.status) {
    case 'denied': {
      const denial = last('denial');
      const who = denial?.body['user_email'] ?? denial?.actor ?? 'an approver';
      const comment = denial?.body['comment'];
      return `Denied by ${String(who)}${typeof comment === 'string' && comment !== '' ? `: ${comment}` : '.'}`;
    }
    case 'expired':
      return `The approval request expired without enough approvals (${intent.decision.reason}).`;
    case 'held': {
      const hold = last('control');
      const reason = hold?.body['reason'];
      return `Held by ${hold?.actor ?? 'an administrator'}${typeof reason === 'string' && reason !== '' ? `: ${reason}` : '.'}`;
    }
    default:
      return `The intent is ${intent.status}.`;
  }
}

function signalOnly(options: GuardedRefundOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
