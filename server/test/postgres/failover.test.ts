// The failover drill: a primary with a synchronous streaming standby, two servers on a
// multi-host URL (target_session_attrs=read-write), load on both, SIGKILL of the primary's
// postmaster, promotion of the standby. During the switch decisions fail closed (503 with
// Retry-After, never 500); afterwards the servers carry on against the new primary, every
// acknowledged decision is there exactly once and the chain verifies.

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

describe('failover drill: primary SIGKILLed, synchronous standby promoted', () => {
  let primary: PostgresCluster;
  let standby: PostgresCluster;
  let url: string;
  const dirs = [tempDir(), tempDir()];
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    primary = await startCluster({ settings: { synchronous_commit: 'on' }, fast: false });
    const admin = openPostgres(primary.url, { max: 1 });
    await admin.unsafe("CREATE DATABASE axiru LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
    standby = await startStandby(primary, 'standby1');
    // Synchronous from now on: a commit returns once the standby has it (set only now, since
    // with no standby yet every commit would wait).
    await admin.unsafe("ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
    await admin.unsafe('SELECT pg_reload_conf()');
    await admin.end();
    const check = openPostgres(primary.url, { max: 1 });
    // Until the standby is streaming as the synchronous one (bounded by a count of checks).
    let state: unknown = null;
    for (let i = 0; i < 600 && state !== 'sync'; i += 1) {
      state = (await check.unsafe("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'"))[0]?.['sync_state'];
      if (state !== 'sync') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (state !== 'sync') throw new Error(`the standby is not synchronous (sync_state ${String(state)})`);
    await check.end();
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
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let promoted = false;
    let afterPromotion = 0;
    let sent = 0;
    const worker = async (server: ServerProcess): Promise<void> => {
      // Until enough decisions were acknowledged after the promotion (bounded by a count, not a clock).
      for (let i = 0; i < 5_000 && afterPromotion < 20; i += 1) {
        sent += 1;
        const response = await fetch(`${server.url}/api/decision`, {
          method: 'POST', headers: { authorization: `Bearer ${decisionKey}`, 'content-type': 'application/json' }, body: JSON.stringify(REQUEST),
        });
        const body = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 200) {
          acknowledged.push((JSON.parse(body) as { intent_id: string }).intent_id);
          if (promoted) afterPromotion += 1;
        } else {
          expect(response.status, body).toBe(503);
          expect(response.headers.get('retry-after')).not.toBeNull();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };
    const load = servers.flatMap((server) => [worker(server), worker(server)]);
    while (sent < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    process.kill(postmasterPid(primary), 'SIGKILL');
    promote(standby);
    promoted = true;
    await Promise.all(load);
    expect(afterPromotion).toBeGreaterThanOrEqual(20);
    expect([...statuses.keys()].every((status) => status === 200 || status === 503)).toBe(true);

    const store = await PostgresStore.open({ url: withDatabase(standby.url, 'axiru'), dataDir: dirs[0]!.path, env: { AXIRU_SECRETS_KEY: SECRETS_KEY } });
    try {
      for (const report of await verifyAllChains(store)) expect(report).toMatchObject({ ok: true, first_bad_seq: null });
      const orgId = (await store.organisations.list())[0]!.id;
      const records = await store.ledger.scan(orgId, 0, 1_000_000);
      const decisions = new Map<string, number>();
      for (const record of records) {
        if (record.kind === 'decision' && record.intent_id) decisions.set(record.intent_id, (decisions.get(record.intent_id) ?? 0) + 1);
      }
      for (const intentId of acknowledged) expect(decisions.get(intentId)).toBe(1);
    } finally {
      await store.close();
    }
  });
});
