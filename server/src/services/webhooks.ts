// Signed outbound webhooks. Events are written to `webhook_deliveries` inside the transaction
// that seals them (an outbox), and the WebhookDeliverer sends whatever is due, retrying with
// exponential backoff; a restart resumes from the table. Each delivery is signed like
// Stripe's: `Axiru-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Repositories, Store, WebhookDelivery } from '../repositories/types.js';
import { randomBase62 } from './apiKeys.js';
import type { IntentEvent } from './IntentActions.js';
import { SerialPoller } from './SerialPoller.js';
import { DEFAULT_LEASE_MS, type Leases } from './leases.js';
import { backoffMs, retryAfterMs } from './backoff.js';

export const SIGNATURE_HEADER = 'axiru-signature';

export const WEBHOOK_EVENTS = [
  'intent.pending_approval', 'intent.approved', 'intent.denied', 'intent.expired',
  'intent.held', 'intent.released', 'intent.executed', 'control.changed',
] as const;

export function newWebhookSecret(): string {
  return `whsec_${randomBase62(43)}`;
}

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The Axiru-Signature header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * For receivers: true when `header` (the Axiru-Signature value) signs exactly `body` with
 * `secret` and its timestamp is within `tolerance` seconds of now. The comparison is
 * constant-time; several v1 values (during a secret rotation) are each tried.
 */
export function verifyWebhook(
  body: string | Buffer, header: string | null | undefined, secret: string, tolerance = 300, nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > tolerance) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, typeof body === 'string' ? body : body.toString('utf8')), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}

/** The body a receiver gets for an event. */
export function eventPayload(event: IntentEvent, eventId: string): string {
  return JSON.stringify({ id: eventId, type: event.type, created: event.time, data: { intent_id: event.intent_id, ...event.data } });
}

/** Queues one delivery per subscribed, enabled endpoint; runs inside the sealing transaction. */
export async function enqueueWebhookEvents(tx: Repositories, events: readonly IntentEvent[], now: Date): Promise<number> {
  let queued = 0;
  const endpointsByOrg = new Map<string, Awaited<ReturnType<Repositories['webhooks']['listEndpoints']>>>();
  for (const event of events) {
    let endpoints = endpointsByOrg.get(event.org_id);
    if (!endpoints) {
      endpoints = (await tx.webhooks.listEndpoints(event.org_id)).filter((endpoint) => endpoint.disabled_at === null);
      endpointsByOrg.set(event.org_id, endpoints);
    }
    const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
    for (const endpoint of endpoints) {
      if (!endpoint.events.includes(event.type)) continue;
      await tx.webhooks.insertDelivery({
        id: `whd_${randomUUID().replaceAll('-', '')}`,
        org_id: event.org_id,
        endpoint_id: endpoint.id,
        event_id: eventId,
        event_type: event.type,
        payload: eventPayload(event, eventId),
        status: 'pending',
        attempts: 0,
        next_attempt_ms: now.getTime(),
        last_status: null,
        last_error: null,
        created_at: now.toISOString(),
        delivered_at: null,
      });
      queued += 1;
    }
  }
  return queued;
}

export interface WebhookDelivererOptions {
  readonly clock: () => Date;
  /** First retry delay; each later one doubles, up to maxDelayMs. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** After this many failed attempts a delivery is marked failed. */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  readonly onError?: (error: unknown) => void;
  /** This server's leases: a claimed delivery is this server's for `leaseMs` (default: one process, 60 s). */
  readonly leases?: Leases;
}

/** Sends due deliveries. One run at a time; `kick()` asks for a run soon. */
export class WebhookDeliverer {
  private readonly poller: SerialPoller;

  constructor(private readonly store: Store, private readonly options: WebhookDelivererOptions) {
    this.poller = new SerialPoller(() => this.attemptDue(), (error) => this.options.onError?.(error));
  }

  /** Polls every `intervalMs` for due deliveries (retries, and deliveries left by a restart). */
  start(intervalMs: number): void {
    this.poller.start(intervalMs);
  }

  kick(): void {
    this.poller.kick();
  }

  /** Attempts every delivery due now; resolves with how many were attempted. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }

  private async attemptDue(): Promise<number> {
    if (this.poller.stopped) return 0;
    const leases = this.options.leases;
    const claim = { holder: leases?.holder ?? 'local', leaseMs: leases?.leaseMs ?? DEFAULT_LEASE_MS };
    const due = await this.store.webhooks.dueDeliveries(this.options.clock().getTime(), 50, claim);
    if (due.length === 0) return 0;
    leases?.tookOver('webhook', due.filter((delivery) => delivery.taken_over).length);
    leases?.setHeld('webhook', due.length);
    try {
      await this.attempt(due);
    } finally {
      leases?.setHeld('webhook', 0);
    }
    return due.length;
  }

  private async attempt(due: readonly WebhookDelivery[]): Promise<void> {
    const endpoints = new Map<string, Awaited<ReturnType<Store['webhooks']['getEndpoint']>>>();
    for (const delivery of due) {
      if (!endpoints.has(delivery.endpoint_id)) endpoints.set(delivery.endpoint_id, await this.store.webhooks.getEndpoint(delivery.org_id, delivery.endpoint_id));
    }
    const outcomes = await Promise.all(due.map(async (delivery) => {
      const endpoint = endpoints.get(delivery.endpoint_id);
      if (!endpoint || endpoint.disabled_at !== null) return { delivery, ok: false, status: null, error: 'endpoint disabled', retryAfterMs: null, final: true };
      const result = await this.send(delivery, endpoint.url, endpoint.secret);
      return { delivery, ...result, final: false };
    }));
    const now = this.options.clock();
    const maxAttempts = this.options.maxAttempts ?? 8;
    await this.store.transaction(async (tx) => {
      for (const outcome of outcomes) {
        const attempts = outcome.delivery.attempts + 1;
        if (outcome.ok) {
          await tx.webhooks.recordAttempt(outcome.delivery.id, {
            status: 'delivered', attempts, next_attempt_ms: null, last_status: outcome.status, last_error: null, delivered_at: now.toISOString(),
          });
        } else {
          const failed = outcome.final || attempts >= maxAttempts;
          await tx.webhooks.recordAttempt(outcome.delivery.id, {
            status: failed ? 'failed' : 'pending', attempts,
            next_attempt_ms: failed ? null
              : now.getTime() + backoffMs(attempts, this.options.baseDelayMs ?? 1000, this.options.maxDelayMs ?? 3_600_000, outcome.retryAfterMs),
            last_status: outcome.status, last_error: outcome.error, delivered_at: null,
          });
        }
      }
    });
  }

  private async send(
    delivery: WebhookDelivery, url: string, secret: string,
  ): Promise<{ ok: boolean; status: number | null; error: string | null; retryAfterMs: number | null }> {
    const timestamp = Math.floor(this.options.clock().getTime() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Axiru-Webhooks/1',
          'Axiru-Signature': signWebhook(delivery.payload, secret, timestamp),
          'Axiru-Event-Id': delivery.event_id,
        },
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      // A receiver that asks for a pause (429, 503 with Retry-After) is not retried sooner.
      const retryAfter = ok ? null : retryAfterMs(response.headers.get('retry-after'), this.options.clock().getTime());
      return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}`, retryAfterMs: retryAfter };
    } catch (error) {
      return { ok: false, status: null, error: error instanceof Error ? error.message.slice(0, 500) : 'request failed', retryAfterMs: null };
    }
  }
}
