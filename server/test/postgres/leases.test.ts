// Side effects once, and never lost, with three `axiru serve` processes on one PostgreSQL
// database: checkpoints are signed once per tree size; a SIEM export whose server is SIGKILLed
// mid-batch is taken over after the lease with no gap (duplicates only of the unacknowledged
// batch, told apart by the record hash); an approval email whose server is SIGKILLed while
// sending it, and a webhook delivery claimed by a server that is then SIGKILLed, are sent by a
// survivor after the lease. Leases are short here (AXIRU_LEASE_MS).

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointSignatureValid, parsePublicKey } from '../../src/audit/checkpoint.js';
import { hashChildren, hashLeaf, splitPoint } from '../../src/audit/merkle.js';
import { PostgresStore } from '../../src/storage/postgres/PostgresStore.js';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { startSiemReceiver, recordOf, type SiemReceiver } from '../support/siemReceiver.js';
import { expectWholeChain } from '../support/exportsHelpers.js';
import { waitFor } from '../support/receiver.js';
import { tempDir } from '../support/testApp.js';
import { freshDatabase } from '../support/testDatabase.js';
import { startLocalSmtp, type LocalSmtp } from '../support/smtpServer.js';
import { DEMO_EMAIL } from '../../src/services/bootstrap.js';

const SECRETS_KEY = randomBytes(32).toString('base64');
const ALLOWED = { source: 'support_tool', action: 'refund', amount_cents: 4000, customer_tenure_days: 400, reason: 'duplicate_charge' };
const NEEDS_APPROVAL = { source: 'support_tool', action: 'refund', amount_cents: 22000, customer_tenure_days: 400, stripe_charge_id: 'ch_lease' };
const CHECKPOINT_RECORDS = 20;

async function post(server: ServerProcess, path: string, key: string, body: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

/** The value of one sample of `/metrics`, e.g. metric('axiru_leases_held', 'job="export"'). */
async function metric(server: ServerProcess, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

function alive(server: ServerProcess): boolean {
  return server.child.exitCode === null && server.child.signalCode === null;
}

/** RFC 6962 Merkle tree hash over leaf hashes (what a checkpoint's root must be). */
function treeHash(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return hashChildren(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** A webhook receiver that holds the first request open (never answered) and answers 200 after. */
async function startHoldingReceiver() {
  const requests: Array<{ headers: IncomingHttpHeaders; body: string; answered: boolean }> = [];
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered: false };
      requests.push(entry);
      if (requests.length === 1) {
        held.push(response);
        return;
      }
      entry.answered = true;
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('leases: three servers on one PostgreSQL database', () => {
  let url: string;
  const dirs = [tempDir(), tempDir(), tempDir()];
  let servers: ServerProcess[] = [];
  let decisionKey: string;
  let adminKey: string;
  let store: PostgresStore;
  let siem: SiemReceiver | null = null;
  let smtp: LocalSmtp;
  let env: Record<string, string>;

  beforeAll(async () => {
    assertBuilt();
    url = await freshDatabase();
    // The first approval email of the outbox test is never answered: its server hangs on it.
    smtp = await startLocalSmtp((mail) => mail.raw.includes('ch_outbox') && smtp.held.length === 0);
    env = {
      AXIRU_DATABASE_URL: url, AXIRU_SECRETS_KEY: SECRETS_KEY, AXIRU_LEASE_MS: '3000', AXIRU_EXPORT_POLL_MS: '200',
      AXIRU_AUDIT_CHECKPOINT_RECORDS: String(CHECKPOINT_RECORDS), AXIRU_AUDIT_CHECKPOINT_SECONDS: '1', AXIRU_SMTP_URL: smtp.url,
    };
    servers = await Promise.all(dirs.map((dir) => startServerProcess(dir.path, undefined, env)));
    const withKeys = servers.find((server) => Object.keys(server.keys).length > 0)!;
    decisionKey = withKeys.keys['AXIRU_DECISION_KEY']!;
    adminKey = withKeys.keys['AXIRU_ADMIN_KEY']!;
    store = await PostgresStore.open({ url, dataDir: dirs[0]!.path, env: { AXIRU_SECRETS_KEY: SECRETS_KEY } });
  });

  afterAll(async () => {
    for (const server of servers) {
      if (alive(server)) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    await store?.close();
    await siem?.close();
    await smtp?.close();
    for (const dir of dirs) dir.remove();
  });

  async function load(count: number, body: unknown = ALLOWED): Promise<void> {
    const live = servers.filter(alive);
    await Promise.all(Array.from({ length: count }, async (_, i) => {
      const answer = await post(live[i % live.length]!, '/api/decision', decisionKey, body);
      expect(answer.status, answer.body).toBe(200);
    }));
  }

  /** Starts servers on the database until `count` are alive (after others were killed). */
  async function ensureLive(count: number): Promise<ServerProcess[]> {
    while (servers.filter(alive).length < count) {
      const dir = tempDir();
      dirs.push(dir);
      servers.push(await startServerProcess(dir.path, undefined, env));
    }
    return servers.filter(alive);
  }

  async function orgId(): Promise<string> {
    return (await store.organisations.list())[0]!.id;
  }

  it('pool and lease gauges are in /metrics on PostgreSQL', async () => {
    const text = await (await fetch(`${servers[0]!.url}/metrics`)).text();
    expect(text).toMatch(/^axiru_db_pool_connections\{state="max"\} 10$/m);
    expect(text).toMatch(/^axiru_db_pool_connections\{state="busy"\} \d+$/m);
    expect(text).toMatch(/^axiru_db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toMatch(/^axiru_db_pool_waiting \d+$/m);
    for (const job of ['webhook', 'notification', 'export', 'checkpoint', 'replay', 'replay_retention']) {
      expect(text).toMatch(new RegExp(`^axiru_leases_held\\{job="${job}"\\} \\d+$`, 'm'));
      expect(text).toMatch(new RegExp(`^axiru_lease_takeovers_total\\{job="${job}"\\} \\d+$`, 'm'));
    }
  });

  it('signs each checkpoint once: no tree size twice, every multiple covered, every root and signature right', async () => {
    await load(4 * CHECKPOINT_RECORDS + 7);
    const org = await orgId();
    const head = (await store.ledger.head(org))!.seq;
    // The head itself is signed once records waited a second without a checkpoint.
    await waitFor(async () => ((await store.checkpoints.latest(org))?.tree_size ?? 0) >= head);
    const duplicates = await store.sql.unsafe(
      'SELECT org_id, tree_size, COUNT(*) AS n FROM audit_checkpoints GROUP BY org_id, tree_size HAVING COUNT(*) > 1');
    expect(duplicates).toHaveLength(0);
    const checkpoints = await store.checkpoints.all(org);
    const sizes = checkpoints.map((checkpoint) => checkpoint.tree_size);
    for (let size = CHECKPOINT_RECORDS; size <= head; size += CHECKPOINT_RECORDS) expect(sizes).toContain(size);
    const leaves = (await store.ledger.scan(org, 0, head)).map((record) => hashLeaf(Buffer.from(record.hash, 'hex')));
    const keys = new Map((await store.signingKeys.list()).map((key) => [key.id, parsePublicKey(key.public_key)]));
    for (const checkpoint of checkpoints) {
      expect(checkpoint.root).toBe(treeHash(leaves.slice(0, checkpoint.tree_size)).toString('hex'));
      expect(checkpointSignatureValid(checkpoint, keys.get(checkpoint.key_id)!)).toBe(true);
    }
  });

  it('exports with three servers: the sink\'s server is SIGKILLed mid-batch, a survivor takes over; no gap, no duplicate after dedup', async () => {
    siem = await startSiemReceiver();
    // The first batch is held open: its server is killed while it waits for the acknowledgement.
    siem.script = ['hold'];
    const created = await post(servers[0]!, '/api/exports', adminKey, { type: 'splunk', name: 'hec', url: siem.url, token: 'lease-token', batch_size: 10 });
    expect(created.status, created.body).toBe(201);
    await waitFor(() => siem!.requests.length >= 1);
    // Which server sends this sink: the one holding its lease.
    let holder: ServerProcess | undefined;
    await waitFor(async () => {
      for (const server of servers) if (await metric(server, 'axiru_leases_held', 'job="export"') === 1) holder = server;
      return holder !== undefined;
    });
    holder!.child.kill('SIGKILL');
    await holder!.exited;
    // More records while the lease runs out, from the survivors.
    await load(30);
    const org = await orgId();
    const head = (await store.ledger.head(org))!.seq;
    await waitFor(() => siem!.acknowledged().some((event) => recordOf(event).seq === head));
    const survivors = servers.filter(alive);
    const takeovers = await Promise.all(survivors.map((server) => metric(server, 'axiru_lease_takeovers_total', 'job="export"')));
    expect(takeovers.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(1);
    // Dedup by record hash: duplicates are whole re-sent records, identical to the first copy.
    const bySeq = new Map<number, Record<string, unknown>>();
    for (const event of siem.acknowledged()) {
      const record = recordOf(event);
      const seen = bySeq.get(record.seq);
      if (seen) expect(recordOf(seen).hash).toBe(record.hash);
      else bySeq.set(record.seq, event);
    }
    expectWholeChain([...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, event]) => event), head);
  });

  it('an approval email whose server is SIGKILLed while sending it is sent by a survivor after the lease, once', async () => {
    const live = await ensureLive(2);
    const sender = live[0]!;
    const pending = await post(sender, '/api/decision', decisionKey, { ...NEEDS_APPROVAL, stripe_charge_id: 'ch_outbox' });
    expect(JSON.parse(pending.body)).toMatchObject({ decision: { outcome: 'pending_approval' } });
    const intentId = (JSON.parse(pending.body) as { intent_id: string }).intent_id;
    // The committing server sends it, and hangs on the unanswered message.
    await waitFor(() => smtp.held.length === 1);
    expect(await metric(sender, 'axiru_leases_held', 'job="notification"')).toBe(1);
    sender.child.kill('SIGKILL');
    await sender.exited;
    await waitFor(() => smtp.received.some((mail) => mail.raw.includes(intentId)));
    await waitFor(async () => (await store.sql.unsafe('SELECT id FROM notification_outbox')).length === 0);
    const mails = smtp.received.filter((mail) => mail.raw.includes(intentId));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([DEMO_EMAIL]);
    const survivors = servers.filter(alive);
    const takeovers = await Promise.all(survivors.map((server) => metric(server, 'axiru_lease_takeovers_total', 'job="notification"')));
    expect(takeovers.reduce((sum, n) => sum + n, 0)).toBe(1);
  });

  it('a webhook delivery claimed by a server that is then SIGKILLed is delivered by a survivor after the lease', async () => {
    const receiver = await startHoldingReceiver();
    try {
      const live = await ensureLive(2);
      const subscribed = await post(live[0]!, '/api/webhooks', adminKey, { url: receiver.url, events: ['intent.pending_approval'] });
      expect(subscribed.status, subscribed.body).toBe(201);
      const pending = await post(live[1]!, '/api/decision', decisionKey, NEEDS_APPROVAL);
      expect(JSON.parse(pending.body)).toMatchObject({ decision: { outcome: 'pending_approval' } });
      await waitFor(() => receiver.requests.length >= 1);
      let claimer: ServerProcess | undefined;
      await waitFor(async () => {
        for (const server of live) if (await metric(server, 'axiru_leases_held', 'job="webhook"') === 1) claimer = server;
        return claimer !== undefined;
      });
      claimer!.child.kill('SIGKILL');
      await claimer!.exited;
      // A survivor sends it again once the lease ran out, and records it delivered.
      await waitFor(() => receiver.requests.some((request) => request.answered));
      const eventIds = receiver.requests.map((request) => request.headers['axiru-event-id']);
      expect(new Set(eventIds).size).toBe(1);
      expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
      await waitFor(async () => {
        const [row] = await store.sql.unsafe("SELECT status, claimed_by FROM webhook_deliveries WHERE event_id = $1", [eventIds[0] as string]);
        return row?.['status'] === 'delivered' && row?.['claimed_by'] === null;
      });
      const survivors = servers.filter(alive);
      const takeovers = await Promise.all(survivors.map((server) => metric(server, 'axiru_lease_takeovers_total', 'job="webhook"')));
      expect(takeovers.reduce((sum, n) => sum + n, 0)).toBe(1);
    } finally {
      await receiver.close();
    }
  });
});
