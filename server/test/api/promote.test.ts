import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, post } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type ErrorJson, type TestApp } from '../support/testApp.js';
import { V4, V5 } from '../support/shadowPolicies.js';

interface ImpactJson {
  since: string; until: string; evaluated: number;
  changes: Array<{ from: string; to: string; count: number; amounts: Record<string, number>; text: string }>;
  summary: string[];
}
interface PromoteJson {
  promoted: boolean; live_policy_version?: string; previous_policy_version?: string | null; impact: ImpactJson;
}

let t: TestApp;
const A = new Date('2026-04-10T09:00:00.000Z');
const B = new Date('2026-04-10T12:00:00.000Z');
const NOW = new Date('2026-04-28T00:00:00.000Z');

async function decide(body: Record<string, unknown>): Promise<DecisionJson> {
  const response = await t.decide(body);
  expect(response.statusCode, response.body).toBe(200);
  return json<DecisionJson>(response);
}

function promote(version: string, body?: Record<string, unknown>, query = '', key = t.demo.adminKey) {
  return post(t, `/api/policies/${version}/promote${query}`, key, body);
}

beforeAll(async () => {
  t = await createTestApp({ now: A });
  for (const source of [V4, V5]) expect((await post(t, '/api/policies', t.demo.adminKey, { source })).statusCode).toBe(201);
  // Against v4 (see shadow.test.ts): 3 refunds allowed today would need approval, 2 new-customer
  // refunds and 1 yen refund that needed approval would be blocked, and a $50 refund is unchanged.
  for (let i = 0; i < 3; i += 1) await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 });
  t.now = B;
  for (let i = 0; i < 2; i += 1) await decide({ source: 'support_tool', amount_cents: 40000, customer_tenure_days: 5 });
  await decide({ source: 'support_tool', amount_cents: 8000, currency: 'jpy', customer_tenure_days: 400 });
  await decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 });
  // A kill-switch block is not a policy decision: the impact leaves it out.
  expect((await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'org', reason: 'drill' })).statusCode).toBe(201);
  expect((await decide({ source: 'support_tool', amount_cents: 99000, customer_tenure_days: 5 })).decision.outcome).toBe('block');
  expect((await t.app.inject({ method: 'DELETE', url: '/api/controls/kill-switch/org', headers: { authorization: `Bearer ${t.demo.adminKey}` } })).statusCode).toBe(200);
  t.now = NOW;
});
afterAll(async () => {
  await t.close();
});

describe('POST /api/policies/:version/promote', () => {
  it('without confirm, answers with the impact over the last 30 days and changes nothing', async () => {
    const before = await t.app.store.ledger.size();
    const response = await promote('v4');
    expect(response.statusCode, response.body).toBe(200);
    const body = json<PromoteJson>(response);
    expect(body.promoted).toBe(false);
    // The test clock moves 1 ms per reading, and background work (pollers, leases) reads it
    // too, a number of times that varies with load: `until` is "now" a few ticks after NOW.
    const until = Date.parse(body.impact.until);
    expect(until).toBeGreaterThanOrEqual(NOW.getTime());
    expect(until).toBeLessThan(NOW.getTime() + 60_000);
    expect(Date.parse(body.impact.since)).toBe(until - 30 * 86_400_000);
    const window = { since: body.impact.since, until: body.impact.until };
    expect(body.impact).toEqual({
      ...window,
      evaluated: 7,
      changes: [
        { from: 'allow', to: 'pending_approval', count: 3, amounts: { usd: 36000 }, text: 'allow -> pending_approval: 3, $360.00' },
        { from: 'pending_approval', to: 'block', count: 3, amounts: { jpy: 8000, usd: 80000 }, text: 'pending_approval -> block: 3, ¥8,000 + $800.00' },
      ],
      summary: [
        `7 refunds decided between ${window.since} and ${window.until} evaluated.`,
        '3 refunds that were allowed would go to the approvals queue ($360.00)',
        '3 refunds that needed approval would be blocked (¥8,000 + $800.00)',
      ],
    });
    expect(await t.app.store.ledger.size()).toBe(before);
    expect((await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 })).decision.policy_version).toBe('v3');
  });

  it('?since narrows the window', async () => {
    const body = json<PromoteJson>(await promote('v4', {}, `?since=${B.toISOString()}&until=${NOW.toISOString()}`));
    expect(body.impact.evaluated).toBe(4);
    expect(body.impact.changes.map((c) => c.text)).toEqual(['pending_approval -> block: 3, ¥8,000 + $800.00']);
  });

  it('computes the facts a candidate needs that were not sealed, as of each intent\'s received time', async () => {
    t.now = new Date('2026-04-20T00:00:00.000Z');
    const from = t.now.toISOString();
    // Sealed with acme's 30-day count only; v5 asks for a 7-day one. The third refund is the
    // first with two earlier refunds in the week before it.
    for (const hour of [0, 1, 2]) {
      t.now = new Date(Date.parse(from) + hour * 3_600_000);
      await decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 400, customer_id: 'cus_week' });
    }
    t.now = NOW;
    const body = json<PromoteJson>(await promote('v5', undefined, `?since=${from}&until=${NOW.toISOString()}`));
    expect(body.impact.evaluated).toBe(3);
    expect(body.impact.changes).toEqual([
      { from: 'allow', to: 'block', count: 1, amounts: { usd: 2000 }, text: 'allow -> block: 1, $20.00' },
    ]);
    expect(body.impact.summary[1]).toBe('1 refund that was allowed would be blocked ($20.00)');
  });

  it('refuses bad input with a clear 4xx, and a foreign version like an unknown one', async () => {
    const unknown = await promote('v9', { confirm: true });
    expect(unknown.statusCode).toBe(404);
    const other = await t.addOrg('Other org');
    const foreign = await promote('v4', { confirm: true }, '', other.adminKey);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toBe((await promote('v9', {}, '', other.adminKey)).body);
    const live = await promote('v3');
    expect(live.statusCode).toBe(409);
    expect(json<ErrorJson>(live).error.code).toBe('already_live');
    for (const [payload, field] of [[{ confirm: 'yes' }, 'confirm'], [{ reason: '' }, 'reason'], [{ force: true }, 'force']] as const) {
      const response = await promote('v4', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json<ErrorJson>(response).error.field).toBe(field);
    }
    const finance = await addUser(t, ['finance_manager']);
    expect((await promote('v4', { confirm: true }, '', finance.key)).statusCode).toBe(403);
    expect((await promote('v4', { confirm: true }, '', t.demo.decisionKey)).statusCode).toBe(403);
    expect(json(await t.get('/api/org', t.demo.adminKey)).live_policy_version).toBe('v3');
  });

  it('with confirm, makes the version live and seals actor, old and new version, reason and impact', async () => {
    const shadow = await post(t, '/api/policies/v4/shadow', t.demo.adminKey);
    expect(shadow.statusCode).toBe(200);
    const admin = await addUser(t, ['admin']);
    const response = await promote('v4', { confirm: true, reason: 'Q2 thresholds' }, '', admin.key);
    expect(response.statusCode, response.body).toBe(200);
    const body = json<PromoteJson>(response);
    expect(body).toMatchObject({ promoted: true, live_policy_version: 'v4', previous_policy_version: 'v3' });
    // The first test's $120 check decision is one more refund that v4 would hold.
    expect(body.impact.changes.map((c) => [c.from, c.to, c.count])).toEqual([['allow', 'pending_approval', 4], ['pending_approval', 'block', 3]]);

    const records = await t.app.store.ledger.scan(t.demo.id, 0, 10_000);
    const last = records[records.length - 1]!;
    expect(last.kind).toBe('policy');
    expect(last.actor).toBe(`user:${admin.id}`);
    expect(JSON.parse(last.body)).toEqual({
      action: 'promote', policy: 'acme-refunds', policy_version: 'v4', ir_hash: expect.stringMatching(/^sha256:/),
      previous_version: 'v3', reason: 'Q2 thresholds',
      impact: {
        since: body.impact.since, until: body.impact.until, evaluated: body.impact.evaluated,
        changes: body.impact.changes.map(({ text: _text, ...change }) => change),
      },
    });

    const decided = await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 });
    expect(decided.decision).toMatchObject({ outcome: 'pending_approval', policy_version: 'v4', matched_rule: 'high_value_refund_review' });
    expect((decided.decision as { shadow?: unknown }).shadow).toBeUndefined();
    const list = json<{ data: Array<{ policy_version: string; live: boolean; shadow: boolean }> }>(await t.get('/api/policies', t.demo.adminKey));
    expect(list.data.find((p) => p.policy_version === 'v4')).toMatchObject({ live: true, shadow: false });
    expect((await promote('v4', { confirm: true })).statusCode).toBe(409);
    expect(json<{ ok: boolean }>(await t.get('/api/audit/verify', t.demo.adminKey)).ok).toBe(true);
  });
});
