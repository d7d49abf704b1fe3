import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_REQUEST, CFO2_REQUEST, FM_REQUEST, addUser, decideExpect, intent, post, type TestUser } from '../support/people.js';
import { createTestApp, json, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

let t: TestApp;
let other: TestOrg;
let lead: TestUser;
let fm1: TestUser;
let fm2: TestUser;
let cfo1: TestUser;
let cfo2: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  other = await t.addOrg('Other org');
  lead = await addUser(t, ['support_lead']);
  fm1 = await addUser(t, ['finance_manager']);
  fm2 = await addUser(t, ['finance_manager']);
  cfo1 = await addUser(t, ['cfo']);
  cfo2 = await addUser(t, ['cfo', 'admin']);
});
afterAll(async () => {
  await t.close();
});

interface ActJson { intent_id: string; status: string; approvals: number; approvals_required: number; record: { seq: number; kind: string } }

function approve(id: string, user: TestUser, comment?: string) {
  return post(t, `/api/intents/${id}/approve`, user.key, comment === undefined ? undefined : { comment });
}

function errorOf(response: LightMyRequestResponse) {
  return json<ErrorJson>(response).error;
}

describe('approval requests', () => {
  it('a pending decision names its requester and appears in the queue with its full context', async () => {
    const id = await decideExpect(t, { ...FM_REQUEST, customer_id: 'cus_q', stripe_account: 'acct_q', requested_by: 'refund_bot' }, 'pending_approval');
    const detail = await intent(t, id);
    expect(detail).toMatchObject({ status: 'pending_approval', requested_by: 'refund_bot' });
    const queue = await t.get('/api/approvals?role=finance_manager', fm1.key);
    expect(queue.statusCode, queue.body).toBe(200);
    const item = json<{ data: Array<Record<string, unknown>> }>(queue).data.find((entry) => entry['intent_id'] === id);
    expect(item).toMatchObject({
      status: 'pending_approval', source: 'support_tool', amount_cents: 22000, currency: 'usd', customer_id: 'cus_q',
      stripe_charge_id: 'ch_fm', requested_by: 'refund_bot', approver_roles: ['finance_manager'], approvals_required: 1,
      matched_rule: 'high_value_refund_review', reason: 'Refunds over $150 require approval',
      matched_rules: ['high_value_refund_review'], shadow_decisions: [],
      refund: { stripe_charge_id: 'ch_fm', amount_cents: 22000, currency: 'usd', stripe_account: 'acct_q' },
    });
    expect(item?.['facts']).toBeTypeOf('object');
    expect(Date.parse(String(item?.['expires_at'])) - Date.parse(String(item?.['received_at']))).toBe(72 * 3_600_000);
    // A role that may not act on it does not see it under its role filter.
    const leadQueue = json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/approvals?role=support_lead', lead.key));
    expect(leadQueue.data.map((entry) => entry.intent_id)).not.toContain(id);
    expect(errorOf(await t.get('/api/approvals?role=treasurer', fm1.key))).toMatchObject({ code: 'invalid_field', field: 'role' });
    expect((await t.get('/api/approvals', t.demo.decisionKey)).statusCode).toBe(403);
  });

  it('a user of the required role approves, with a comment, sealed with actor, role and the original decision', async () => {
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const response = await approve(id, fm1, 'checked the ticket');
    expect(response.statusCode, response.body).toBe(200);
    expect(json<ActJson>(response)).toMatchObject({ status: 'approved', approvals: 1, approvals_required: 1, record: { kind: 'approval' } });
    const detail = await intent(t, id, t.demo.decisionKey);
    expect(detail.status).toBe('approved');
    const event = detail.events.find((e) => e.kind === 'approval');
    expect(event?.actor).toBe(`user:${fm1.id}`);
    expect(event?.body).toMatchObject({ user_id: fm1.id, role: 'finance_manager', comment: 'checked the ticket', channel: 'api', status: 'approved' });
    expect(event?.body['original_decision']).toEqual(detail.decision);
  });

  it('a more senior role may approve; a too junior one is refused with a clear message', async () => {
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const junior = await approve(id, lead);
    expect(junior.statusCode).toBe(403);
    expect(errorOf(junior)).toEqual({
      code: 'role_insufficient', field: null,
      message: 'Your roles (support_lead) cannot approve a request that requires finance_manager.',
    });
    const senior = await approve(id, cfo1);
    expect(senior.statusCode, senior.body).toBe(200);
    const event = (await intent(t, id)).events.find((e) => e.kind === 'approval');
    expect(event?.body['role']).toBe('cfo');
  });

  it('the requester can never approve their own refund', async () => {
    const id = await decideExpect(t, { ...FM_REQUEST, requested_by: fm1.id }, 'pending_approval');
    const self = await approve(id, fm1);
    expect(self.statusCode).toBe(403);
    expect(errorOf(self).code).toBe('self_approval');
    const selfDeny = await post(t, `/api/intents/${id}/deny`, fm1.key);
    expect(errorOf(selfDeny).code).toBe('self_approval');
    expect((await intent(t, id)).status).toBe('pending_approval');
    expect((await approve(id, fm2)).statusCode).toBe(200);
  });

  it('N approvals need N distinct approvers; the N-th moves the intent to approved', async () => {
    const id = await decideExpect(t, CFO2_REQUEST, 'pending_approval');
    expect((await intent(t, id)).decision).toMatchObject({ approver_role: 'cfo', approvals_required: 2 });
    const first = await approve(id, cfo1);
    expect(json<ActJson>(first)).toMatchObject({ status: 'pending_approval', approvals: 1, approvals_required: 2 });
    const again = await approve(id, cfo1);
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('already_approved');
    expect(errorOf(await approve(id, fm1)).code).toBe('role_insufficient');
    const second = await approve(id, cfo2);
    expect(json<ActJson>(second)).toMatchObject({ status: 'approved', approvals: 2 });
    const late = await approve(id, cfo2);
    expect(late.statusCode).toBe(409);
    expect(errorOf(late).code).toBe('not_pending');
  });

  it('two approvers at the same moment: exactly one transition per approval', async () => {
    const two = await decideExpect(t, CFO2_REQUEST, 'pending_approval');
    const results = await Promise.all([approve(two, cfo1), approve(two, cfo2)]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(results.map((r) => json<ActJson>(r).status).sort()).toEqual(['approved', 'pending_approval']);
    const records = (await intent(t, two)).events.filter((e) => e.kind === 'approval');
    expect(records.map((e) => e.body['approvals'])).toEqual([1, 2]);

    const one = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const race = await Promise.all([approve(one, fm1), approve(one, fm2), approve(one, cfo1), approve(one, fm1)]);
    expect(race.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(race.filter((r) => r.statusCode === 409)).toHaveLength(3);
    expect((await intent(t, one)).events.filter((e) => e.kind === 'approval')).toHaveLength(1);
  });

  it('a denial decides; nothing can be approved after it; a non-pending intent cannot be approved', async () => {
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const denied = await post(t, `/api/intents/${id}/deny`, fm2.key, { comment: 'duplicate of an earlier refund' });
    expect(json<ActJson>(denied)).toMatchObject({ status: 'denied', record: { kind: 'denial' } });
    expect(errorOf(await approve(id, fm1)).code).toBe('not_pending');
    const allowed = await decideExpect(t, ALLOW_REQUEST, 'allow');
    const response = await approve(allowed, fm1);
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).message).toBe('This intent is allowed, not pending approval; it cannot be approved.');
  });

  it('only user keys approve; another organisation\'s intent does not exist', async () => {
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    expect((await post(t, `/api/intents/${id}/approve`, t.demo.adminKey)).statusCode).toBe(403);
    expect((await post(t, `/api/intents/${id}/approve`, t.demo.decisionKey)).statusCode).toBe(403);
    expect((await post(t, `/api/intents/${id}/approve`, 'sk_user_x')).statusCode).toBe(401);
    const outsider = await addUser(t, ['cfo'], { adminKey: other.adminKey });
    const foreign = await approve(id, outsider);
    expect(foreign.statusCode).toBe(404);
    expect(errorOf(foreign).code).toBe('not_found');
    expect((await t.get(`/api/intents/${id}`, outsider.key)).statusCode).toBe(404);
    const foreignQueue = json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/approvals', outsider.key));
    expect(foreignQueue.data).toEqual([]);
    const ownQueue = json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/approvals', fm1.key));
    expect(ownQueue.data.map((d) => d.intent_id)).toContain(id);
    expect(errorOf(await post(t, `/api/intents/${id}/approve`, fm1.key, { comment: 5 })).field).toBe('comment');
  });
});

describe('expiry', () => {
  it('an undecided request expires after the TTL, sealed; acting on it is refused', async () => {
    const lazy = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const swept = await decideExpect(t, FM_REQUEST, 'pending_approval');
    t.now = new Date(t.now.getTime() + 71 * 3_600_000);
    expect(await t.app.actions.expireDue()).toBe(0);
    t.now = new Date(t.now.getTime() + 2 * 3_600_000);

    const response = await approve(lazy, fm1);
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).code).toBe('approval_expired');
    const lazyDetail = await intent(t, lazy);
    expect(lazyDetail.status).toBe('expired');
    const expiry = lazyDetail.events.find((e) => e.kind === 'expiry');
    expect(expiry?.actor).toBe('system');
    expect(expiry?.body['original_decision']).toEqual(lazyDetail.decision);
    expect(errorOf(await approve(lazy, fm2)).code).toBe('approval_expired');

    expect(await t.app.actions.expireDue()).toBeGreaterThanOrEqual(1);
    expect((await intent(t, swept)).status).toBe('expired');
    expect(json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/approvals?status=expired', fm1.key)).data.map((d) => d.intent_id))
      .toEqual(expect.arrayContaining([lazy, swept]));
    const verify = json<{ ok: boolean }>(await t.get('/api/audit/verify', t.demo.adminKey));
    expect(verify.ok).toBe(true);
  });

  it('the organisation\'s TTL applies to new requests', async () => {
    expect(json(await t.get('/api/approvals/settings', fm1.key))).toEqual({ approval_ttl_hours: 72 });
    expect((await t.app.inject({ method: 'PUT', url: '/api/approvals/settings', headers: { authorization: `Bearer ${fm1.key}` }, payload: { approval_ttl_hours: 1 } })).statusCode).toBe(403);
    const set = await t.app.inject({ method: 'PUT', url: '/api/approvals/settings', headers: { authorization: `Bearer ${cfo2.key}` }, payload: { approval_ttl_hours: 2 } });
    expect(set.statusCode, set.body).toBe(200);
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    t.now = new Date(t.now.getTime() + 2 * 3_600_000 + 1000);
    expect(await t.app.actions.expireDue()).toBe(1);
    expect((await intent(t, id)).status).toBe('expired');
    const bad = await t.app.inject({ method: 'PUT', url: '/api/approvals/settings', headers: { authorization: `Bearer ${t.demo.adminKey}` }, payload: { approval_ttl_hours: 0 } });
    expect(json<ErrorJson>(bad).error.field).toBe('approval_ttl_hours');
  });
});

describe('POST /api/intents/:id/executed', () => {
  it('is accepted only for allowed or approved intents, and sealed', async () => {
    const allowed = await decideExpect(t, ALLOW_REQUEST, 'allow');
    const done = await post(t, `/api/intents/${allowed}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_1' });
    expect(json<ActJson>(done)).toMatchObject({ status: 'executed', record: { kind: 'execution' } });
    const detail = await intent(t, allowed);
    expect(detail.status).toBe('executed');
    expect(detail.events.find((e) => e.kind === 'execution')?.body).toMatchObject({ stripe_refund_id: 're_1', from_status: 'allowed' });
    const twice = await post(t, `/api/intents/${allowed}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_1' });
    expect(twice.statusCode).toBe(409);
    expect(errorOf(twice).code).toBe('not_executable');

    const pending = await decideExpect(t, FM_REQUEST, 'pending_approval');
    expect((await post(t, `/api/intents/${pending}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_2' })).statusCode).toBe(409);
    await approve(pending, fm1);
    expect((await post(t, `/api/intents/${pending}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_2' })).statusCode).toBe(200);

    const blocked = await decideExpect(t, { source: 'support_tool', amount_cents: 60000, customer_tenure_days: 3 }, 'block');
    expect((await post(t, `/api/intents/${blocked}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_3' })).statusCode).toBe(409);
    expect(errorOf(await post(t, `/api/intents/${allowed}/executed`, t.demo.decisionKey, {})).field).toBe('stripe_refund_id');
    expect((await post(t, `/api/intents/${allowed}/executed`, other.decisionKey, { stripe_refund_id: 're_4' })).statusCode).toBe(404);
    expect((await post(t, `/api/intents/${allowed}/executed`, fm1.key, { stripe_refund_id: 're_4' })).statusCode).toBe(403);
  });
});
