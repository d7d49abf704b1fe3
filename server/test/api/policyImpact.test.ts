import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, post } from '../support/people.js';
import { ACME_SOURCE, createTestApp, json, type DecisionJson, type ErrorJson, type TestApp } from '../support/testApp.js';
import { V4, V5 } from '../support/shadowPolicies.js';

interface ImpactJson {
  window: { days: number; since: string; until: string };
  against: { version: string; ir_hash: string } | null;
  candidate: { ir_hash: string };
  evaluated: number;
  changed: number;
  transitions: Array<{
    from: string; to: string; count: number; amounts: Array<{ currency: string; amount_cents: number }>; text: string;
    refunds: Array<{ intent_id: string; amount_cents: number; currency: string; received_at: string; before_rule: string | null; after_rule: string | null }>;
  }>;
  rules: Array<{ name: string; matched: number; decided: number }>;
  summary: string[];
}

let t: TestApp;
const A = new Date('2026-04-10T09:00:00.000Z');
const B = new Date('2026-04-10T12:00:00.000Z');
const NOW = new Date('2026-04-28T00:00:00.000Z');
const ids: Record<string, string[]> = { allowed: [], newCustomer: [], yen: [] };
let firstReceivedAt = '';

async function decide(body: Record<string, unknown>): Promise<DecisionJson> {
  const response = await t.decide(body);
  expect(response.statusCode, response.body).toBe(200);
  return json<DecisionJson>(response);
}

function impact(body: unknown, key = t.demo.adminKey) {
  return post(t, '/api/policies/impact', key, body);
}

beforeAll(async () => {
  t = await createTestApp({ now: A });
  // Under acme v3 (live): three $120 refunds allowed by `routine`, two $400 refunds to a 5-day-old
  // customer and one ¥8,000 refund waiting for approval, a $50 refund allowed, and a kill-switch block.
  for (let i = 0; i < 3; i += 1) {
    const decided = await decide({ source: 'support_tool', amount_cents: 12000, customer_tenure_days: 400 });
    ids.allowed!.push(decided.intent_id);
    if (i === 0) firstReceivedAt = decided.received_at;
  }
  t.now = B;
  for (let i = 0; i < 2; i += 1) ids.newCustomer!.push((await decide({ source: 'support_tool', amount_cents: 40000, customer_tenure_days: 5 })).intent_id);
  ids.yen!.push((await decide({ source: 'support_tool', amount_cents: 8000, currency: 'jpy', customer_tenure_days: 400 })).intent_id);
  await decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400 });
  expect((await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'org', reason: 'drill' })).statusCode).toBe(201);
  expect((await decide({ source: 'support_tool', amount_cents: 99000, customer_tenure_days: 5 })).decision.outcome).toBe('block');
  expect((await t.app.inject({ method: 'DELETE', url: '/api/controls/kill-switch/org', headers: { authorization: `Bearer ${t.demo.adminKey}` } })).statusCode).toBe(200);
  t.now = NOW;
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('POST /api/policies/impact', () => {
  it('re-evaluates the window against the live version: transitions, amounts, changed refunds and rule counts', async () => {
    const ledgerBefore = await t.app.store.ledger.size();
    const response = await impact({ source: V4 });
    expect(response.statusCode, response.body).toBe(200);
    const body = json<ImpactJson>(response);
    const live = json<{ hash: string }>(await t.get('/api/policies/v3', t.demo.adminKey));
    expect(body.window).toEqual({ days: 30, since: '2026-03-29T00:00:00.000Z', until: '2026-04-28T00:00:00.000Z' });
    expect(body.against).toEqual({ version: 'v3', ir_hash: live.hash });
    expect(body.candidate.ir_hash).toMatch(/^sha256:/);
    expect(body.candidate.ir_hash).not.toBe(live.hash);
    // Seven policy decisions (the kill-switch block is not one); the $50 refund is the only unchanged one.
    expect(body.evaluated).toBe(7);
    expect(body.changed).toBe(6);
    expect(body.transitions.map(({ refunds: _r, ...rest }) => rest)).toEqual([
      { from: 'allow', to: 'pending_approval', count: 3, amounts: [{ currency: 'usd', amount_cents: 36000 }], text: 'allow → pending_approval: 3, $360.00' },
      {
        from: 'pending_approval', to: 'block', count: 3,
        amounts: [{ currency: 'jpy', amount_cents: 8000 }, { currency: 'usd', amount_cents: 80000 }],
        text: 'pending_approval → block: 3, ¥8,000 + $800.00',
      },
    ]);
    // Newest first, with the deciding rule on each side.
    expect(body.transitions[0]!.refunds.map((r) => [r.intent_id, r.amount_cents, r.currency, r.before_rule, r.after_rule])).toEqual(
      [...ids.allowed!].reverse().map((id) => [id, 12000, 'usd', 'routine', 'high_value_refund_review']));
    expect(body.transitions[1]!.refunds.map((r) => [r.intent_id, r.before_rule, r.after_rule])).toEqual([
      [ids.yen![0], null, 'yen_block'],
      [ids.newCustomer![1], 'high_value_refund_review', 'new_customer_large_refund'],
      [ids.newCustomer![0], 'high_value_refund_review', 'new_customer_large_refund'],
    ]);
    expect(body.transitions[0]!.refunds[2]!.received_at).toBe(firstReceivedAt);
    // v4's rules in policy order: over $100 matches the three $120 and two $400 refunds but decides only
    // the $120 ones (the new-customer block wins); the yen block and `routine` ($50) decide one each.
    expect(body.rules).toEqual([
      { name: 'high_value_refund_review', matched: 5, decided: 3 },
      { name: 'very_high_value', matched: 0, decided: 0 },
      { name: 'new_customer_large_refund', matched: 2, decided: 2 },
      { name: 'bot_limit', matched: 0, decided: 0 },
      { name: 'yen_block', matched: 1, decided: 1 },
      { name: 'routine', matched: 1, decided: 1 },
      { name: 'serial_refunder', matched: 0, decided: 0 },
      { name: 'over_charge', matched: 0, decided: 0 },
    ]);
    expect(body.summary).toEqual([
      '7 refunds decided between 2026-03-29T00:00:00.000Z and 2026-04-28T00:00:00.000Z evaluated against v3.',
      '3 refunds that were allowed would go to the approvals queue ($360.00)',
      '3 refunds that needed approval would be blocked (¥8,000 + $800.00)',
    ]);
    // Nothing published, nothing sealed.
    expect(await t.app.store.ledger.size()).toBe(ledgerBefore);
    expect(json<{ data: unknown[] }>(await t.get('/api/policies', t.demo.adminKey)).data).toHaveLength(1);
  });

  it('the live policy against itself changes nothing; days narrows the window', async () => {
    const same = json<ImpactJson>(await impact({ source: ACME_SOURCE }));
    expect(same).toMatchObject({ evaluated: 7, changed: 0, transitions: [] });
    expect(same.summary[1]).toBe('None of them would be decided differently.');
    const recent = await impact({ source: V4, days: 17 });
    expect(recent.statusCode).toBe(200);
    const body = json<ImpactJson>(recent);
    expect(body.window.days).toBe(17);
    expect(Date.parse(body.window.until) - Date.parse(body.window.since)).toBe(17 * 86_400_000);
    expect(body).toMatchObject({ evaluated: 0, changed: 0, transitions: [] });
    expect(body.rules.every((rule) => rule.matched === 0 && rule.decided === 0)).toBe(true);
    expect(body.summary[1]).toBe('No recent traffic to compare.');
  });

  it('against a published version re-evaluates that version instead of the live one', async () => {
    t.now = NOW;
    expect((await post(t, '/api/policies', t.demo.adminKey, { source: V4 })).statusCode).toBe(201);
    const body = json<ImpactJson>(await impact({ source: V4, against: 'v4' }));
    expect(body.against?.version).toBe('v4');
    expect(body.against?.ir_hash).toBe(body.candidate.ir_hash);
    expect(body).toMatchObject({ evaluated: 7, changed: 0 });
    // v3 against v4 is the reverse of the first test.
    const reverse = json<ImpactJson>(await impact({ source: ACME_SOURCE, against: 'v4' }));
    expect(reverse.transitions.map((tr) => tr.text)).toEqual([
      'block → pending_approval: 3, ¥8,000 + $800.00',
      'pending_approval → allow: 3, $360.00',
    ]);
  });

  it('computes facts the candidate needs that were not sealed, and sees decisions sealed after an earlier call', async () => {
    const first = json<ImpactJson>(await impact({ source: V5 }));
    expect(first).toMatchObject({ evaluated: 7, changed: 0 });
    // Three refunds of one customer in three hours: v5's weekly limit blocks the third.
    const week: string[] = [];
    for (const hour of [0, 1, 2]) {
      t.now = new Date(Date.parse('2026-04-20T00:00:00.000Z') + hour * 3_600_000);
      week.push((await decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 400, customer_id: 'cus_week' })).intent_id);
    }
    t.now = NOW;
    const second = json<ImpactJson>(await impact({ source: V5 }));
    expect(second.evaluated).toBe(10);
    expect(second.transitions).toEqual([{
      from: 'allow', to: 'block', count: 1, amounts: [{ currency: 'usd', amount_cents: 2000 }], text: 'allow → block: 1, $20.00',
      refunds: [{ intent_id: week[2], amount_cents: 2000, currency: 'usd', received_at: '2026-04-20T02:00:00.000Z', before_rule: 'routine', after_rule: 'weekly_limit' }],
    }]);
    expect(second.rules.find((rule) => rule.name === 'weekly_limit')).toEqual({ name: 'weekly_limit', matched: 1, decided: 1 });
  });

  it('answers 422 with the compiler\'s diagnostics in the shape POST /api/policies uses', async () => {
    const broken = ACME_SOURCE.replace('require finance_manager', 'require finance_manger');
    const response = await impact({ source: broken });
    expect(response.statusCode).toBe(422);
    const published = await post(t, '/api/policies', t.demo.adminKey, { source: broken });
    expect(published.statusCode).toBe(422);
    expect(json(response)).toEqual(json(published));
    const error = json<ErrorJson>(response).error;
    expect(error.code).toBe('policy_invalid');
    expect((error['diagnostics'] as Array<{ code: string; line: number }>).some((d) => d.line > 0)).toBe(true);
  });

  it('refuses bad input with 400 naming the field, and an unknown version with 404', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'source'],
      [{ source: '' }, 'source'],
      [{ source: V4, days: 0 }, 'days'],
      [{ source: V4, days: 91 }, 'days'],
      [{ source: V4, days: '30' }, 'days'],
      [{ source: V4, days: 2.5 }, 'days'],
      [{ source: V4, against: '4' }, 'against'],
      [{ source: V4, publish: true }, 'publish'],
    ];
    for (const [payload, field] of cases) {
      const response = await impact(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json<ErrorJson>(response).error.field, JSON.stringify(payload)).toBe(field);
    }
    const unknown = await impact({ source: V4, against: 'v9' });
    expect(unknown.statusCode).toBe(404);
    expect(json<ErrorJson>(unknown).error.field).toBe('against');
  });

  it('is for admins: admin keys and admin users; not decision keys, other users or no key', async () => {
    const admin = await addUser(t, ['admin']);
    expect((await impact({ source: V4 }, admin.key)).statusCode).toBe(200);
    const finance = await addUser(t, ['finance_manager']);
    expect((await impact({ source: V4 }, finance.key)).statusCode).toBe(403);
    expect((await impact({ source: V4 }, t.demo.decisionKey)).statusCode).toBe(403);
    expect((await impact({ source: V4 }, 'sk_test_not_a_key')).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/policies/impact', payload: { source: V4 } })).statusCode).toBe(401);
    // Another organisation sees only its own traffic.
    const other = await t.addOrg('Other org');
    expect(json<ImpactJson>(await impact({ source: V4 }, other.adminKey))).toMatchObject({ evaluated: 0, against: { version: 'v3' } });
  });
});
