import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';

// The automatic circuit breaker against a real `axiru serve` over real HTTP: 50 concurrent $200
// refunds from the bot under "block when source refunded in last 1 hour over $5,000". Velocity
// facts are computed inside the sealing transaction, so whatever order the requests arrive and
// however they are batched, the refunds sealed after $5,000 went through are exactly the
// blocked ones, and each record carries the fact it was decided on.

const POLICY = `policy "breaker" version 1
timezone "Europe/Berlin"
sources support_tool, ai_agent

rule bot_breaker:
  block refunds from ai_agent when source refunded in last 1 hour over $5,000
  because "The refund bot has refunded $5,000 in the last hour"

rule night:
  flag refunds when local time between 22:00 and 06:00 or weekday in [saturday, sunday]
`;

const FACT = 'source_refunded_last_1_hours';
const dir = tempDir('axiru-breaker-');
let server: ServerProcess;

async function call(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess(dir.path);
  const admin = server.keys['AXIRU_ADMIN_KEY']!;
  const published = await call('POST', '/api/policies', admin, { source: POLICY });
  expect(published.status, JSON.stringify(published.json)).toBe(201);
  const activated = await call('POST', `/api/policies/v${published.json.version}/activate`, admin);
  expect(activated.status, JSON.stringify(activated.json)).toBe(200);
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  dir.remove();
});

interface Sealed { seq: number; body: { request: { source: string; amount_cents: number }; facts: Record<string, number | string>; decision: { outcome: string; reason: string; matched_rule: string | null } } }

describe('automatic circuit breaker under concurrent load', () => {
  it('blocks exactly the refunds sealed after $5,000 went through in the hour, whatever the interleaving', async () => {
    const key = server.keys['AXIRU_DECISION_KEY']!;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', '/api/decision', key, {
      source: 'ai_agent', action: 'refund', amount_cents: 20_000, currency: 'usd', stripe_charge_id: `ch_breaker_${i}`,
    })));
    for (const result of results) expect(result.status, JSON.stringify(result.json)).toBe(200);
    const outcomes = results.map((result) => result.json.decision.outcome as string);
    // $0, $200, ... $5,000 refunded before: 26 go through; from $5,200 on, every one is blocked.
    expect(outcomes.filter((outcome) => outcome === 'block')).toHaveLength(24);

    // Replay the chain order: each record's fact is the sum of the refunds let through before it.
    const db = new Database(databaseFile(dir.path), { readonly: true, fileMustExist: true });
    let records: Sealed[];
    try {
      records = (db.prepare("SELECT seq, body FROM ledger WHERE kind = 'decision' ORDER BY org_id, seq").all() as Array<{ seq: number; body: string }>)
        .map((row) => ({ seq: row.seq, body: JSON.parse(row.body) as Sealed['body'] }))
        .filter((record) => record.body.request.source === 'ai_agent');
    } finally {
      db.close();
    }
    expect(records).toHaveLength(50);
    let through = 0;
    for (const record of records) {
      expect(record.body.facts[FACT]).toBe(through);
      const blocked = through > 500_000;
      expect(record.body.decision.outcome === 'block').toBe(blocked);
      if (blocked) {
        expect(record.body.decision).toMatchObject({ matched_rule: 'bot_breaker', reason: 'The refund bot has refunded $5,000 in the last hour' });
      } else {
        through += record.body.request.amount_cents;
      }
      // The local time and weekday the night rule read are sealed with the record.
      expect(record.body.facts['local_time']).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).toContain(record.body.facts['weekday']);
    }
    expect(through).toBe(520_000);

    // Audit replay re-evaluates from the sealed facts and agrees with every record.
    const admin = server.keys['AXIRU_ADMIN_KEY']!;
    for (const result of results.slice(0, 5)) {
      const replay = await call('GET', `/api/intents/${result.json.intent_id}/replay`, admin);
      expect(replay.status).toBe(200);
      expect(replay.json.identical).toBe(true);
    }
  });
});
