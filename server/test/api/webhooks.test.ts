import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/index.js';
import { FM_REQUEST, addUser, decideExpect, del, post } from '../support/people.js';
import { startReceiver, waitFor, type Receiver } from '../support/receiver.js';
import { createTestApp, json, tempDir, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

let t: TestApp;
let other: TestOrg;
let receiver: Receiver;
beforeAll(async () => {
  t = await createTestApp({ webhookPollMs: 0 });
  other = await t.addOrg('Other org');
  receiver = await startReceiver();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

interface Delivery { id: string; event_type: string; status: string; attempts: number; next_attempt_at: string | null; last_status: number | null; payload: string }

async function deliveries(app: TestApp, endpointId: string): Promise<Delivery[]> {
  const response = await app.get(`/api/webhooks/${endpointId}/deliveries`, app.demo.adminKey);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ data: Delivery[] }>(response).data;
}

async function subscribe(app: TestApp, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const response = await post(app, '/api/webhooks', app.demo.adminKey, { url, events });
  expect(response.statusCode, response.body).toBe(201);
  const body = json<{ endpoint: { id: string }; secret: string }>(response);
  return { id: body.endpoint.id, secret: body.secret };
}

describe('signed webhooks', () => {
  it('signs each delivery and retries with backoff when the receiver fails first', async () => {
    const endpoint = await subscribe(t, `${receiver.url}/hooks`, ['intent.pending_approval', 'intent.approved']);
    expect(endpoint.secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
    receiver.statuses = [500];
    const id = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_w' }, 'pending_approval');

    await waitFor(async () => (await deliveries(t, endpoint.id))[0]?.attempts === 1);
    const [failed] = await deliveries(t, endpoint.id);
    expect(failed).toMatchObject({ event_type: 'intent.pending_approval', status: 'pending', attempts: 1, last_status: 500 });
    expect(Date.parse(failed!.next_attempt_at!) - t.now.getTime()).toBeGreaterThan(900);
    expect(await t.app.webhooks.runDue()).toBe(0); // not due yet

    t.now = new Date(t.now.getTime() + 1500);
    expect(await t.app.webhooks.runDue()).toBe(1);
    const [delivered] = await deliveries(t, endpoint.id);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, last_status: 200, next_attempt_at: null });

    expect(receiver.received).toHaveLength(2);
    const request = receiver.received[1]!;
    expect(request.url).toBe('/hooks');
    expect(request.body).toBe(receiver.received[0]!.body);
    const payload = JSON.parse(request.body) as { id: string; type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({
      type: 'intent.pending_approval',
      data: { intent_id: id, amount_cents: 22000, customer_id: 'cus_w', approver_roles: ['finance_manager'], reason: 'Refunds over $150 require approval' },
    });
    const header = request.headers['axiru-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const nowSeconds = Math.floor(t.now.getTime() / 1000);
    expect(verifyWebhook(request.body, header, endpoint.secret, 300, nowSeconds)).toBe(true);

    // The receiver side of the matrix.
    const flipped = request.body.replace('22000', '22001');
    expect(verifyWebhook(flipped, header, endpoint.secret, 300, nowSeconds)).toBe(false);
    expect(verifyWebhook(request.body, header, 'whsec_wrong', 300, nowSeconds)).toBe(false);
    expect(verifyWebhook(request.body, header, endpoint.secret, 300, nowSeconds + 301)).toBe(false);
    expect(verifyWebhook(request.body, undefined, endpoint.secret, 300, nowSeconds)).toBe(false);
    expect(verifyWebhook(request.body, 't=abc', endpoint.secret, 300, nowSeconds)).toBe(false);

    // Approval announces intent.approved; events the endpoint did not subscribe to are not sent.
    const fm = await addUser(t, ['finance_manager']);
    await post(t, `/api/intents/${id}/hold`, t.demo.adminKey);
    await post(t, `/api/intents/${id}/release`, t.demo.adminKey);
    expect((await post(t, `/api/intents/${id}/approve`, fm.key)).statusCode).toBe(200);
    await waitFor(async () => (await deliveries(t, endpoint.id)).some((d) => d.event_type === 'intent.approved' && d.status === 'delivered'));
    expect((await deliveries(t, endpoint.id)).map((d) => d.event_type)).toEqual(['intent.approved', 'intent.pending_approval']);
  });

  it('doubles the delay after each failure and gives up after the last attempt', async () => {
    const endpoint = await subscribe(t, `${receiver.url}/down`, ['control.changed']);
    receiver.fallback = 503;
    try {
      expect((await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'source:automation', reason: 'test' })).statusCode).toBe(201);
      await waitFor(async () => (await deliveries(t, endpoint.id))[0]?.attempts === 1);
      const delays: number[] = [];
      for (let attempt = 1; attempt < 8; attempt += 1) {
        const [pending] = await deliveries(t, endpoint.id);
        expect(pending!.status).toBe('pending');
        delays.push(Date.parse(pending!.next_attempt_at!) - t.now.getTime());
        t.now = new Date(Date.parse(pending!.next_attempt_at!) + 10);
        expect(await t.app.webhooks.runDue()).toBe(1);
      }
      // Each delay is measured from a clock that moved a few ms, so compare in seconds.
      expect(delays.map((ms) => Math.round(ms / 1000))).toEqual([1, 2, 4, 8, 16, 32, 64]);
      const [last] = await deliveries(t, endpoint.id);
      expect(last).toMatchObject({ status: 'failed', attempts: 8, last_status: 503, next_attempt_at: null });
    } finally {
      receiver.fallback = 200;
    }
  });

  it('waits as long as a receiver asks with Retry-After, when that is longer than the backoff', async () => {
    let answered = 0;
    const slow = await startReceiver(() => (answered++ === 0
      ? { status: 429, body: '{"error":"slow down"}', headers: { 'retry-after': '120' } }
      : { status: 200, body: '{}' }));
    const endpoint = await subscribe(t, `${slow.url}/busy`, ['intent.pending_approval']);
    try {
      await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_retry_after' }, 'pending_approval');
      await waitFor(async () => (await deliveries(t, endpoint.id))[0]?.attempts === 1);
      const [paused] = await deliveries(t, endpoint.id);
      expect(paused).toMatchObject({ status: 'pending', last_status: 429 });
      // 120 s, not the first backoff step of 1 s (the clock moves 1 ms per reading).
      expect(Math.round((Date.parse(paused!.next_attempt_at!) - t.now.getTime()) / 1000)).toBe(120);
      t.now = new Date(t.now.getTime() + 60_000);
      expect(await t.app.webhooks.runDue()).toBe(0);
      t.now = new Date(t.now.getTime() + 61_000);
      expect(await t.app.webhooks.runDue()).toBe(1);
      expect((await deliveries(t, endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    } finally {
      // The later tests' events must not go to a receiver that is gone.
      expect((await del(t, `/api/webhooks/${endpoint.id}`, t.demo.adminKey)).statusCode).toBe(200);
      await slow.close();
    }
  });

  it('pending deliveries survive a restart', async () => {
    const dir = tempDir();
    const first = await createTestApp({ dataDir: dir.path, webhookPollMs: 0 });
    const endpoint = await subscribe(first, `${receiver.url}/restart`, ['intent.pending_approval']);
    receiver.statuses = [500];
    await decideExpect(first, FM_REQUEST, 'pending_approval');
    await waitFor(async () => (await deliveries(first, endpoint.id))[0]?.attempts === 1);
    const later = new Date(first.now.getTime() + 60_000);
    await first.app.close();

    const second = await createTestApp({ dataDir: dir.path, reopen: first.demo, webhookPollMs: 0, now: later });
    try {
      expect(await second.app.webhooks.runDue()).toBe(1);
      expect((await deliveries(second, endpoint.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
      expect(receiver.received.filter((r) => r.url === '/restart')).toHaveLength(2);
    } finally {
      await second.close();
      dir.remove();
    }
  });

  it('announces holds, releases, executions, denials and expiries to the endpoints subscribed to them', async () => {
    const endpoint = await subscribe(t, `${receiver.url}/lifecycle`,
      ['intent.held', 'intent.released', 'intent.executed', 'intent.denied', 'intent.expired']);
    const allowed = await decideExpect(t, { source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 }, 'allow');
    await post(t, `/api/intents/${allowed}/hold`, t.demo.adminKey, { reason: 'check' });
    await post(t, `/api/intents/${allowed}/release`, t.demo.adminKey);
    await post(t, `/api/intents/${allowed}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_w' });
    const fm = await addUser(t, ['finance_manager']);
    const denied = await decideExpect(t, FM_REQUEST, 'pending_approval');
    await post(t, `/api/intents/${denied}/deny`, fm.key);
    const expiring = await decideExpect(t, FM_REQUEST, 'pending_approval');
    t.now = new Date(t.now.getTime() + 73 * 3_600_000);
    await t.app.actions.expireDue();
    await t.app.webhooks.runDue();
    // Only this test's intents: requests left pending by earlier tests expire here too.
    const mine = new Set([allowed, denied, expiring]);
    const ours = async (): Promise<Delivery[]> => (await deliveries(t, endpoint.id))
      .filter((d) => mine.has((JSON.parse(d.payload) as { data: { intent_id: string } }).data.intent_id));
    await waitFor(async () => (await ours()).filter((d) => d.status === 'delivered').length === 5);
    const sent = (await ours()).reverse().map((d) => {
      const payload = JSON.parse(d.payload) as { type: string; data: { intent_id: string; status: string } };
      return [payload.type, payload.data.intent_id, payload.data.status];
    });
    expect(sent).toEqual([
      ['intent.held', allowed, 'held'], ['intent.released', allowed, 'allowed'], ['intent.executed', allowed, 'executed'],
      ['intent.denied', denied, 'denied'], ['intent.expired', expiring, 'expired'],
    ]);
  });

  it('endpoints are per organisation and managed by admins only', async () => {
    const endpoint = await subscribe(t, `${receiver.url}/x`, ['intent.held']);
    expect((await t.get(`/api/webhooks/${endpoint.id}/deliveries`, other.adminKey)).statusCode).toBe(404);
    expect((await t.get(`/api/webhooks/${endpoint.id}/deliveries`, t.demo.decisionKey)).statusCode).toBe(403);
    expect(json<{ data: unknown[] }>(await t.get('/api/webhooks', other.adminKey)).data).toEqual([]);
    const listed = await t.get('/api/webhooks', t.demo.adminKey);
    expect(listed.body).not.toContain(endpoint.secret);
    const bad = await post(t, '/api/webhooks', t.demo.adminKey, { url: 'ftp://x.example', events: ['intent.held'] });
    expect(json<ErrorJson>(bad).error.field).toBe('url');
    const unknown = await post(t, '/api/webhooks', t.demo.adminKey, { url: 'https://x.example', events: ['intent.nope'] });
    expect(unknown.statusCode).toBe(400);
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/webhooks/${endpoint.id}`, headers: { authorization: `Bearer ${t.demo.adminKey}` } });
    expect(json<{ changed: boolean }>(removed).changed).toBe(true);
  });
});
