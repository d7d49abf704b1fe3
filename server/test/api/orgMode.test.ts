import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, del, post } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';
import { sqlRow } from '../support/testDatabase.js';

interface ModeJson {
  mode: string; changed: boolean;
  impact: { since: string; until: string; evaluated: number; changes: Array<{ from: string; to: string; count: number; amounts: Record<string, number>; text: string }>; summary: string[] };
}
type ObservedJson = DecisionJson & {
  decision: DecisionJson['decision'] & { enforced?: boolean; would_be?: DecisionJson['decision']; control?: { kind: string } };
};

let t: TestApp;
let other: TestOrg;
const START = new Date('2026-04-28T10:00:00.000Z');
const OBSERVED = new Date('2026-04-28T11:00:00.000Z');
const LATER = new Date('2026-04-28T12:00:00.000Z');

function setMode(payload: Record<string, unknown>, query = '', key = t.demo.adminKey) {
  return t.app.inject({ method: 'PUT', url: `/api/org/mode${query}`, headers: { authorization: `Bearer ${key}` }, payload });
}

async function decide(body: Record<string, unknown>, key?: string): Promise<ObservedJson> {
  const response = await t.decide(body, key === undefined ? {} : { key });
  expect(response.statusCode, response.body).toBe(200);
  return json<ObservedJson>(response);
}

beforeAll(async () => {
  t = await createTestApp({ now: START });
  other = await t.addOrg('Other org');
});
afterAll(async () => {
  await t.close();
});

describe('organisation mode', () => {
  it('GET /api/org: existing organisations enforce', async () => {
    const org = json(await t.get('/api/org', t.demo.adminKey));
    expect(org).toEqual({ id: t.demo.id, name: 'Demo org', default_currency: 'usd', mode: 'enforce', live_policy_version: 'v3' });
    const reader = await addUser(t, ['support_lead']);
    expect((await t.get('/api/org', reader.key)).statusCode).toBe(200);
    expect((await t.get('/api/org', t.demo.decisionKey)).statusCode).toBe(403);
  });

  it('refuses bad input with a clear 4xx naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ mode: 'observe' }, 'reason'],
      [{ mode: 'maybe', reason: 'x' }, 'mode'],
      [{ reason: 'x' }, 'mode'],
      [{ mode: 'observe', reason: '' }, 'reason'],
      [{ mode: 'observe', reason: 'x', confirm: 'true' }, 'confirm'],
      [{ mode: 'observe', reason: 'x', colour: 'blue' }, 'colour'],
    ];
    for (const [payload, field] of cases) {
      const response = await setMode(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json<ErrorJson>(response).error.field, JSON.stringify(payload)).toBe(field);
    }
    const badWindow = await setMode({ mode: 'observe', reason: 'x' }, '?since=last-week');
    expect(json<ErrorJson>(badWindow).error.field).toBe('since');
    const finance = await addUser(t, ['finance_manager']);
    expect((await setMode({ mode: 'observe', reason: 'x', confirm: true }, '', finance.key)).statusCode).toBe(403);
    expect((await setMode({ mode: 'observe', reason: 'x', confirm: true }, '', t.demo.decisionKey)).statusCode).toBe(403);
    expect(json(await t.get('/api/org', t.demo.adminKey)).mode).toBe('enforce');
  });

  it('switching to observe: a preview first, then a sealed change with actor, old and new mode and reason', async () => {
    await decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400 });   // pending_approval
    await decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 });    // allow
    const before = await t.app.store.ledger.size();
    const preview = json<ModeJson>(await setMode({ mode: 'observe', reason: 'trial period' }));
    expect(preview.mode).toBe('enforce');
    expect(preview.changed).toBe(false);
    expect(preview.impact.evaluated).toBe(2);
    expect(preview.impact.changes).toEqual([
      { from: 'pending_approval', to: 'allow', count: 1, amounts: { usd: 22000 }, text: 'pending_approval -> allow: 1, $220.00' },
    ]);
    expect(preview.impact.summary[1]).toBe('1 refund that needed approval would go through without enforcement ($220.00)');
    expect(await t.app.store.ledger.size()).toBe(before);

    const admin = await addUser(t, ['admin']);
    const confirmed = json<ModeJson>(await setMode({ mode: 'observe', reason: 'trial period', confirm: true }, '', admin.key));
    expect(confirmed).toMatchObject({ mode: 'observe', changed: true });
    const records = await t.app.store.ledger.scan(t.demo.id, 0, 10_000);
    const last = records[records.length - 1]!;
    expect(last.kind).toBe('org');
    expect(last.actor).toBe(`user:${admin.id}`);
    expect(JSON.parse(last.body)).toMatchObject({ action: 'mode', mode: 'observe', previous_mode: 'enforce', reason: 'trial period' });
    expect(json(await t.get('/api/org', t.demo.adminKey)).mode).toBe('observe');
    // Another organisation is untouched.
    expect(json(await t.get('/api/org', other.adminKey))).toMatchObject({ id: other.id, mode: 'enforce' });
    expect((await decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400 }, other.decisionKey)).decision.outcome)
      .toBe('pending_approval');

    const demoChain = (await t.app.store.ledger.scan(t.demo.id, 0, 10_000)).length;
    const again = json<ModeJson>(await setMode({ mode: 'observe', reason: 'again', confirm: true }));
    expect(again).toMatchObject({ mode: 'observe', changed: false });
    expect((await t.app.store.ledger.scan(t.demo.id, 0, 10_000)).length).toBe(demoChain);
  });

  it('in observe mode the policy is evaluated and sealed, the caller is told allow, with the would-be decision', async () => {
    t.now = OBSERVED;
    const held = await decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400, customer_id: 'cus_obs' });
    expect(held.decision).toMatchObject({ outcome: 'allow', enforced: false, policy_version: 'v3', matched_rule: null });
    expect(held.decision.reason).toBe('Observe mode: not enforced. The policy would hold it for approval: Refunds over $150 require approval');
    expect(held.decision.would_be).toEqual({
      outcome: 'pending_approval', reason: 'Refunds over $150 require approval', policy_version: 'v3',
      matched_rule: 'high_value_refund_review', approver_role: 'finance_manager', approver_roles: ['finance_manager'],
      approvals_required: 1, matched_rules: ['high_value_refund_review'], missing_fields: expect.any(Array),
    });
    const intent = json<{ status: string; decision: ObservedJson['decision'] }>(await t.get(`/api/intents/${held.intent_id}`, t.demo.adminKey));
    expect(intent.status).toBe('allowed');
    expect(intent.decision.would_be?.outcome).toBe('pending_approval');
    // The would-be outcome stays queryable; no approval request was opened.
    const listed = json<{ data: Array<{ intent_id: string; outcome: string; status: string }> }>(
      await t.get('/api/intents?outcome=pending_approval&customer_id=cus_obs', t.demo.adminKey));
    expect(listed.data).toEqual([expect.objectContaining({ intent_id: held.intent_id, outcome: 'pending_approval', status: 'allowed' })]);
    const flags = (id: string) => sqlRow(t.app, 'SELECT outcome, status, enforced FROM intents WHERE org_id = ? AND id = ?', t.demo.id, id);
    expect(await flags(held.intent_id)).toEqual({ outcome: 'pending_approval', status: 'allowed', enforced: 0 });
    const queue = json<{ data: Array<{ intent_id: string }> }>(await t.get('/api/approvals', t.demo.adminKey));
    expect(queue.data.map((row) => row.intent_id)).not.toContain(held.intent_id);

    const blocked = await decide({ source: 'support_tool', amount_cents: 60000, customer_tenure_days: 5 });
    expect(blocked.decision).toMatchObject({ outcome: 'allow', enforced: false });
    expect(blocked.decision.would_be?.outcome).toBe('block');
    const allowed = await decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 });
    expect(allowed.decision).toMatchObject({ outcome: 'allow', enforced: false });
    expect(allowed.decision.would_be?.outcome).toBe('allow');
  });

  it('controls still block in observe mode', async () => {
    const on = await post(t, '/api/controls/freezes', t.demo.adminKey, { stripe_account: 'acct_frozen', reason: 'dispute' });
    expect(on.statusCode, on.body).toBe(201);
    const frozen = await decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400, stripe_account: 'acct_frozen' });
    expect(frozen.decision).toMatchObject({ outcome: 'block', enforced: true, control: { kind: 'freeze' } });
    expect(frozen.decision.would_be).toBeUndefined();
    const intent = json<{ status: string }>(await t.get(`/api/intents/${frozen.intent_id}`, t.demo.adminKey));
    expect(intent.status).toBe('blocked');
    expect((await del(t, '/api/controls/freezes/acct_frozen', t.demo.adminKey)).statusCode).toBe(200);
  });

  it('switching to enforce shows what would start happening, then enforces', async () => {
    t.now = LATER;
    const window = `?since=${OBSERVED.toISOString()}&until=${LATER.toISOString()}`;
    const preview = json<ModeJson>(await setMode({ mode: 'enforce', reason: 'trial over' }, window));
    expect(preview).toMatchObject({ mode: 'observe', changed: false });
    // Three observed decisions (the frozen request was a control's, not the policy's).
    expect(preview.impact.evaluated).toBe(3);
    expect(preview.impact.changes).toEqual([
      { from: 'allow', to: 'block', count: 1, amounts: { usd: 60000 }, text: 'allow -> block: 1, $600.00' },
      { from: 'allow', to: 'pending_approval', count: 1, amounts: { usd: 22000 }, text: 'allow -> pending_approval: 1, $220.00' },
    ]);
    expect(preview.impact.summary.slice(1)).toEqual([
      '1 refund the policy blocks will start being blocked ($600.00)',
      '1 would-be approval will start going to the approvals queue ($220.00)',
    ]);
    const confirmed = json<ModeJson>(await setMode({ mode: 'enforce', reason: 'trial over', confirm: true }, window));
    expect(confirmed).toMatchObject({ mode: 'enforce', changed: true });
    const records = await t.app.store.ledger.scan(t.demo.id, 0, 10_000);
    expect(JSON.parse(records[records.length - 1]!.body)).toMatchObject({
      action: 'mode', mode: 'enforce', previous_mode: 'observe', reason: 'trial over',
      impact: { evaluated: 3, changes: [{ from: 'allow', to: 'block', count: 1 }, { from: 'allow', to: 'pending_approval', count: 1 }] },
    });
    const enforced = await decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400 });
    expect(enforced.decision.outcome).toBe('pending_approval');
    expect(enforced.decision.enforced).toBeUndefined();
    expect(enforced.decision.would_be).toBeUndefined();
    expect(json<{ ok: boolean }>(await t.get('/api/audit/verify', t.demo.adminKey)).ok).toBe(true);
  });
});
