import { AxiruApiError, AxiruNetworkError, AxiruTimeoutError, isTransient } from './errors.js';
import { guardedRefund, type GuardedRefundOptions, type GuardedRefundParams, type GuardedRefundResult, type StripeLike } from './guardedRefund.js';
import { realTimers, type Timers } from './timers.js';
import type { DecisionRequest, DecisionResponse, ExecutionReport, Intent, IntentStatus } from './types.js';
import type { AxiruWebhookEvent } from './types.js';
import { constructWebhookEvent, verifyWebhook, type VerifyWebhookOptions } from './webhooks.js';

export type FailMode = 'closed' | 'open';

export interface AxiruOptions {
  /** A decision key (`sk_test_…` / `sk_live_…`). It can decide, read intents and report executions; it cannot approve. */
  readonly apiKey: string;
  /** e.g. `https://axiru.example.com` (no trailing `/api`). */
  readonly baseUrl: string;
  /** Per-request timeout (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** Extra attempts after a transient failure of a request that is safe to repeat (default 2). */
  readonly retries?: number;
  /**
   * What `guardedRefund` does when Axiru cannot be reached (default `'closed'`: no refund
   * without a decision). See the README before choosing `'open'`.
   */
  readonly failMode?: FailMode;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Defaults to the system clock and real timers. */
  readonly timers?: Timers;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
}

export interface DecideOptions extends RequestOptions {
  /**
   * Sent as `Idempotency-Key`: the same key and body within 24 h return the first decision
   * (the same intent) instead of sealing a new one. Only with a key are transient failures retried.
   */
  readonly idempotencyKey?: string;
}

export interface WaitOptions extends RequestOptions {
  /** Give up after this long (default 15 minutes); rejects with AxiruTimeoutError. */
  readonly timeoutMs?: number;
  /** First pause between polls (default 500 ms); each later pause doubles, up to `maxIntervalMs`. */
  readonly minIntervalMs?: number;
  /** Longest pause between polls (default 10 000 ms). */
  readonly maxIntervalMs?: number;
}

interface HttpResult<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** Statuses in which an intent still waits for a person. */
const WAITING: ReadonlySet<IntentStatus> = new Set(['pending_approval']);

const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * A client of one Axiru organisation. It never sees a Stripe key: `guardedRefund` uses the
 * caller's own Stripe instance.
 */
export class Axiru {
  readonly failMode: FailMode;
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly fetchImpl: typeof fetch;
  readonly timers: Timers;

  constructor(options: AxiruOptions) {
    if (typeof options?.apiKey !== 'string' || options.apiKey === '') throw new TypeError('Axiru: apiKey is required.');
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new TypeError('Axiru: baseUrl must be an http(s) URL such as https://axiru.example.com.');
    }
    if (options.failMode !== undefined && options.failMode !== 'closed' && options.failMode !== 'open') {
      throw new TypeError(`Axiru: failMode must be 'closed' or 'open'; got ${JSON.stringify(options.failMode)}.`);
    }
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.failMode = options.failMode ?? 'closed';
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timers = options.timers ?? realTimers;
  }

  /** Asks for a decision. The answer is already sealed in the ledger when it arrives. */
  async decide(request: DecisionRequest, options: DecideOptions = {}): Promise<DecisionResponse> {
    const headers: Record<string, string> = options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey };
    const send = () => this.request<Omit<DecisionResponse, 'replayed'>>('POST', '/api/decision', request, headers, options.signal);
    // Without an idempotency key a repeated POST could seal a second intent, so it is sent once.
    const result = options.idempotencyKey === undefined ? await send() : await this.withRetries(send, options.signal);
    return { ...result.body, replayed: result.headers.get('idempotent-replayed') === 'true' };
  }

  /** The sealed record of one intent, with its current status and every later event. */
  async getIntent(id: string, options: RequestOptions = {}): Promise<Intent> {
    const path = `/api/intents/${intentPath(id)}`;
    return (await this.withRetries(() => this.request<Intent>('GET', path, undefined, {}, options.signal), options.signal)).body;
  }

  /**
   * Polls the intent until it no longer waits for approval (approved, denied, expired, held,
   * blocked, …) and returns it. The server offers no long-poll, so this backs off from
   * `minIntervalMs` to `maxIntervalMs` between reads.
   */
  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Intent> {
    const deadline = this.timers.now() + (options.timeoutMs ?? 15 * 60_000);
    const maxInterval = options.maxIntervalMs ?? 10_000;
    let interval = Math.min(options.minIntervalMs ?? 500, maxInterval);
    let last: Intent | null = null;
    for (;;) {
      try {
        last = await this.getIntent(id, options);
        if (!WAITING.has(last.status)) return last;
      } catch (error) {
        // Approvals take minutes or hours: an outage shorter than the wait is waited out.
        if (!isTransient(error) || this.timers.now() >= deadline) throw error;
      }
      const left = deadline - this.timers.now();
      if (left <= 0) {
        throw new AxiruTimeoutError(`Intent ${id} was still ${last?.status ?? 'pending_approval'} after ${options.timeoutMs ?? 15 * 60_000} ms.`, last);
      }
      await this.timers.sleep(Math.min(interval, left), options.signal);
      interval = Math.min(interval * 2, maxInterval);
    }
  }

  /**
   * Tells Axiru the refund was made, sealing an `execution` record. Only allowed or approved
   * intents can be executed (else 409 `not_executable`).
   */
  async reportExecuted(id: string, stripeRefundId: string, options: RequestOptions = {}): Promise<ExecutionReport> {
    const path = `/api/intents/${intentPath(id)}/executed`;
    // Safe to repeat: a second report of the same intent is refused (409), never recorded twice.
    const send = () => this.request<ExecutionReport>('POST', path, { stripe_refund_id: stripeRefundId }, {}, options.signal);
    return (await this.withRetries(send, options.signal)).body;
  }

  /** Decide, wait if asked, refund with the caller's Stripe instance, report. See guardedRefund. */
  guardedRefund(
    stripe: StripeLike, params: GuardedRefundParams, options: Omit<GuardedRefundOptions, 'axiru'> = {},
  ): Promise<GuardedRefundResult> {
    return guardedRefund(stripe, params, { ...options, axiru: this });
  }

  /** True when `header` (Axiru-Signature) signs exactly `rawBody` with the endpoint's secret. */
  verifyWebhook(rawBody: string | Uint8Array, header: string | null | undefined, secret: string, options?: VerifyWebhookOptions): boolean {
    return verifyWebhook(rawBody, header, secret, options);
  }

  /** Verifies and parses one of Axiru's webhook deliveries; throws AxiruSignatureError when it does not verify. */
  constructWebhookEvent(
    rawBody: string | Uint8Array, header: string | null | undefined, secret: string, options?: VerifyWebhookOptions,
  ): AxiruWebhookEvent {
    return constructWebhookEvent(rawBody, header, secret, options);
  }

  private async withRetries<T>(attempt: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    for (let tries = 0; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (tries >= this.retries || !isTransient(error)) throw error;
        await this.timers.sleep(200 * 2 ** tries, signal);
      }
    }
  }

  private async request<T>(
    method: 'GET' | 'POST', path: string, body: unknown, extraHeaders: Record<string, string>, signal: AbortSignal | undefined,
  ): Promise<HttpResult<T>> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.apiKey}`,
      ...extraHeaders,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      // The caller's own abort is not a network failure: it surfaces as the signal's reason.
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
        throw new AxiruNetworkError(`${method} ${path}: no answer from Axiru within ${this.timeoutMs} ms.`, { cause: error, timedOut: true });
      }
      const detail = describeCause(error);
      throw new AxiruNetworkError(`${method} ${path}: could not reach Axiru at ${this.baseUrl} (${detail}).`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw apiError(response.status, parsed, method, path);
    if (parsed === undefined || parsed === null) {
      throw new AxiruApiError(response.status, 'invalid_response', `${method} ${path}: Axiru answered ${response.status} without a JSON body.`, null);
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

function intentPath(id: string): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new TypeError(`Axiru: not an intent id: ${JSON.stringify(id)}.`);
  return id;
}

function apiError(status: number, parsed: unknown, method: string, path: string): AxiruApiError {
  const error = (parsed as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new AxiruApiError(status, error.code, error.message, typeof error.field === 'string' ? error.field : null);
  }
  return new AxiruApiError(status, `http_${status}`, `${method} ${path}: Axiru answered ${status}.`, null);
}

function describeCause(error: unknown): string {
  // undici puts the system error (ECONNREFUSED, ENOTFOUND, …) under `cause`.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
