// Three `axiru serve` processes on one PostgreSQL database (the run's throwaway cluster):
// the first start happens once, idempotency keys are honoured across servers, a kill switch
// answered on one server binds the others, reads see other servers' writes, and a server
// SIGKILLed mid-load loses no acknowledged decision and forks no chain.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAllChains } from '../../src/services/verifyChain.js';
import { PostgresStore } from '../../src/storage/postgres/PostgresStore.js';
import { openPostgres } from '../../src/storage/postgres/openPostgres.js';
import { LEDGER_CHANNEL } from '../../src/plugins/ledgerNotify.js';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';
import { freshDatabase } from '../support/testDatabase.js';

const SECRETS_KEY = randomBytes(32).toString('base64');
const REQUEST = { source: 'support_tool', action: 'refund', amount_cents: 4000, customer_tenure_days: 400, reason: 'duplicate_charge' };

interface Answer {
  readonly status: number;
  readonly body: string;
}

async function post(server: ServerProcess, path: string, key: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

describe('three servers on one PostgreSQL database', () => {
  let url: string;
  const dirs = [tempDir(), tempDir(), tempDir()];
  let servers: ServerProcess[] = [];
  let decisionKey: string;
  let adminKey: string;

  beforeAll(async () => {
    assertBuilt();
    url = await freshDatabase();
    // Each server has a data folder of its own (nothing is shared through it); the secrets'
    // key is the same everywhere.
    servers = await Promise.all(dirs.map((dir) => startServerProcess(dir.path, undefined, {
      AXIRU_DATABASE_URL: url, AXIRU_SECRETS_KEY: SECRETS_KEY, AXIRU_EXPORT_POLL_MS: '0',
    })));
  });

  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    for (const dir of dirs) dir.remove();
  });

  it('started at the same moment on an empty database, they create the demo once; only one prints keys', async () => {
    const withKeys = servers.filter((server) => Object.keys(server.keys).length > 0);
    expect(withKeys).toHaveLength(1);
    decisionKey = withKeys[0]!.keys['AXIRU_DECISION_KEY']!;
    adminKey = withKeys[0]!.keys['AXIRU_ADMIN_KEY']!;
    expect(decisionKey).toMatch(/^sk_test_/);
    for (const server of servers) {
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ ok: true, engine: 'postgres', database: 'reachable' });
      const orgs = await fetch(`${server.url}/api/org`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(orgs.status).toBe(200);
    }
  });

  it('one idempotency key sent to all three at once gives one record: the others answer its exact bytes or 409', async () => {
    for (let round = 0; round < 10; round += 1) {
      const headers = { 'idempotency-key': `multi-${round}` };
      const answers = await Promise.all(servers.map((server) => post(server, '/api/decision', decisionKey, REQUEST, headers)));
      const ok = answers.filter((answer) => answer.status === 200);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const answer of answers) expect([200, 409]).toContain(answer.status);
      expect(new Set(ok.map((answer) => answer.body)).size).toBe(1);
    }
  });

  it('a decision answered by one server is read by another at once', async () => {
    for (let i = 0; i < 5; i += 1) {
      const answer = await post(servers[i % 3]!, '/api/decision', decisionKey, REQUEST);
      expect(answer.status).toBe(200);
      const intentId = (JSON.parse(answer.body) as { intent_id: string }).intent_id;
      const read = await fetch(`${servers[(i + 1) % 3]!.url}/api/intents/${intentId}`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(read.status).toBe(200);
    }
  });

  it('a kill switch answered on one server blocks the next decision on every server', async () => {
    const on = await post(servers[0]!, '/api/controls/kill-switch', adminKey, { scope: 'org', reason: 'drill' });
    expect(on.status).toBe(201);
    for (const server of servers) {
      const answer = await post(server, '/api/decision', decisionKey, REQUEST);
      expect(JSON.parse(answer.body)).toMatchObject({ decision: { outcome: 'block', control: { kind: 'kill_switch', scope: 'org' } } });
    }
    const off = await fetch(`${servers[1]!.url}/api/controls/kill-switch/org`, { method: 'DELETE', headers: { authorization: `Bearer ${adminKey}` } });
    expect(off.status).toBe(200);
  });

  it('signals every sealing commit on the ledger channel, for the live ledger of the other servers', async () => {
    const listener = openPostgres(url, { max: 1 });
    try {
      const senders = new Set<string>();
      await listener.listen(LEDGER_CHANNEL, (payload) => senders.add(payload));
      for (const server of servers) expect((await post(server, '/api/decision', decisionKey, REQUEST)).status).toBe(200);
      // One id per server that sealed.
      await expect.poll(() => senders.size).toBe(3);
    } finally {
      await listener.end();
    }
  });

  it('under load on all three, SIGKILL one server: every acknowledged decision is there exactly once and the chain verifies', async () => {
    const acknowledged: string[] = [];
    let sent = 0;
    const worker = async (server: ServerProcess, count: number): Promise<void> => {
      for (let i = 0; i < count; i += 1) {
        sent += 1;
        try {
          const answer = await post(server, '/api/decision', decisionKey, REQUEST);
          if (answer.status === 200) acknowledged.push((JSON.parse(answer.body) as { intent_id: string }).intent_id);
        } catch {
          // The killed server's connection: not acknowledged, so nothing is promised about it.
        }
      }
    };
    const load = servers.flatMap((server) => [worker(server, 40), worker(server, 40)]);
    // Kill the third server once the load is well under way.
    while (sent < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    servers[2]!.child.kill('SIGKILL');
    await servers[2]!.exited;
    await Promise.all(load);
    expect(acknowledged.length).toBeGreaterThan(80);

    const store = await PostgresStore.open({ url, dataDir: dirs[0]!.path, env: { AXIRU_SECRETS_KEY: SECRETS_KEY } });
    try {
      for (const report of await verifyAllChains(store)) expect(report).toMatchObject({ ok: true, first_bad_seq: null });
      const orgId = (await store.organisations.list())[0]!.id;
      const records = await store.ledger.scan(orgId, 0, 1_000_000);
      const decisions = new Map<string, number>();
      for (const record of records) {
        if (record.kind === 'decision' && record.intent_id) decisions.set(record.intent_id, (decisions.get(record.intent_id) ?? 0) + 1);
      }
      for (const intentId of acknowledged) expect(decisions.get(intentId)).toBe(1);
      // Each idempotency key sent to all three servers at once sealed one record.
      const keyed = new Map<string, number>();
      for (const record of records) {
        const key = (JSON.parse(record.body) as { idempotency_key?: string }).idempotency_key;
        if (key !== undefined) keyed.set(key, (keyed.get(key) ?? 0) + 1);
      }
      for (let round = 0; round < 10; round += 1) expect(keyed.get(`multi-${round}`)).toBe(1);
      // Gap-free: seq 1..n, one record each.
      expect(records.map((record) => record.seq)).toEqual(records.map((_, index) => index + 1));
    } finally {
      await store.close();
    }
  });
});
