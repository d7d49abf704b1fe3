// The failover drill: a primary with a synchronous streaming standby (pg_basebackup,
// synchronous_standby_names, synchronous_commit=on), two `axiru serve` processes on a
// multi-host URL (target_session_attrs=read-write), decision load on both, SIGKILL of the
// primary's postmaster, then promotion of the standby. During the switch decisions fail closed
// (503 with Retry-After, never 500, no server exits); afterwards both servers carry on against
// the new primary. Every request is retried with its Idempotency-Key until it is answered, so
// a commit whose answer was lost with the primary is found again rather than recorded twice:
// on the promoted standby, every acknowledged decision is there exactly once, every key has
// exactly one record, and the chain verifies.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAllChains } from '../../src/services/verifyChain.js';
import { openPostgres } from '../../src/storage/postgres/openPostgres.js';
import { PostgresStore } from '../../src/storage/postgres/PostgresStore.js';
import { postmasterPid, promote, startCluster, startStandby, withDatabase, type PostgresCluster } from '../support/postgresCluster.js';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';

const SECRETS_KEY = randomBytes(32).toString('base64');
const REQUEST = { source: 'support_tool', action: 'refund', amount_cents: 4000, customer_tenure_days: 400, reason: 'duplicate_charge' };
/** Decisions acknowledged before the primary is killed, and by each server after the promotion. */
const BEFORE = 40;
const AFTER_PER_SERVER = 20;
/** Safety nets against a hang (counts of attempts, not clocks): far beyond what the drill takes. */
const MAX_ATTEMPTS_PER_KEY = 2_000;
const MAX_POLLS = 6_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Phase = 'before' | 'killed' | 'promoted';

describe('failover drill: primary SIGKILLed, synchronous standby promoted', () => {
  let primary: PostgresCluster;
  let standby: PostgresCluster;
  let url: string;
  const dirs = [tempDir(), tempDir()];
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    // fsync on: the drill is about what survives a crash.
    primary = await startCluster({ settings: { synchronous_commit: 'on' }, fast: false });
    const admin = openPostgres(primary.url, { max: 1 });
    try {
      await admin.unsafe("CREATE DATABASE axiru LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
      standby = await startStandby(primary, 'standby1');
      // Synchronous from now on: a commit returns once the standby has flushed it (set only
      // now, since with no standby yet every commit would wait).
      await admin.unsafe("ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
      await admin.unsafe('SELECT pg_reload_conf()');
      let state: unknown = null;
      for (let i = 0; i < MAX_POLLS && state !== 'sync'; i += 1) {
        state = (await admin.unsafe("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'"))[0]?.['sync_state'];
        if (state !== 'sync') await pause(100);
      }
      if (state !== 'sync') throw new Error(`the standby is not synchronous (sync_state ${String(state)})`);
    } finally {
      await admin.end();
    }
    url = `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/axiru?target_session_attrs=read-write`;
    servers = [];
    for (const dir of dirs) {
      servers.push(await startServerProcess(dir.path, undefined, { AXIRU_DATABASE_URL: url, AXIRU_SECRETS_KEY: SECRETS_KEY, AXIRU_EXPORT_POLL_MS: '0' }));
    }
  });

  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    await standby?.stop();
    await primary?.stop();
    for (const dir of dirs) dir.remove();
  });

  it('fails closed with 503 and Retry-After during the switch, then carries on; nothing acknowledged is lost or doubled', async () => {
    const decisionKey = servers.map((server) => server.keys['AXIRU_DECISION_KEY']).find((key) => key !== undefined)!;
    expect(decisionKey).toBeDefined();

    let phase: Phase = 'before';
    let stopping = false;
    /** Idempotency key -> the intent its 200 answer named. */
    const acknowledged = new Map<string, string>();
    const statuses = new Map<number, number>();
    const unavailable = { killed: 0, promoted: 0 };
    const ackedBefore = { count: 0 };
    const ackedAfter = servers.map(() => 0);
    const problems: string[] = [];
    /** When each step happened (performance.now()), for AXIRU_DRILL_REPORT=1; nothing waits on these. */
    const at: Record<string, number> = {};
    let inDoubt = 0;

    // One idempotency key at a time, sent until it is answered with a decision.
    const decide = async (serverIndex: number, key: string): Promise<void> => {
      const server = servers[serverIndex]!;
      for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_KEY; attempt += 1) {
        const sentIn = phase;
        let response: Response;
        let body: string;
        try {
          response = await fetch(`${server.url}/api/decision`, {
            method: 'POST',
            headers: { authorization: `Bearer ${decisionKey}`, 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify(REQUEST),
          });
          body = await response.text();
        } catch (error) {
          // The server closed the connection or is gone: the one outcome the drill must never see.
          problems.push(`${key}: ${(error as Error).message} (${String((error as Error).cause)}); stderr: ${server.stderr()}`);
          return;
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) {
          const intentId = (JSON.parse(body) as { intent_id: string }).intent_id;
          const earlier = acknowledged.get(key);
          if (earlier !== undefined && earlier !== intentId) problems.push(`${key} answered ${earlier} and then ${intentId}`);
          acknowledged.set(key, intentId);
          if (sentIn === 'before' && phase === 'before') ackedBefore.count += 1;
          if (sentIn === 'promoted') {
            ackedAfter[serverIndex]! += 1;
            at[`first decision on server ${serverIndex + 1} after the promotion`] ??= performance.now();
          }
          return;
        }
        if (response.status !== 503) {
          problems.push(`${key}: ${response.status} ${body}`);
          return;
        }
        if (response.headers.get('retry-after') === null) problems.push(`${key}: 503 without Retry-After`);
        if ((JSON.parse(body) as { error?: { code?: string } }).error?.code !== 'storage_unavailable') problems.push(`${key}: 503 ${body}`);
        if (phase !== 'before') unavailable[phase] += 1;
        if (body.includes('may have been recorded')) inDoubt += 1;
        await pause(50);
      }
      problems.push(`${key} was never answered with a decision`);
    };

    const worker = async (serverIndex: number, name: string): Promise<void> => {
      for (let n = 0; !stopping && problems.length === 0 && n < MAX_ATTEMPTS_PER_KEY; n += 1) {
        await decide(serverIndex, `drill-${name}-${n}`);
      }
    };
    const load = servers.flatMap((_server, index) => [worker(index, `${index}a`), worker(index, `${index}b`)]);
    const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < MAX_POLLS && !condition() && problems.length === 0; i += 1) await pause(20);
      if (!condition()) throw new Error(`${what} did not happen; problems: ${problems.join('; ')}; statuses ${JSON.stringify([...statuses])}`);
    };

    try {
      await waitFor(() => ackedBefore.count >= BEFORE, `${BEFORE} decisions before the kill`);
      at['primary SIGKILLed'] = performance.now();
      process.kill(postmasterPid(primary), 'SIGKILL');
      phase = 'killed';
      // The primary is gone and the standby still refuses writes: decisions fail closed, and
      // /healthz says the database is unreachable once the dead primary's sessions are gone.
      await waitFor(() => unavailable.killed >= 4, 'a 503 while no primary is up');
      let health: { status: number; body: unknown } = { status: 0, body: null };
      for (let i = 0; i < MAX_POLLS && health.status !== 503; i += 1) {
        const response = await fetch(`${servers[0]!.url}/healthz`);
        health = { status: response.status, body: await response.json() };
        if (health.status !== 503) await pause(20);
      }
      expect(health.body).toMatchObject({ ok: false, engine: 'postgres' });

      at['promotion started'] = performance.now();
      await promote(standby);
      phase = 'promoted';
      at['standby promoted (pg_ctl promote returned)'] = performance.now();
      await waitFor(() => ackedAfter.every((count) => count >= AFTER_PER_SERVER), `${AFTER_PER_SERVER} decisions on each server after the promotion`);
    } finally {
      stopping = true;
      await Promise.allSettled(load);
    }

    if (process.env['AXIRU_DRILL_REPORT'] === '1') {
      const kill = at['primary SIGKILLed']!;
      console.info(`failover drill: ${JSON.stringify(Object.fromEntries(Object.entries(at).map(([step, time]) => [step, `+${Math.round(time - kill)} ms`])))}; `
        + `answers ${JSON.stringify(Object.fromEntries(statuses))}; 503 while no primary ${unavailable.killed}, after the promotion ${unavailable.promoted}; `
        + `503 saying the request may have been recorded ${inDoubt}; ${acknowledged.size} keys acknowledged`);
    }
    expect(problems).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    for (const server of servers) {
      expect(server.child.exitCode).toBeNull();
      expect(server.child.signalCode).toBeNull();
      expect(server.stderr()).not.toMatch(/TypeError|uncaught/i);
      const after = await fetch(`${server.url}/healthz`);
      expect(await after.json()).toEqual({ ok: true, engine: 'postgres', database: 'reachable' });
    }

    // Read from the promoted standby alone: what was acknowledged must have been there.
    const store = await PostgresStore.open({ url: withDatabase(standby.url, 'axiru'), dataDir: dirs[0]!.path, env: { AXIRU_SECRETS_KEY: SECRETS_KEY } });
    try {
      for (const report of await verifyAllChains(store)) expect(report).toMatchObject({ ok: true, first_bad_seq: null });
      const orgId = (await store.organisations.list())[0]!.id;
      const records = await store.ledger.scan(orgId, 0, 1_000_000);
      const byIntent = new Map<string, number>();
      const byKey = new Map<string, number>();
      for (const record of records) {
        if (record.kind !== 'decision') continue;
        if (record.intent_id) byIntent.set(record.intent_id, (byIntent.get(record.intent_id) ?? 0) + 1);
        const key = (JSON.parse(record.body) as { idempotency_key?: string }).idempotency_key;
        if (key !== undefined) byKey.set(key, (byKey.get(key) ?? 0) + 1);
      }
      for (const intentId of acknowledged.values()) expect(byIntent.get(intentId)).toBe(1);
      // No key recorded twice (a retried in-doubt commit found its first record instead), and
      // every key was answered (each one was retried until it was), so the keys match.
      for (const [key, count] of byKey) expect(count, key).toBe(1);
      for (const key of acknowledged.keys()) expect(byKey.get(key)).toBe(1);
      expect(byKey.size).toBe(acknowledged.size);
    } finally {
      await store.close();
    }
  });
});
