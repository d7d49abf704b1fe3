import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { post } from '../support/people.js';
import { createTestApp, json, type DecisionJson, type TestApp, type TestOrg } from '../support/testApp.js';

// Velocity facts and the local time/weekday, as the sealing path computes and seals them
// (docs/language.md "Velocity facts", "Time of day"); replay uses the sealed values.

let t: TestApp;
let org: TestOrg;

const POLICY = `policy "velocity" version 1
timezone "Europe/Berlin"
roles finance_manager
sources support_tool, ai_agent

rule monthly_cap:
  refunds when customer refunded in last 30 days at least $1,000 require finance_manager

rule merchant_burst:
  flag refunds when merchant refunds in last 24 hours over 2

rule night:
  flag refunds when local time between 22:00 and 06:00 or weekday in [saturday, sunday]
`;

interface Sealed { facts: Record<string, number | string>; decision: { outcome: string; matched_rule: string | null; missing_fields: string[] }; shadow_facts?: Record<string, Record<string, string>> }

async function decide(body: Record<string, unknown>): Promise<{ id: string; decision: DecisionJson['decision']; sealed: Sealed }> {
  const response = await t.decide({ source: 'support_tool', ...body }, { key: org.decisionKey });
  expect(response.statusCode, response.body).toBe(200);
  const decided = json<DecisionJson>(response);
  const record = (await t.app.store.ledger.byIntent(org.id, decided.intent_id))[0]!;
  return { id: decided.intent_id, decision: decided.decision, sealed: JSON.parse(record.body) as Sealed };
}

beforeAll(async () => {
  t = await createTestApp({ now: new Date('2026-04-28T14:32:11.061Z') });
  org = await t.addOrg('Velocity', { source: POLICY });
});
afterAll(async () => {
  await t.close();
});

describe('velocity facts in the sealing path', () => {
  it("sums the customer's refunds in the window in the refund's currency only, and counts only counted statuses", async () => {
    const first = await decide({ customer_id: 'cus_v', amount_cents: 60_000 });
    expect(first.sealed.facts['customer_refunded_last_30_days']).toBe(0);
    await decide({ customer_id: 'cus_v', amount_cents: 30_000, currency: 'eur' });
    const second = await decide({ customer_id: 'cus_v', amount_cents: 30_000 });
    expect(second.sealed.facts['customer_refunded_last_30_days']).toBe(60_000);
    expect(second.decision.outcome).toBe('allow');
    const third = await decide({ customer_id: 'cus_v', amount_cents: 100 });
    expect(third.sealed.facts['customer_refunded_last_30_days']).toBe(90_000);
    // 30 days later the window has moved past them.
    t.now = new Date(t.now.getTime() + 30 * 86_400_000);
    expect((await decide({ customer_id: 'cus_v', amount_cents: 100 })).sealed.facts['customer_refunded_last_30_days']).toBe(0);
  });

  it('trips at the boundary: at least $1,000 holds at exactly $1,000', async () => {
    await decide({ customer_id: 'cus_edge', amount_cents: 100_000 });
    const next = await decide({ customer_id: 'cus_edge', amount_cents: 100 });
    expect(next.sealed.facts['customer_refunded_last_30_days']).toBe(100_000);
    expect(next.decision).toMatchObject({ outcome: 'pending_approval', matched_rule: 'monthly_cap' });
    // A pending refund counts too; a blocked one would not.
    const after = await decide({ customer_id: 'cus_edge', amount_cents: 100 });
    expect(after.sealed.facts['customer_refunded_last_30_days']).toBe(100_100);
  });

  it('counts the merchant\'s refunds in the last 24 hours, and leaves the fact missing without stripe_account', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 4; i += 1) counts.push(Number((await decide({ stripe_account: 'acct_v', amount_cents: 100 })).sealed.facts['merchant_refunds_last_24_hours']));
    expect(counts).toEqual([0, 1, 2, 3]);
    const none = await decide({ amount_cents: 100 });
    expect(none.sealed.facts).not.toHaveProperty('merchant_refunds_last_24_hours');
    expect(none.decision.missing_fields).toContain('merchant_refunds_last_24_hours');
  });

  it('answers each velocity fact from its index, reading only the window', async () => {
    const scopes = [['customer_id', 'intents_by_customer'], ['source', 'intents_by_source'], ['stripe_account', 'intents_by_merchant']] as const;
    const pg = t.app.postgres;
    if (pg) {
      // The repository's query (PgIntentRepository.velocity). This table is tiny, so a sequential
      // scan would be cheaper here; without it the planner must pick the scope's index, read it
      // alone, bounded by the window on both sides.
      await pg.sql.begin(async (tx) => {
        await tx.unsafe('SET LOCAL enable_seqscan = off');
        await tx.unsafe('SET LOCAL enable_bitmapscan = off');
        for (const [column, index] of scopes) {
          const plan = (await tx.unsafe(`EXPLAIN SELECT COUNT(*), COALESCE(SUM(CASE WHEN currency = 'usd' THEN amount_cents END), 0)
            FROM intents WHERE org_id = 'o' AND ${column} = 'x' AND received_ms > 0 AND received_ms <= 1 AND status IN ('allowed', 'held')`))
            .map((row) => String(row['QUERY PLAN'])).join(' | ');
          expect(plan).toContain(`Index Only Scan using ${index} on intents`);
          expect(plan).toMatch(/Index Cond: .*received_ms > .*received_ms <= /);
        }
      });
      return;
    }
    const db = new Database(databaseFile(t.dataDir), { readonly: true });
    try {
      for (const [column, index] of scopes) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT COUNT(*), COALESCE(SUM(CASE WHEN currency = ? THEN amount_cents END), 0)
          FROM intents INDEXED BY ${index} WHERE org_id = ? AND ${column} = ? AND received_ms > ? AND received_ms <= ? AND status IN (?, ?)`)
          .all('usd', 'o', 'x', 0, 1, 'allowed', 'held') as Array<{ detail: string }>;
        const detail = plan.map((row) => row.detail).join(' | ');
        expect(detail).toContain(`USING COVERING INDEX ${index}`);
        expect(detail).toContain('received_ms>? AND received_ms<?');
      }
    } finally {
      db.close();
    }
  });
});

describe('local time and weekday', () => {
  it("seals the policy zone's local time and weekday of received_at, and replays from the sealed values", async () => {
    // 2026-05-02 is a Saturday; 21:30 UTC is 23:30 in Berlin (summer time).
    t.now = new Date('2026-05-02T21:30:00.000Z');
    const night = await decide({ amount_cents: 100 });
    expect(night.sealed.facts).toMatchObject({ local_time: '23:30', weekday: 'saturday' });
    expect(night.decision).toMatchObject({ outcome: 'flag', matched_rule: 'night' });
    // 2026-05-04 12:00 UTC is a Monday, 14:00 in Berlin.
    t.now = new Date('2026-05-04T12:00:00.000Z');
    const day = await decide({ amount_cents: 100 });
    expect(day.sealed.facts).toMatchObject({ local_time: '14:00', weekday: 'monday' });
    expect(day.decision.outcome).toBe('allow');
    const replay = json<{ identical: boolean; replayed: { outcome: string } }>(await t.get(`/api/intents/${night.id}/replay`, org.adminKey));
    expect(replay).toMatchObject({ identical: true, replayed: { outcome: 'flag' } });
  });

  it('seals a shadow policy its own local time when its zone differs, and replays it exactly', async () => {
    const shadowSource = POLICY.replace('version 1', 'version 2').replace('"Europe/Berlin"', '"America/New_York"');
    expect((await post(t, '/api/policies', org.adminKey, { source: shadowSource })).statusCode).toBe(201);
    expect((await post(t, '/api/policies/v2/shadow', org.adminKey)).statusCode).toBe(200);
    // Monday 2026-05-04 03:00 UTC: 05:00 Monday in Berlin (night), 23:00 Sunday in New York.
    t.now = new Date('2026-05-04T03:00:00.000Z');
    const decided = await decide({ amount_cents: 100 });
    expect(decided.sealed.facts).toMatchObject({ local_time: '05:00', weekday: 'monday' });
    expect(decided.sealed.shadow_facts).toEqual({ v2: { local_time: '23:00', weekday: 'sunday' } });
    const replay = json<{ identical: boolean; shadow_replayed: number }>(await t.get(`/api/intents/${decided.id}/replay`, org.adminKey));
    expect(replay).toMatchObject({ identical: true, shadow_replayed: 1 });
  });
});
