import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, del, post } from '../support/people.js';
import { V4, V5 } from '../support/shadowPolicies.js';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

interface ShadowDecision {
  policy_version: string; outcome: string; reason: string; matched_rule: string | null; approver_role: string | null;
  approver_roles: string[] | null; approvals_required: number | null; matched_rules: string[]; missing_fields: string[];
}
type ShadowedJson = DecisionJson & { decision: DecisionJson['decision'] & { shadow?: ShadowDecision[]; control?: unknown } };

interface DiffJson {
  policy_version: string; live_policy_version: string; since: string; until: string; compared: number; differing: number;
  transitions: Array<{ from: string; to: string; count: number; amounts: Record<string, number>; text: string }>;
  rules: Array<{ rule: string; side: string; count: number; amounts: Record<string, number> }>;
  intents: {
    data: Array<{ intent_id: string; received_at: string; amount_cents: number; currency: string;
      live: { outcome: string; matched_rule: string | null }; shadow: { outcome: string; matched_rule: string | null } }>;
    next_cursor: string | null;
  };
}

let t: TestApp;
let other: TestOrg;
const T0 = new Date('2026-04-28T14:32:11.061Z');

async function publish(source: string, key = t.demo.adminKey): Promise<void> {
  const response = await post(t, '/api/policies', key, { source });
  expect(response.statusCode, response.body).toBe(201);
}

async function decide(body: Record<string, unknown>, key?: string): Promise<ShadowedJson> {
  const response = await t.decide(body, key === undefined ? {} : { key });
  expect(response.statusCode, response.body).toBe(200);
  return json<ShadowedJson>(response);
}

beforeAll(async () => {
  t = await createTestApp({ now: T0 });
  other = await t.addOrg('Other org');
  await publish(V4);
  await publish(V5);
});
afterAll(async () => {
  await t.close();
});

describe('shadow policies', () => {
  it('starts a shadow: 200 with its start time, sealed as a policy record, shown in the policy list', async () => {
    const response = await post(t, '/api/policies/v4/shadow', t.demo.adminKey);
    expect(response.statusCode, response.body).toBe(200);
    const body = json<{ policy_version: string; shadow: boolean; started_at: string }>(response);
    expect(body).toEqual({ policy_version: 'v4', shadow: true, started_at: expect.any(String) });
    const records = await t.app.store.ledger.scan(t.demo.id, 0, 10_000);
    const last = records[records.length - 1]!;
    expect(last.kind).toBe('policy');
    expect(last.actor).toMatch(/^api_key:/);
    expect(JSON.parse(last.body)).toMatchObject({ action: 'shadow_start', policy_version: 'v4' });
    expect(last.time).toBe(body.started_at);

    const again = await post(t, '/api/policies/v4/shadow', t.demo.adminKey);
    expect(json(again)).toEqual(body);
    expect((await t.app.store.ledger.scan(t.demo.id, 0, 10_000)).length).toBe(records.length);

    const list = json<{ data: Array<{ policy_version: string; live: boolean; shadow: boolean; active: boolean }> }>(
      await t.get('/api/policies', t.demo.adminKey));
    expect(list.data.map((p) => [p.policy_version, p.live, p.shadow])).toEqual([['v3', true, false], ['v4', false, true], ['v5', false, false]]);
    const one = json<{ live: boolean; shadow: boolean }>(await t.get('/api/policies/v4', t.demo.adminKey));
    expect(one).toMatchObject({ live: false, shadow: true });
  });

  it('every decision evaluates the shadow on the same input, seals it in the same record, and never enforces it', async () => {
    const decided = await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 });
    expect(decided.decision).toMatchObject({ outcome: 'allow', policy_version: 'v3', matched_rule: 'routine' });
    expect(decided.decision.shadow).toEqual([{
      policy_version: 'v4', outcome: 'pending_approval', reason: 'Refunds over $150 require approval',
      matched_rule: 'high_value_refund_review', approver_role: 'finance_manager', approver_roles: ['finance_manager'],
      approvals_required: 1, matched_rules: ['high_value_refund_review'], missing_fields: expect.any(Array),
    }]);
    const intent = json<{ status: string; decision: ShadowedJson['decision']; record: { seq: number } }>(
      await t.get(`/api/intents/${decided.intent_id}`, t.demo.adminKey));
    expect(intent.status).toBe('allowed');
    expect(intent.decision.shadow).toEqual(decided.decision.shadow);

    const [record] = await t.app.store.ledger.byIntent(t.demo.id, decided.intent_id);
    const body = JSON.parse(record!.body) as {
      request: Record<string, unknown>; facts: Record<string, number>; decision: ShadowedJson['decision'];
      shadow_policies: Array<{ version: string; ir_hash: string }>;
    };
    expect(body.decision.shadow).toEqual(decided.decision.shadow);
    // The sealed IR hash, request and facts reproduce the shadow decision exactly.
    const v4 = json<{ hash: string; ir: PolicyIR }>(await t.get('/api/policies/v4', t.demo.adminKey));
    expect(body.shadow_policies).toEqual([{ name: 'acme-refunds', version: 'v4', ir_hash: v4.hash }]);
    const replayed = loadPolicy(v4.ir).decide({ ...body.request, ...body.facts });
    expect(replayed.outcome).toBe('pending_approval');
    expect(replayed.matched_rule).toBe('high_value_refund_review');
  });

  it('facts are the union of what the live and every shadow policy need, computed once', async () => {
    expect(json(await post(t, '/api/policies/v5/shadow', t.demo.adminKey)).shadow).toBe(true);
    const first = await decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 400, customer_id: 'cus_weekly' });
    const second = await decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 400, customer_id: 'cus_weekly' });
    const third = await decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 400, customer_id: 'cus_weekly' });
    expect([first, second, third].map((d) => d.decision.outcome)).toEqual(['allow', 'allow', 'allow']);
    expect(third.decision.shadow!.map((s) => [s.policy_version, s.outcome, s.matched_rule])).toEqual([
      ['v4', 'allow', 'routine'], ['v5', 'block', 'weekly_limit'],
    ]);
    const [record] = await t.app.store.ledger.byIntent(t.demo.id, third.intent_id);
    expect(JSON.parse(record!.body).facts).toEqual({ customer_refunds_last_30_days: 2, customer_refunds_last_7_days: 2 });
    expect(json(await del(t, '/api/policies/v5/shadow', t.demo.adminKey)).shadow).toBe(false);
  });

  it('a controlled request evaluates no policy, so it carries no shadow decisions', async () => {
    const on = await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'source:ai_agent', reason: 'bot loop' });
    expect(on.statusCode, on.body).toBe(201);
    const blocked = await decide({ source: 'ai_agent', amount_cents: 12000, customer_tenure_days: 400 });
    expect(blocked.decision.outcome).toBe('block');
    expect(blocked.decision.control).toBeDefined();
    expect(blocked.decision.shadow).toBeUndefined();
    expect((await del(t, `/api/controls/kill-switch/${encodeURIComponent('source:ai_agent')}`, t.demo.adminKey)).statusCode).toBe(200);
  });

  it('another organisation neither sees nor runs the shadow, and a foreign version is a 404 like an unknown one', async () => {
    const decided = await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 }, other.decisionKey);
    expect(decided.decision.shadow).toBeUndefined();
    const foreign = await post(t, '/api/policies/v4/shadow', other.adminKey);
    const unknown = await post(t, '/api/policies/v9/shadow', other.adminKey);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toBe(unknown.body);
    const foreignDiff = await t.get('/api/policies/v4/diff', other.adminKey);
    expect(foreignDiff.statusCode).toBe(404);
    expect(foreignDiff.body).toBe((await t.get('/api/policies/v9/diff', other.adminKey)).body);
    expect((await del(t, '/api/policies/v4/shadow', other.adminKey)).body).toBe(unknown.body);
  });

  it('refuses bad input with a clear 4xx', async () => {
    const live = await post(t, '/api/policies/v3/shadow', t.demo.adminKey);
    expect(live.statusCode).toBe(409);
    expect(json<ErrorJson>(live).error).toMatchObject({ code: 'policy_is_live', field: 'version' });
    const malformed = await post(t, '/api/policies/4/shadow', t.demo.adminKey);
    expect(malformed.statusCode).toBe(400);
    expect(json<ErrorJson>(malformed).error.field).toBe('version');
    const notRunning = await del(t, '/api/policies/v5/shadow', t.demo.adminKey);
    expect(notRunning.statusCode).toBe(409);
    expect(json<ErrorJson>(notRunning).error.code).toBe('not_shadow');
    expect((await post(t, '/api/policies/v4/shadow', t.demo.decisionKey)).statusCode).toBe(403);
    const reader = await addUser(t, ['finance_manager']);
    expect((await post(t, '/api/policies/v5/shadow', reader.key)).statusCode).toBe(403);
    expect((await t.get('/api/policies/v4/diff', reader.key)).statusCode).toBe(200);
    expect((await t.get('/api/policies', reader.key)).statusCode).toBe(200);
    const admin = await addUser(t, ['admin']);
    expect((await post(t, '/api/policies/v4/shadow', admin.key)).statusCode).toBe(200);
    for (const query of ['limit=0', 'limit=201', 'since=yesterday', 'cursor=!!', 'since=2026-05-01T00:00:00Z&until=2026-04-01T00:00:00Z', 'extra=1']) {
      const response = await t.get(`/api/policies/v4/diff?${query}`, t.demo.adminKey);
      expect(response.statusCode, query).toBe(400);
      expect(json<ErrorJson>(response).error.field, query).not.toBeNull();
    }
  });
});

describe('GET /api/policies/:version/diff', () => {
  // A fresh window an hour later, so the counts below are exactly these requests.
  const A = new Date('2026-04-28T16:00:00.000Z');
  const B = new Date('2026-04-28T17:00:00.000Z');
  const END = new Date('2026-04-28T18:00:00.000Z');
  const ids: string[] = [];

  beforeAll(async () => {
    t.now = A;
    for (let i = 0; i < 3; i += 1) {
      ids.push((await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 })).intent_id);
    }
    t.now = B;
    for (let i = 0; i < 2; i += 1) {
      ids.push((await decide({ source: 'support_tool', amount_cents: 40000, customer_tenure_days: 5 })).intent_id);
    }
    ids.push((await decide({ source: 'support_tool', amount_cents: 8000, currency: 'jpy', customer_tenure_days: 400 })).intent_id);
    ids.push((await decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 })).intent_id);
    t.now = END;
  });

  function diff(query: string): Promise<DiffJson> {
    return t.get(`/api/policies/v4/diff?${query}`, t.demo.adminKey).then((response) => {
      expect(response.statusCode, response.body).toBe(200);
      return json<DiffJson>(response);
    });
  }

  it('counts and amounts per transition and per rule, over the decisions that differ', async () => {
    const result = await diff(`since=${A.toISOString()}&until=${END.toISOString()}`);
    expect(result).toMatchObject({
      policy_version: 'v4', live_policy_version: 'v3', since: A.toISOString(), until: END.toISOString(), compared: 7, differing: 6,
    });
    expect(result.transitions).toEqual([
      { from: 'allow', to: 'pending_approval', count: 3, amounts: { usd: 36000 }, text: 'allow -> pending_approval: 3, $360.00' },
      { from: 'pending_approval', to: 'block', count: 3, amounts: { jpy: 8000, usd: 80000 }, text: 'pending_approval -> block: 3, ¥8,000 + $800.00' },
    ]);
    expect(result.rules).toEqual([
      { rule: 'routine', side: 'live', count: 3, amounts: { usd: 36000 } },
      { rule: 'high_value_refund_review', side: 'live', count: 2, amounts: { usd: 80000 } },
      { rule: 'otherwise', side: 'live', count: 1, amounts: { jpy: 8000 } },
      { rule: 'high_value_refund_review', side: 'shadow', count: 3, amounts: { usd: 36000 } },
      { rule: 'new_customer_large_refund', side: 'shadow', count: 2, amounts: { usd: 80000 } },
      { rule: 'yen_block', side: 'shadow', count: 1, amounts: { jpy: 8000 } },
    ]);
  });

  it('lists the differing intents newest first, paginated', async () => {
    const window = `since=${A.toISOString()}&until=${END.toISOString()}`;
    const first = await diff(`${window}&limit=4`);
    expect(first.intents.data.map((row) => row.intent_id)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
    expect(first.intents.data[0]).toEqual({
      intent_id: ids[5], received_at: expect.stringMatching(/^2026-04-28T17:00:00\.\d{3}Z$/), amount_cents: 8000, currency: 'jpy',
      live: { outcome: 'pending_approval', matched_rule: null }, shadow: { outcome: 'block', matched_rule: 'yen_block' },
    });
    expect(first.intents.next_cursor).not.toBeNull();
    const second = await diff(`${window}&limit=4&cursor=${first.intents.next_cursor}`);
    expect(second.intents.data.map((row) => row.intent_id)).toEqual([ids[1], ids[0]]);
    expect(second.intents.next_cursor).toBeNull();
    // Pages never change the totals.
    expect(second.compared).toBe(7);
  });

  it('since and until select the window; the default is the last 30 days', async () => {
    const later = await diff(`since=${B.toISOString()}&until=${END.toISOString()}`);
    expect([later.compared, later.differing]).toEqual([4, 3]);
    expect(later.transitions.map((row) => row.text)).toEqual(['pending_approval -> block: 3, ¥8,000 + $800.00']);
    const all = await diff('');
    expect(new Date(all.until).getTime() - new Date(all.since).getTime()).toBe(30 * 24 * 3_600_000);
    // Everything the shadow saw: the requests of the first describe block as well.
    expect(all.compared).toBeGreaterThan(7);
    expect(all.differing).toBeGreaterThanOrEqual(6);
  });

  it('stopping the shadow keeps its history and stops new shadow decisions', async () => {
    const stopped = await del(t, '/api/policies/v4/shadow', t.demo.adminKey);
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(json(stopped)).toEqual({ policy_version: 'v4', shadow: false, stopped_at: expect.any(String) });
    const decided = await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 });
    expect(decided.decision.shadow).toBeUndefined();
    expect((await diff(`since=${A.toISOString()}&until=${END.toISOString()}`)).compared).toBe(7);
    const list = json<{ data: Array<{ policy_version: string; shadow: boolean }> }>(await t.get('/api/policies', t.demo.adminKey));
    expect(list.data.every((p) => !p.shadow)).toBe(true);
    const verify = json<{ ok: boolean }>(await t.get('/api/audit/verify', t.demo.adminKey));
    expect(verify.ok).toBe(true);
  });
});

describe('activating a running shadow', () => {
  it('stops the shadow in the same transaction: the version decides and no longer shadows itself', async () => {
    expect((await post(t, '/api/policies/v5/shadow', t.demo.adminKey)).statusCode).toBe(200);
    const activated = await post(t, '/api/policies/v5/activate', t.demo.adminKey);
    expect(activated.statusCode, activated.body).toBe(200);
    expect(json(activated)).toMatchObject({ policy_version: 'v5', live: true, shadow: false });
    const decided = await decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 400 });
    expect(decided.decision.policy_version).toBe('v5');
    expect(decided.decision.shadow).toBeUndefined();
    expect((await del(t, '/api/policies/v5/shadow', t.demo.adminKey)).statusCode).toBe(409);
  });
});
