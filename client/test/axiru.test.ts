import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Axiru, AxiruApiError, AxiruNetworkError, AxiruTimeoutError, type Timers } from '../src/index.js';
import { startAxiruServer, type AxiruServer } from './support/axiruServer.js';
import { steppedTimers } from './support/steppedTimers.js';

let axiruServer: AxiruServer;

beforeAll(async () => {
  axiruServer = await startAxiruServer();
});

afterAll(async () => {
  await axiruServer?.stop();
});

const PENDING = { source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400, stripe_charge_id: 'ch_wait' };


function client(options: { timers?: Timers; fetch?: typeof fetch } = {}): Axiru {
  return new Axiru({ apiKey: axiruServer.decisionKey, baseUrl: `${axiruServer.url}/`, ...options });
}

async function localServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a rejection'); }, (error: unknown) => error);
}

describe('Axiru client', () => {
  it('decides, and the same idempotency key and body give back the same intent', async () => {
    const axiru = client();
    const first = await axiru.decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 }, { idempotencyKey: 'order-1' });
    expect(first.decision).toMatchObject({ outcome: 'allow', matched_rule: 'routine', policy_version: 'v3' });
    expect(first.replayed).toBe(false);
    const again = await axiru.decide({ customer_tenure_days: 400, amount_cents: 5000, source: 'support_tool' }, { idempotencyKey: 'order-1' });
    expect(again.replayed).toBe(true);
    expect(again.intent_id).toBe(first.intent_id);
    const intent = await axiru.getIntent(first.intent_id);
    expect(intent).toMatchObject({ intent_id: first.intent_id, status: 'allowed', request: { amount_cents: 5000, currency: 'usd' } });
  });

  it('turns the server\'s 4xx into AxiruApiError with its status, code, field and message', async () => {
    const axiru = client();
    const fraction = await rejection(axiru.decide({ source: 'support_tool', amount_cents: 1.5 }));
    expect(fraction).toBeInstanceOf(AxiruApiError);
    expect(fraction).toMatchObject({ status: 400, field: 'amount_cents' });
    expect((fraction as AxiruApiError).message).toMatch(/amount_cents/);

    const unknown = await rejection(axiru.decide({ source: 'support_tool', amount_cents: 100, refund_everything: true } as never));
    expect(unknown).toMatchObject({ status: 400, field: 'refund_everything' });

    const unauthorized = await rejection(new Axiru({ apiKey: 'sk_test_wrong', baseUrl: axiruServer.url }).getIntent('0196abc'));
    expect(unauthorized).toMatchObject({ status: 401, code: 'unauthorized' });

    const missing = await rejection(axiru.getIntent('0196f000-0000-7000-8000-000000000000'));
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('reports an execution once; a second report is refused', async () => {
    const axiru = client();
    const decided = await axiru.decide({ source: 'support_tool', amount_cents: 1000, customer_tenure_days: 400 });
    const report = await axiru.reportExecuted(decided.intent_id, 're_client_test_1');
    expect(report).toMatchObject({ intent_id: decided.intent_id, status: 'executed', record: { kind: 'execution' } });
    const second = await rejection(axiru.reportExecuted(decided.intent_id, 're_client_test_1'));
    expect(second).toMatchObject({ status: 409, code: 'not_executable' });
  });

  it('waitForDecision backs off between polls and gives up at its timeout', async () => {
    const decided = await client().decide(PENDING);
    const timers = steppedTimers();
    const error = await rejection(client({ timers }).waitForDecision(decided.intent_id, { timeoutMs: 10_000, minIntervalMs: 500, maxIntervalMs: 2_000 }));
    expect(error).toBeInstanceOf(AxiruTimeoutError);
    expect((error as AxiruTimeoutError).intent).toMatchObject({ intent_id: decided.intent_id, status: 'pending_approval' });
    expect(timers.sleeps).toEqual([500, 1000, 2000, 2000, 2000, 2000, 500]);
  });

  it('waitForDecision resolves when the intent is held', async () => {
    const decided = await client().decide(PENDING);
    const timers = steppedTimers(async (call) => {
      if (call === 2) await axiruServer.admin('POST', `/api/intents/${decided.intent_id}/hold`, { reason: 'fraud review' });
    });
    const intent = await client({ timers }).waitForDecision(decided.intent_id);
    expect(intent.status).toBe('held');
    expect(timers.sleeps).toEqual([500, 1000]);
  });

  it('waitForDecision waits out a short outage instead of failing', async () => {
    const decided = await client().decide(PENDING);
    let reads = 0;
    const flaky: typeof fetch = async (input, init) => {
      reads += 1;
      // The second and third reads find Axiru down; by the fourth it is back, and the request approved.
      if (reads === 2 || reads === 3) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      return fetch(input, init);
    };
    const approver = await axiruServer.addUser(['finance_manager']);
    const timers = steppedTimers(async (call) => {
      if (call === 1) await axiruServer.asUser(approver.key, 'POST', `/api/intents/${decided.intent_id}/approve`);
    });
    const axiru = new Axiru({ apiKey: axiruServer.decisionKey, baseUrl: axiruServer.url, fetch: flaky, timers, retries: 0 });
    const intent = await axiru.waitForDecision(decided.intent_id, { minIntervalMs: 100 });
    expect(intent.status).toBe('approved');
    expect(reads).toBe(4);
    expect(timers.sleeps).toEqual([100, 200, 400]);
  });

  it('waitForDecision stops when its signal aborts', async () => {
    const decided = await client().decide(PENDING);
    const controller = new AbortController();
    let polls = 0;
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      polls += 1;
      // Aborts during the (real, minute-long) pause after the first poll.
      if (polls === 1) setImmediate(() => controller.abort());
      return response;
    };
    const error = await rejection(client({ fetch: counting }).waitForDecision(decided.intent_id, { minIntervalMs: 60_000, signal: controller.signal }));
    expect((error as Error).name).toBe('AbortError');
    expect(polls).toBe(1);
  });
});

describe('transport failures', () => {
  it('a refused connection is an AxiruNetworkError naming the cause', async () => {
    const { url, server } = await localServer(() => undefined);
    await closeServer(server);
    const error = await rejection(new Axiru({ apiKey: 'sk_test_x', baseUrl: url, retries: 0 }).getIntent('abc'));
    expect(error).toBeInstanceOf(AxiruNetworkError);
    expect(error).toMatchObject({ timedOut: false });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('a server that never answers times out as an AxiruNetworkError', async () => {
    const { url, server } = await localServer(() => undefined);
    try {
      const error = await rejection(new Axiru({ apiKey: 'sk_test_x', baseUrl: url, retries: 0, timeoutMs: 100 }).getIntent('abc'));
      expect(error).toBeInstanceOf(AxiruNetworkError);
      expect(error).toMatchObject({ timedOut: true });
    } finally {
      await closeServer(server);
    }
  });

  it('retries transient failures of repeatable requests only', async () => {
    let requests = 0;
    const { url, server } = await localServer((_request, response) => {
      requests += 1;
      response.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>');
    });
    try {
      const timers = steppedTimers();
      const axiru = new Axiru({ apiKey: 'sk_test_x', baseUrl: url, timers });
      expect(await rejection(axiru.getIntent('abc'))).toMatchObject({ status: 503, code: 'http_503' });
      expect(requests).toBe(3);
      expect(timers.sleeps).toEqual([200, 400]);

      requests = 0;
      // Without an idempotency key a second POST could seal a second intent: sent once.
      await rejection(axiru.decide({ source: 'support_tool', amount_cents: 100 }));
      expect(requests).toBe(1);
      requests = 0;
      await rejection(axiru.decide({ source: 'support_tool', amount_cents: 100 }, { idempotencyKey: 'k' }));
      expect(requests).toBe(3);
    } finally {
      await closeServer(server);
    }
  });
});
