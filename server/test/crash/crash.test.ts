import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAllChains } from '../../src/services/verifyChain.js';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { tempDir } from '../support/testApp.js';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';

// Durability under SIGKILL: the real server process takes concurrent decisions and is killed
// at a random moment, several times. Every decision it acknowledged must be in the ledger
// exactly once afterwards, the chains must verify, and SQLite must report no corruption.

const ROUNDS = 4;
const WORKERS = 16;
const seed = Number(process.env['AXIRU_CRASH_SEED'] ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing run can be repeated with AXIRU_CRASH_SEED. */
function random(state: { s: number }): number {
  state.s = (state.s + 0x6d2b79f5) | 0;
  let x = Math.imul(state.s ^ (state.s >>> 15), 1 | state.s);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
}

interface Acked {
  readonly intentId: string;
  readonly body: string;
  readonly idempotencyKey: string | null;
  readonly response: string;
}

const dir = tempDir('axiru-crash-');
const children: ServerProcess[] = [];

beforeAll(() => {
  assertBuilt();
});

afterAll(async () => {
  for (const server of children) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }
  dir.remove();
});

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess(dir.path);
  children.push(server);
  return server;
}

/** Fires decisions from WORKERS concurrent clients until `stop` resolves or the server dies. */
async function load(server: ServerProcess, key: string, rng: { s: number }, round: number, onAck: (acked: Acked) => void): Promise<void> {
  let dead = false;
  let n = 0;
  const worker = async (w: number) => {
    while (!dead) {
      n += 1;
      const idempotencyKey = n % 2 === 0 ? `r${round}-w${w}-n${n}` : null;
      const body = JSON.stringify({
        source: 'support_tool',
        amount_cents: 100 + Math.floor(random(rng) * 30000),
        customer_id: `cus_${Math.floor(random(rng) * 20)}`,
        stripe_charge_id: `ch_${Math.floor(random(rng) * 50)}`,
        reason: 'requested_by_customer',
      });
      try {
        const response = await fetch(`${server.url}/api/decision`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          body,
        });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`unexpected ${response.status}: ${text}`);
        onAck({ intentId: (JSON.parse(text) as { intent_id: string }).intent_id, body, idempotencyKey, response: text });
      } catch (error) {
        // Only the kill may end a worker; anything else is a failure of the test.
        if (!server.child.killed) throw error;
        dead = true;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
}

describe(`crash safety (seed ${seed})`, () => {
  it('keeps every acknowledged decision through repeated SIGKILLs', async () => {
    const rng = { s: seed };
    const acked: Acked[] = [];
    let decisionKey = '';
    let adminKey = '';

    for (let round = 0; round < ROUNDS; round += 1) {
      const server = await start();
      if (round === 0) {
        decisionKey = server.keys['AXIRU_DECISION_KEY'] ?? '';
        adminKey = server.keys['AXIRU_ADMIN_KEY'] ?? '';
        expect(decisionKey).toMatch(/^sk_test_/);
      } else {
        expect(server.keys).toEqual({});
      }
      // Kill after a random number of acknowledgements, i.e. with requests in flight.
      const killAfter = 20 + Math.floor(random(rng) * 200);
      let inRound = 0;
      await load(server, decisionKey, rng, round, (entry) => {
        acked.push(entry);
        inRound += 1;
        if (inRound === killAfter) server.child.kill('SIGKILL');
      });
      expect(await server.exited).toMatchObject({ signal: 'SIGKILL' });
      expect(inRound).toBeGreaterThanOrEqual(killAfter);
    }

    // The database as the last kill left it (opening it recovers the WAL).
    const db = new Database(databaseFile(dir.path), { readonly: false });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision' AND intent_id = ?").pluck();
      const missing = acked.filter((entry) => count.get(entry.intentId) !== 1);
      expect(missing).toEqual([]);
      expect(db.prepare('SELECT intent_id FROM ledger WHERE intent_id IS NOT NULL GROUP BY intent_id HAVING COUNT(*) > 1').all()).toEqual([]);
      const decisions = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision'").pluck().get();
      expect(Number(decisions)).toBeGreaterThanOrEqual(acked.length);
    } finally {
      db.close();
    }
    const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
    try {
      for (const report of await verifyAllChains(store)) expect(report).toMatchObject({ ok: true, first_bad_seq: null });
      // The projections may be behind the chain after a kill; what the next start does (catch
      // up) must leave exactly what a rebuild from record zero gives.
      const runner = new ProjectionRunner(store);
      await runner.catchUp();
      const caughtUp = projectionRows(dir.path);
      expect(caughtUp.intents.length).toBe(caughtUp.decisions);
      await runner.rebuild();
      expect(projectionRows(dir.path)).toEqual(caughtUp);
    } finally {
      await store.close();
    }

    // After a restart, acknowledged idempotent requests still replay byte for byte.
    const server = await start();
    const size = Number((await (await fetch(`${server.url}/api/audit/verify`, { headers: { authorization: `Bearer ${adminKey}` } })).json() as { records: number }).records);
    for (const entry of acked.filter((a) => a.idempotencyKey !== null).slice(-50)) {
      const response = await fetch(`${server.url}/api/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${decisionKey}`, 'idempotency-key': entry.idempotencyKey! },
        body: entry.body,
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(entry.response);
    }
    const verify = await (await fetch(`${server.url}/api/audit/verify`, { headers: { authorization: `Bearer ${adminKey}` } })).json();
    expect(verify).toMatchObject({ ok: true, records: size, first_bad_seq: null });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});

/** Every row of every projection, in a fixed order. */
function projectionRows(dataDir: string) {
  const db = new Database(databaseFile(dataDir), { readonly: true });
  try {
    return {
      decisions: Number(db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision'").pluck().get()),
      intents: db.prepare('SELECT * FROM intents ORDER BY org_id, id').all(),
      approvals: db.prepare('SELECT * FROM approvals ORDER BY org_id, intent_id, user_id').all(),
      shadows: db.prepare('SELECT * FROM shadow_decisions ORDER BY org_id, policy_version, seq').all(),
      nodes: db.prepare('SELECT org_id, level, idx, hex(hash) AS hash FROM merkle_nodes ORDER BY org_id, level, idx').all(),
      sizes: db.prepare('SELECT * FROM merkle_sizes ORDER BY org_id').all(),
      cursors: db.prepare('SELECT * FROM projection_cursors ORDER BY projection, org_id').all(),
    };
  } finally {
    db.close();
  }
}
