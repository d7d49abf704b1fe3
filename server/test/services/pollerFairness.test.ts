import { afterEach, describe, expect, it } from 'vitest';
import { FM_REQUEST, decideExpect, post } from '../support/people.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { createTestApp, json, type TestApp, type TestOrg } from '../support/testApp.js';

// Per-organisation fairness in the background work: one organisation with thousands of due
// webhook deliveries (or expiring approval requests) does not keep another's single one out of
// the first round; work is claimed round-robin by organisation, not oldest first over all.

let t: TestApp | null = null;
let receiver: Receiver | null = null;
afterEach(async () => {
  await t?.close();
  await receiver?.close();
  t = null;
  receiver = null;
});

async function subscribe(app: TestApp, org: TestOrg, url: string): Promise<string> {
  const response = await post(app, '/api/webhooks', org.adminKey, { url, events: ['intent.pending_approval'] });
  expect(response.statusCode, response.body).toBe(201);
  return json<{ endpoint: { id: string } }>(response).endpoint.id;
}

describe('fair share between organisations in the pollers', () => {
  it("delivers a quiet organisation's one due webhook in the first round while another has thousands due", async () => {
    t = await createTestApp({ webhookPollMs: 0 });
    const app = t;
    receiver = await startReceiver();
    const quiet = await app.addOrg('Quiet');
    const busyEndpoint = await subscribe(app, app.demo, `${receiver.url}/busy`);
    const quietEndpoint = await subscribe(app, quiet, `${receiver.url}/quiet`);
    const now = app.now.getTime();
    const delivery = (orgId: string, endpointId: string, n: number, dueMs: number) => ({
      id: `whd_${orgId}_${n}`, org_id: orgId, endpoint_id: endpointId, event_id: `evt_${orgId}_${n}`,
      event_type: 'intent.pending_approval', payload: JSON.stringify({ n }), status: 'pending' as const, attempts: 0,
      next_attempt_ms: dueMs, last_status: null, last_error: null, created_at: new Date(dueMs).toISOString(), delivered_at: null,
    });
    // 3,000 deliveries of the busy organisation, all due before the quiet one's.
    await app.app.store.transaction(async (tx) => {
      for (let n = 0; n < 3000; n += 1) await tx.webhooks.insertDelivery(delivery(app.demo.id, busyEndpoint, n, now - 600_000 + n));
      await tx.webhooks.insertDelivery(delivery(quiet.id, quietEndpoint, 0, now - 1000));
    });

    const attempted = await app.app.webhooks.runDue();
    expect(attempted).toBeGreaterThan(1);
    expect(attempted).toBeLessThan(3001);
    const paths = receiver.received.map((request) => request.url);
    expect(paths.filter((path) => path === '/quiet')).toHaveLength(1);
    expect(paths.filter((path) => path === '/busy')).toHaveLength(attempted - 1);
    // The busy organisation's oldest went first among its own.
    expect(receiver.received.filter((request) => request.url === '/busy').map((request) => JSON.parse(request.body).n).sort((a, b) => a - b))
      .toEqual(Array.from({ length: attempted - 1 }, (_, n) => n));
  });

  it("claims a quiet organisation's expiring approval request in the first round while another has hundreds", async () => {
    t = await createTestApp({ webhookPollMs: 0 });
    const app = t;
    const quiet = await app.addOrg('Quiet');
    // 300 pending approval requests of the busy organisation, then one of the quiet one, later.
    for (let n = 0; n < 300; n += 1) await decideExpect(app, { ...FM_REQUEST, customer_id: `cus_${n}`, stripe_charge_id: `ch_${n}` }, 'pending_approval');
    const quietIntent = await decideExpect(app, { ...FM_REQUEST, customer_id: 'cus_q' }, 'pending_approval', quiet.decisionKey);
    await app.app.projections.catchUp();
    // Long after every request's time is up.
    const later = app.now.getTime() + 30 * 86_400_000;
    const firstRound = await app.app.store.intents.dueForExpiry(later, 100);
    expect(firstRound).toHaveLength(100);
    expect(firstRound.filter((intent) => intent.org_id === quiet.id).map((intent) => intent.id)).toEqual([quietIntent]);
    // Within the busy organisation, the oldest first.
    const busy = firstRound.filter((intent) => intent.org_id === app.demo.id).map((intent) => intent.expires_ms ?? 0);
    expect(busy).toEqual([...busy].sort((a, b) => a - b));
    expect(busy).toHaveLength(99);
  });
});
