import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Axiru, AxiruApiError, AxiruReportError, AxiruUnavailableError, INTENT_METADATA_KEY,
  type GuardedRefundResult, type Intent, type Timers,
} from '../src/index.js';
import { startAxiruServer, type AxiruServer } from './support/axiruServer.js';
import { steppedTimers as steppedTimersFrom } from './support/steppedTimers.js';

/** The client's clock starts at a fixed instant, which charge ages are measured from. */
const steppedTimers = (onSleep: (call: number) => Promise<void> | void) => steppedTimersFrom(onSleep, Date.parse('2026-05-01T12:00:00Z'));
import { startStripeEmulator, type StripeEmulator } from './support/stripeEmulator.js';

let axiruServer: AxiruServer;
let emulator: StripeEmulator;

beforeAll(async () => {
  [axiruServer, emulator] = await Promise.all([startAxiruServer(), startStripeEmulator()]);
});

afterAll(async () => {
  await Promise.all([axiruServer?.stop(), emulator?.close()]);
});


function client(options: { timers?: Timers; fetch?: typeof fetch; retries?: number } = {}): Axiru {
  return new Axiru({ apiKey: axiruServer.decisionKey, baseUrl: axiruServer.url, ...options });
}

function intentOf(id: string): Promise<Intent> {
  return client().getIntent(id);
}

function executed(result: GuardedRefundResult) {
  if (result.status !== 'executed') throw new Error(`expected executed, got ${JSON.stringify(result)}`);
  return result;
}

describe('guardedRefund against the real server and a Stripe emulator', () => {
  it('executes an allowed refund once, with the intent id in its metadata, and the ledger shows it executed', async () => {
    const charge = await emulator.charge(5000);
    const params = { charge: charge.id, amount: 4000, source: 'support_tool', customer_tenure_days: 400, metadata: { ticket: 'Z-1' } };

    const result = executed(await client().guardedRefund(emulator.stripe, params));

    expect(result.decision.outcome).toBe('allow');
    expect(result.already_executed).toBe(false);
    expect(result.refund.amount).toBe(4000);
    expect(result.refund.metadata).toEqual({ ticket: 'Z-1', [INTENT_METADATA_KEY]: result.intent.id });
    const refunds = await emulator.refundsOf(charge.id);
    expect(refunds.map((refund) => refund.id)).toEqual([result.refund.id]);

    const intent = await intentOf(result.intent.id);
    expect(intent.status).toBe('executed');
    expect(intent.request).toMatchObject({ stripe_charge_id: charge.id, amount_cents: 4000, currency: 'usd', charge_amount_cents: 5000 });
    const executions = intent.events.filter((event) => event.kind === 'execution');
    expect(executions).toHaveLength(1);
    expect(executions[0]?.body['stripe_refund_id']).toBe(result.refund.id);

    // Asking again for the same refund is the same refund, not a second one.
    const again = executed(await client().guardedRefund(emulator.stripe, params));
    expect(again.already_executed).toBe(true);
    expect(again.refund.id).toBe(result.refund.id);
    expect(again.intent.id).toBe(result.intent.id);
    expect(await emulator.refundsOf(charge.id)).toHaveLength(1);
  });

  it('waits for a pending refund, which a finance manager approves, then executes it', async () => {
    const approver = await axiruServer.addUser(['finance_manager']);
    const charge = await emulator.charge(30000);
    let pendingSeen: Intent | null = null;
    const timers = steppedTimers(async (call) => {
      if (call !== 1) return;
      // The client is waiting: a person approves in the meantime, with nothing refunded yet.
      expect(await emulator.refundsOf(charge.id)).toEqual([]);
      const pending = await axiruServer.admin<{ data: Array<{ intent_id: string; refund: unknown }> }>('GET', '/api/approvals');
      const request = pending.data.find((entry) => (entry.refund as { stripe_charge_id: string }).stripe_charge_id === charge.id);
      if (!request) throw new Error('the refund is not in the approval queue');
      pendingSeen = await intentOf(request.intent_id);
      await axiruServer.asUser(approver.key, 'POST', `/api/intents/${request.intent_id}/approve`, { comment: 'checked the ticket' });
    });

    const result = executed(await client({ timers }).guardedRefund(emulator.stripe, {
      charge: charge.id, amount: 22000, source: 'support_tool', requested_by: 'support-bot', customer_tenure_days: 400,
    }, { wait: true, minIntervalMs: 1000 }));

    expect(pendingSeen).not.toBeNull();
    expect(pendingSeen!.status).toBe('pending_approval');
    expect(result.decision.outcome).toBe('pending_approval');
    expect(result.decision.approver_role).toBe('finance_manager');
    expect(timers.sleeps).toEqual([1000]);
    expect((await emulator.refundsOf(charge.id)).map((refund) => refund.id)).toEqual([result.refund.id]);
    expect(result.refund.amount).toBe(22000);
    const intent = await intentOf(result.intent.id);
    expect(intent.status).toBe('executed');
    expect(intent.events.map((event) => event.kind)).toEqual(['approval', 'execution']);
    expect(intent.events[0]?.body['user_id']).toBe(approver.id);
  });

  it('returns pending at once without wait, and executes the intent later once approved', async () => {
    const approver = await axiruServer.addUser(['finance_manager']);
    const charge = await emulator.charge(30000);
    const params = { charge: charge.id, amount: 20000, source: 'support_tool', customer_tenure_days: 400 };

    const first = await client().guardedRefund(emulator.stripe, params);
    expect(first.status).toBe('pending');
    if (first.status !== 'pending') return;
    expect(first.reason).toBe('Refunds over $150 require approval');
    expect(await emulator.refundsOf(charge.id)).toEqual([]);

    await axiruServer.asUser(approver.key, 'POST', `/api/intents/${first.intent.id}/approve`);
    const later = executed(await client().guardedRefund(emulator.stripe, params, { intentId: first.intent.id }));
    expect(later.intent.id).toBe(first.intent.id);
    expect((await emulator.refundsOf(charge.id)).map((refund) => refund.id)).toEqual([later.refund.id]);
    expect((await intentOf(first.intent.id)).status).toBe('executed');

    // The intent decided 20000; a different amount is refused before Stripe is called.
    await expect(client().guardedRefund(emulator.stripe, { ...params, amount: 25000 }, { intentId: first.intent.id }))
      .rejects.toThrow(/amount 20000 was decided, 25000 asked/);
    expect(await emulator.refundsOf(charge.id)).toHaveLength(1);
  });

  it('never calls Stripe for a denied refund', async () => {
    const approver = await axiruServer.addUser(['finance_manager']);
    const charge = await emulator.charge(30000);
    const timers = steppedTimers(async (call) => {
      if (call !== 1) return;
      const pending = await axiruServer.admin<{ data: Array<{ intent_id: string; stripe_charge_id: string | null }> }>('GET', '/api/approvals');
      const request = pending.data.find((entry) => entry.stripe_charge_id === charge.id);
      if (!request) throw new Error('the refund is not in the approval queue');
      await axiruServer.asUser(approver.key, 'POST', `/api/intents/${request.intent_id}/deny`, { comment: 'customer already got a credit' });
    });

    const result = await client({ timers }).guardedRefund(emulator.stripe, {
      charge: charge.id, amount: 22000, source: 'support_tool', customer_tenure_days: 400,
    }, { wait: true });

    expect(result.status).toBe('denied');
    if (result.status !== 'denied') return;
    expect(result.reason).toBe(`Denied by ${approver.email}: customer already got a credit`);
    expect(await emulator.refundsOf(charge.id)).toEqual([]);
    expect((await intentOf(result.intent.id)).status).toBe('denied');
  });

  it('never calls Stripe for a refund the policy blocks', async () => {
    const charge = await emulator.charge(70000);
    const result = await client().guardedRefund(emulator.stripe, {
      charge: charge.id, amount: 60000, source: 'support_tool', customer_tenure_days: 9,
    });
    expect(result).toMatchObject({ status: 'blocked', reason: 'Large refunds to new customers are blocked' });
    expect(await emulator.refundsOf(charge.id)).toEqual([]);
  });

  it('gives back pending when nobody approves within the wait', async () => {
    const charge = await emulator.charge(30000);
    const timers = steppedTimers(() => undefined);
    const result = await client({ timers }).guardedRefund(emulator.stripe, {
      charge: charge.id, amount: 21000, source: 'support_tool', customer_tenure_days: 400,
    }, { wait: true, timeoutMs: 3000, minIntervalMs: 1000 });
    expect(result.status).toBe('pending');
    expect(result.intent?.status).toBe('pending_approval');
    expect(timers.sleeps).toEqual([1000, 2000]);
    expect(await emulator.refundsOf(charge.id)).toEqual([]);
  });

  it('returns held, without calling Stripe, when the refund is put on hold while it waits', async () => {
    const charge = await emulator.charge(30000);
    const timers = steppedTimers(async (call) => {
      if (call !== 1) return;
      const pending = await axiruServer.admin<{ data: Array<{ intent_id: string; stripe_charge_id: string | null }> }>('GET', '/api/approvals');
      const request = pending.data.find((entry) => entry.stripe_charge_id === charge.id);
      if (!request) throw new Error('the refund is not in the approval queue');
      await axiruServer.admin('POST', `/api/intents/${request.intent_id}/hold`, { reason: 'possible account takeover' });
    });
    const result = await client({ timers }).guardedRefund(emulator.stripe, {
      charge: charge.id, amount: 22000, source: 'support_tool', customer_tenure_days: 400,
    }, { wait: true });
    expect(result.status).toBe('held');
    if (result.status !== 'held') return;
    expect(result.reason).toMatch(/^Held by api_key:\S+: possible account takeover$/);
    expect(await emulator.refundsOf(charge.id)).toEqual([]);
  });

  it('refunds on a Connect account, and a freeze of that account blocks the next refund', async () => {
    const account = await emulator.stripe.accounts.create({ type: 'custom', country: 'US', email: 'merchant@example.com' });
    const onAccount = { stripeAccount: account.id };
    const charge = await emulator.stripe.charges.create({ amount: 5000, currency: 'usd', source: 'tok_visa' }, onAccount);
    const params = { charge: charge.id, amount: 1000, source: 'support_tool', customer_tenure_days: 400, stripe_account: account.id };

    const result = executed(await client().guardedRefund(emulator.stripe, params));
    const onConnect = await emulator.stripe.refunds.list({ charge: charge.id }, onAccount);
    expect(onConnect.data.map((refund) => refund.id)).toEqual([result.refund.id]);
    expect((await intentOf(result.intent.id)).request.stripe_account).toBe(account.id);

    await axiruServer.admin('POST', '/api/controls/freezes', { stripe_account: account.id, reason: 'merchant under review' });
    const frozen = await client().guardedRefund(emulator.stripe, { ...params, amount: 500 });
    expect(frozen.status).toBe('blocked');
    if (frozen.status === 'blocked') expect(frozen.decision.control).toMatchObject({ kind: 'freeze', scope: account.id });
    expect((await emulator.stripe.refunds.list({ charge: charge.id }, onAccount)).data).toHaveLength(1);
  });

  it('is blocked by a kill switch on its source, without calling Stripe', async () => {
    await axiruServer.admin('POST', '/api/controls/kill-switch', { scope: 'source:ai_agent', reason: 'the refund bot is misbehaving' });
    try {
      const charge = await emulator.charge(3000);
      const result = await client().guardedRefund(emulator.stripe, {
        charge: charge.id, amount: 2000, source: 'ai_agent', requested_by: 'refund-agent', customer_tenure_days: 400,
      });
      expect(result.status).toBe('blocked');
      if (result.status !== 'blocked') return;
      expect(result.decision.control).toMatchObject({ kind: 'kill_switch', scope: 'source:ai_agent', reason: 'the refund bot is misbehaving' });
      expect(result.reason).toContain('the refund bot is misbehaving');
      expect(await emulator.refundsOf(charge.id)).toEqual([]);
      expect((await intentOf(result.intent.id)).status).toBe('blocked');
    } finally {
      await axiruServer.admin('DELETE', `/api/controls/kill-switch/${encodeURIComponent('source:ai_agent')}`);
    }
  });

  it('after a failure between Stripe\'s answer and the report, a retry reports the same refund and makes no second one', async () => {
    const charge = await emulator.charge(9000);
    const params = { charge: charge.id, amount: 8000, source: 'support_tool', customer_tenure_days: 400 };
    // The first process loses every connection to Axiru once the refund is made.
    const dying: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/executed')) throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      return fetch(input, init);
    };
    const instant = steppedTimers(() => undefined);

    const failure = await client({ fetch: dying, timers: instant }).guardedRefund(emulator.stripe, params, { idempotencyKey: 'ticket-Z-77' })
      .then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(AxiruReportError);
    const reportError = failure as AxiruReportError;
    const made = await emulator.refundsOf(charge.id);
    expect(made.map((refund) => refund.id)).toEqual([reportError.refund.id]);
    expect((await intentOf(reportError.intentId)).status).toBe('allowed');

    // A new process retries the same refund.
    const retried = executed(await client().guardedRefund(emulator.stripe, params, { idempotencyKey: 'ticket-Z-77' }));
    expect(retried.intent.id).toBe(reportError.intentId);
    expect(retried.refund.id).toBe(reportError.refund.id);
    expect(await emulator.refundsOf(charge.id)).toHaveLength(1);
    const intent = await intentOf(reportError.intentId);
    expect(intent.status).toBe('executed');
    expect(intent.events.filter((event) => event.kind === 'execution').map((event) => event.body['stripe_refund_id'])).toEqual([reportError.refund.id]);
  });

  it('when the report\'s answer is lost, the repeated report is recognised and the refund stands', async () => {
    const charge = await emulator.charge(9000);
    // The report reaches the server, but its answer never comes back; the client's retry is refused (409).
    let dropped = false;
    const lossy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/executed') && !dropped) {
        dropped = true;
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
      }
      return response;
    };
    const result = executed(await client({ fetch: lossy, timers: steppedTimers(() => undefined) }).guardedRefund(emulator.stripe, {
      charge: charge.id, amount: 1000, source: 'support_tool', customer_tenure_days: 400,
    }));
    expect(dropped).toBe(true);
    expect((await intentOf(result.intent.id)).status).toBe('executed');
    expect(await emulator.refundsOf(charge.id)).toHaveLength(1);
  });
});

describe('when Axiru cannot answer', () => {
  let closedUrl: string;
  let unavailable: Server;
  let unavailableUrl: string;

  beforeAll(async () => {
    // A port that was just free and is closed again: connections are refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    // A proxy in front of a stopped server.
    unavailable = createServer((_request, response) => response.writeHead(503, { 'content-type': 'text/html' }).end('<h1>503</h1>'));
    await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
    unavailableUrl = `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => unavailable.close(() => resolve()));
  });

  const down = (baseUrl: string, failMode?: 'open' | 'closed') => new Axiru({
    apiKey: 'sk_test_unused', baseUrl, timers: steppedTimers(() => undefined), ...(failMode ? { failMode } : {}),
  });

  it('fails closed by default: no decision, no refund', async () => {
    for (const baseUrl of [closedUrl, unavailableUrl]) {
      const charge = await emulator.charge(2000);
      const error = await down(baseUrl).guardedRefund(emulator.stripe, { charge: charge.id, amount: 1000, source: 'support_tool' })
        .then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(AxiruUnavailableError);
      expect((error as Error).message).toMatch(/no refund was made/);
      expect(await emulator.refundsOf(charge.id)).toEqual([]);
    }
  });

  it('with failMode open, refunds and says that no decision was made', async () => {
    const charge = await emulator.charge(2000);
    const result = await down(closedUrl, 'open').guardedRefund(emulator.stripe, { charge: charge.id, amount: 1500, source: 'support_tool' });
    expect(result.status).toBe('executed_without_decision');
    if (result.status !== 'executed_without_decision') return;
    expect(result.intent).toBeNull();
    expect(result.refund.metadata).toEqual({ axiru_decision: 'unavailable' });
    expect((await emulator.refundsOf(charge.id)).map((refund) => refund.id)).toEqual([result.refund.id]);
  });

  it('never fails open on a 4xx: a revoked or wrong key is not an outage', async () => {
    const charge = await emulator.charge(2000);
    const wrongKey = new Axiru({ apiKey: 'sk_test_notakey', baseUrl: axiruServer.url, failMode: 'open' });
    const error = await wrongKey.guardedRefund(emulator.stripe, { charge: charge.id, amount: 1000, source: 'support_tool' })
      .then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxiruApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await emulator.refundsOf(charge.id)).toEqual([]);
  });
});
