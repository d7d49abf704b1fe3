import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_REQUEST, FM_REQUEST, addUser, decideExpect, del, intent, post, type TestUser } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

let t: TestApp;
let other: TestOrg;
let admin: TestUser;
let lead: TestUser;
let fm: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  other = await t.addOrg('Other org');
  admin = await addUser(t, ['admin']);
  lead = await addUser(t, ['support_lead']);
  fm = await addUser(t, ['finance_manager']);
});
afterAll(async () => {
  await t.close();
});

function errorOf(response: LightMyRequestResponse) {
  return json<ErrorJson>(response).error;
}

const BOT_REQUEST = { source: 'ai_agent', amount_cents: 6000, customer_tenure_days: 400 }; // pending support_lead

interface Controls { freezes: Array<Record<string, unknown>>; kill_switches: Array<Record<string, unknown>> }

describe('hold and release', () => {
  it('a held intent cannot be approved or executed; release returns it to where it was', async () => {
    const pending = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const before = await intent(t, pending);
    const held = await post(t, `/api/intents/${pending}/hold`, admin.key, { reason: 'customer disputes' });
    expect(held.statusCode, held.body).toBe(200);
    expect(json<{ status: string }>(held).status).toBe('held');
    const approve = await post(t, `/api/intents/${pending}/approve`, fm.key);
    expect(approve.statusCode).toBe(409);
    expect(errorOf(approve).code).toBe('intent_held');
    expect(errorOf(await post(t, `/api/intents/${pending}/hold`, admin.key)).code).toBe('already_held');
    const released = await post(t, `/api/intents/${pending}/release`, t.demo.adminKey);
    expect(json<{ status: string }>(released).status).toBe('pending_approval');
    const after = await intent(t, pending);
    expect(after.decision).toEqual(before.decision);
    const controls = after.events.filter((e) => e.kind === 'control');
    expect(controls.map((e) => [e.actor, e.body['control'], e.body['action']])).toEqual([
      [`user:${admin.id}`, 'hold', 'on'], [expect.stringMatching(/^api_key:/), 'hold', 'off'],
    ]);
    expect(controls[0]?.body['reason']).toBe('customer disputes');
    expect((await post(t, `/api/intents/${pending}/approve`, fm.key)).statusCode).toBe(200);

    const allowed = await decideExpect(t, ALLOW_REQUEST, 'allow');
    await post(t, `/api/intents/${allowed}/hold`, admin.key);
    const execute = await post(t, `/api/intents/${allowed}/executed`, t.demo.decisionKey, { stripe_refund_id: 're_h' });
    expect(execute.statusCode).toBe(409);
    expect(errorOf(execute).message).toContain('on hold');
    await post(t, `/api/intents/${allowed}/release`, admin.key);
    expect((await intent(t, allowed)).status).toBe('allowed');
    expect(errorOf(await post(t, `/api/intents/${allowed}/release`, admin.key)).code).toBe('not_held');

    const blocked = await decideExpect(t, { source: 'support_tool', amount_cents: 60000, customer_tenure_days: 3 }, 'block');
    expect(errorOf(await post(t, `/api/intents/${blocked}/hold`, admin.key)).code).toBe('not_holdable');
  });

  it('decision keys and non-admin users cannot hold; foreign intents do not exist', async () => {
    const id = await decideExpect(t, ALLOW_REQUEST, 'allow');
    expect((await post(t, `/api/intents/${id}/hold`, t.demo.decisionKey)).statusCode).toBe(403);
    expect((await post(t, `/api/intents/${id}/hold`, fm.key)).statusCode).toBe(403);
    expect((await post(t, `/api/intents/${id}/hold`, other.adminKey)).statusCode).toBe(404);
  });
});

describe('freeze', () => {
  it('blocks every new request for the account at intake, naming the freeze; nothing else', async () => {
    const on = await post(t, '/api/controls/freezes', admin.key, { stripe_account: 'acct_frozen', reason: 'merchant under review' });
    expect(on.statusCode, on.body).toBe(201);
    const blocked = json<DecisionJson & { decision: { control?: Record<string, unknown> } }>(
      await t.decide({ ...ALLOW_REQUEST, stripe_account: 'acct_frozen' }));
    expect(blocked.decision.outcome).toBe('block');
    expect(blocked.decision.control).toMatchObject({ kind: 'freeze', scope: 'acct_frozen', reason: 'merchant under review', actor: `user:${admin.id}` });
    expect(blocked.decision.reason).toContain('acct_frozen');
    expect((await intent(t, blocked.intent_id)).status).toBe('blocked');
    await decideExpect(t, { ...ALLOW_REQUEST, stripe_account: 'acct_fine' }, 'allow');
    await decideExpect(t, ALLOW_REQUEST, 'allow');
    // Another organisation's account of the same id is not frozen.
    await decideExpect(t, { ...ALLOW_REQUEST, stripe_account: 'acct_frozen' }, 'allow', other.decisionKey);

    const listed = json<Controls>(await t.get('/api/controls', fm.key));
    expect(listed.freezes).toEqual([expect.objectContaining({ kind: 'freeze', scope: 'acct_frozen' })]);
    expect(json<Controls>(await t.get('/api/controls', other.adminKey)).freezes).toEqual([]);
    expect(errorOf(await post(t, '/api/controls/freezes', admin.key, { stripe_account: 'acct_frozen', reason: 'again' })).code).toBe('control_active');

    expect((await del(t, '/api/controls/freezes/acct_frozen', other.adminKey)).statusCode).toBe(404);
    const off = await del(t, '/api/controls/freezes/acct_frozen', t.demo.adminKey);
    expect(off.statusCode, off.body).toBe(200);
    await decideExpect(t, { ...ALLOW_REQUEST, stripe_account: 'acct_frozen' }, 'allow');
    expect((await del(t, '/api/controls/freezes/acct_frozen', admin.key)).statusCode).toBe(404);
  });
});

describe('kill switch', () => {
  it('by source: blocks new requests from it at intake and stops approvals in scope until flipped back', async () => {
    const pending = await decideExpect(t, BOT_REQUEST, 'pending_approval');
    const on = await post(t, '/api/controls/kill-switch', admin.key, { scope: 'source:ai_agent', reason: 'bot misbehaving' });
    expect(on.statusCode, on.body).toBe(201);
    const blocked = json<DecisionJson & { decision: { control?: Record<string, unknown> } }>(await t.decide(BOT_REQUEST));
    expect(blocked.decision.outcome).toBe('block');
    expect(blocked.decision.control).toMatchObject({ kind: 'kill_switch', scope: 'source:ai_agent' });
    expect(blocked.decision.reason).toBe(`Kill switch (source:ai_agent) turned on by user:${admin.id}: bot misbehaving`);
    await decideExpect(t, ALLOW_REQUEST, 'allow');
    const approve = await post(t, `/api/intents/${pending}/approve`, lead.key);
    expect(approve.statusCode).toBe(409);
    expect(errorOf(approve).code).toBe('control_active');
    const off = await del(t, `/api/controls/kill-switch/${encodeURIComponent('source:ai_agent')}`, admin.key);
    expect(off.statusCode, off.body).toBe(200);
    expect((await post(t, `/api/intents/${pending}/approve`, lead.key)).statusCode).toBe(200);
    await decideExpect(t, BOT_REQUEST, 'pending_approval');
  });

  it('org-wide: blocks everything new; scopes are checked; only admins flip it', async () => {
    expect((await post(t, '/api/controls/kill-switch', t.demo.decisionKey, { scope: 'org', reason: 'x' })).statusCode).toBe(403);
    expect((await post(t, '/api/controls/kill-switch', fm.key, { scope: 'org', reason: 'x' })).statusCode).toBe(403);
    expect(errorOf(await post(t, '/api/controls/kill-switch', admin.key, { scope: 'source:nobody', reason: 'x' })))
      .toMatchObject({ code: 'invalid_field', field: 'scope' });
    expect(errorOf(await post(t, '/api/controls/kill-switch', admin.key, { scope: 'everything', reason: 'x' })).field).toBe('scope');
    expect(errorOf(await post(t, '/api/controls/kill-switch', admin.key, { scope: 'org' })).field).toBe('reason');
    expect((await del(t, '/api/controls/kill-switch/org', admin.key)).statusCode).toBe(404);

    expect((await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'org', reason: 'incident 42' })).statusCode).toBe(201);
    for (const body of [ALLOW_REQUEST, FM_REQUEST, BOT_REQUEST]) {
      const decision = json<DecisionJson & { decision: { control?: Record<string, unknown> } }>(await t.decide(body));
      expect(decision.decision.outcome).toBe('block');
      expect(decision.decision.control).toMatchObject({ kind: 'kill_switch', scope: 'org' });
    }
    await decideExpect(t, ALLOW_REQUEST, 'allow', other.decisionKey);
    expect(json<Controls>(await t.get('/api/controls', admin.key)).kill_switches).toHaveLength(1);
    expect((await del(t, '/api/controls/kill-switch/org', admin.key)).statusCode).toBe(200);
    await decideExpect(t, ALLOW_REQUEST, 'allow');
  });

  it('takes effect for the very next request under concurrent load: nothing in scope is allowed or approved after its record', async () => {
    const pendings: string[] = [];
    for (let i = 0; i < 20; i += 1) pendings.push(await decideExpect(t, BOT_REQUEST, 'pending_approval'));
    const leads = await Promise.all([1, 2, 3].map(() => addUser(t, ['support_lead'])));
    const headBefore = (await t.app.store.ledger.head(t.demo.id))!.seq;

    // Requests keep arriving before, with and after the control: the first wave is in flight
    // (some already sealed) when the kill switch is flipped, the second arrives with it.
    let decided = 0;
    const work: Array<Promise<unknown>> = [];
    for (let i = 0; i < 150; i += 1) {
      work.push(t.decide(i % 2 === 0 ? BOT_REQUEST : { ...BOT_REQUEST, amount_cents: 1000 }).finally(() => { decided += 1; }));
      if (i < pendings.length) work.push(post(t, `/api/intents/${pendings[i]}/approve`, leads[i % 3]!.key));
      if (i === 60) {
        // Bounded polling: until part of the first wave has been sealed.
        for (let spins = 0; decided < 20 && spins < 100_000; spins += 1) await new Promise((resolve) => setImmediate(resolve));
        expect(decided).toBeGreaterThanOrEqual(20);
        work.push(post(t, '/api/controls/kill-switch', admin.key, { scope: 'source:ai_agent', reason: 'load test' }));
      }
    }
    await Promise.all(work);
    // And some after its answer: on a networked database the control's own request may reach
    // the database after the whole wave above was sealed.
    await Promise.all([1, 2, 3, 4].map(() => t.decide(BOT_REQUEST)));

    const records = await t.app.store.ledger.scan(t.demo.id, headBefore, 10_000);
    const control = records.find((r) => r.kind === 'control' && JSON.parse(r.body).scope === 'source:ai_agent');
    expect(control).toBeDefined();
    const after = records.filter((r) => r.seq > control!.seq);
    const before = records.filter((r) => r.seq < control!.seq);
    const decisionsAfter = after.filter((r) => r.kind === 'decision').map((r) => JSON.parse(r.body).decision);
    expect(decisionsAfter.length).toBeGreaterThan(0);
    for (const decision of decisionsAfter) expect(decision).toMatchObject({ outcome: 'block', control: { scope: 'source:ai_agent' } });
    expect(after.filter((r) => r.kind === 'approval')).toEqual([]);
    // Work did happen on both sides of the control (the load really overlapped it).
    expect(before.filter((r) => r.kind === 'decision').length).toBeGreaterThan(0);
    expect(before.filter((r) => r.kind === 'decision' && JSON.parse(r.body).decision.outcome !== 'block').length).toBeGreaterThan(0);
    await del(t, `/api/controls/kill-switch/${encodeURIComponent('source:ai_agent')}`, admin.key);
  });

  it('every control change is a record in the chain with actor, scope, reason and time; the chain verifies', async () => {
    const records = await t.app.store.ledger.scan(t.demo.id, 0, 100_000);
    const controls = records.filter((r) => r.kind === 'control' && r.intent_id === null).map((r) => ({ actor: r.actor, time: r.time, ...JSON.parse(r.body) }));
    expect(controls.map((c) => [c.control, c.action, c.scope])).toEqual([
      ['freeze', 'on', 'acct_frozen'], ['freeze', 'off', 'acct_frozen'],
      ['kill_switch', 'on', 'source:ai_agent'], ['kill_switch', 'off', 'source:ai_agent'],
      ['kill_switch', 'on', 'org'], ['kill_switch', 'off', 'org'],
      ['kill_switch', 'on', 'source:ai_agent'], ['kill_switch', 'off', 'source:ai_agent'],
    ]);
    expect(controls[0]).toMatchObject({ actor: `user:${admin.id}`, reason: 'merchant under review', time: expect.stringMatching(/Z$/) });
    expect(json<{ ok: boolean }>(await t.get('/api/audit/verify', t.demo.adminKey)).ok).toBe(true);
  });
});
