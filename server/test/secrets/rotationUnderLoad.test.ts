import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/services/webhooks.js';
import { startReceiver, waitFor } from '../support/receiver.js';
import { AXIRU_BIN, assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { SEED_REQUEST, tempDir } from '../support/testApp.js';

const run = promisify(execFile);
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 60_000);

/** The environment without any secrets key of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { AXIRU_SECRETS_KEY: _key, AXIRU_SECRETS_NEW_KEY: _newKey, ...rest } = process.env;
  return { ...rest, ...extra };
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

async function rotate(dataDir: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, [AXIRU_BIN, 'secrets', 'rotate', '--data', dataDir], { env: cleanEnv(env) });
  return stdout;
}

describe('axiru secrets rotate under load', () => {
  it('keeps decisions and signed webhook deliveries working while the key is rotated twice', async () => {
    assertBuilt();
    const dir = tempDir();
    cleanups.push(dir.remove);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    // startServerProcess passes process.env on; the key must come only from the data folder here.
    const saved = process.env['AXIRU_SECRETS_KEY'];
    delete process.env['AXIRU_SECRETS_KEY'];
    cleanups.push(() => { if (saved !== undefined) process.env['AXIRU_SECRETS_KEY'] = saved; });
    const server = await startServerProcess(dir.path, 60_000);
    cleanups.push(() => stop(server));
    const admin = server.keys['AXIRU_ADMIN_KEY']!;
    const decisionKey = server.keys['AXIRU_DECISION_KEY']!;
    const subscribed = await fetch(`${server.url}/api/webhooks`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/hooks`, events: ['intent.pending_approval'] }),
    });
    expect(subscribed.status).toBe(201);
    const { secret } = await subscribed.json() as { secret: string };

    const statuses: number[] = [];
    const pending = new Set<string>();
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        const response = await fetch(`${server.url}/api/decision`, {
          method: 'POST', headers: { authorization: `Bearer ${decisionKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(SEED_REQUEST),
        });
        statuses.push(response.status);
        const body = await response.json() as { intent_id?: string; decision?: { outcome: string } };
        if (body.decision?.outcome === 'pending_approval' && body.intent_id) pending.add(body.intent_id);
      }
    };
    const load = Promise.all([worker(), worker(), worker()]);
    const newKey = randomBytes(32).toString('base64');
    const moreDecisions = async (count: number) => {
      const mark = statuses.length;
      await waitFor(() => statuses.length >= mark + count, 6000);
    };
    try {
      await moreDecisions(20);
      expect(await rotate(dir.path, {})).toMatch(/re-wrapped: kek_\w+ -> kek_\w+\.\nThe new key is in /);
      await moreDecisions(20);
      expect(await rotate(dir.path, { AXIRU_SECRETS_NEW_KEY: newKey })).toContain('Start servers with AXIRU_SECRETS_KEY set to the new key');
      await moreDecisions(20);
      running = false;
      await load;

      expect(statuses.length).toBeGreaterThanOrEqual(60);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(pending.size).toBeGreaterThan(0);
      // Every delivery arrived, signed with the endpoint's secret (which the server read throughout).
      await waitFor(() => new Set(receiver.received.map((entry) => (JSON.parse(entry.body) as { data: { intent_id: string } }).data.intent_id)).size >= pending.size, 6000);
      for (const entry of receiver.received) {
        expect(verifyWebhook(entry.body, entry.headers[SIGNATURE_HEADER] as string, secret)).toBe(true);
      }
      const delivered = new Set(receiver.received.map((entry) => (JSON.parse(entry.body) as { data: { intent_id: string } }).data.intent_id));
      expect([...pending].filter((id) => !delivered.has(id))).toEqual([]);
    } finally {
      running = false;
      await load;
    }

    // The next start needs the new key, and works with it.
    await stop(server);
    await expect(startServerProcess(dir.path, 60_000)).rejects.toThrow(/secrets\.key is missing and AXIRU_SECRETS_KEY is not set/);
    const restarted = await startServerProcess(dir.path, 60_000, { AXIRU_SECRETS_KEY: newKey });
    cleanups.push(() => stop(restarted));
    const before = receiver.received.length;
    const after = await fetch(`${restarted.url}/api/decision`, {
      method: 'POST', headers: { authorization: `Bearer ${decisionKey}`, 'content-type': 'application/json' }, body: JSON.stringify(SEED_REQUEST),
    });
    expect(after.status).toBe(200);
    await waitFor(() => receiver.received.length > before, 6000);
    expect(verifyWebhook(receiver.received.at(-1)!.body, receiver.received.at(-1)!.headers[SIGNATURE_HEADER] as string, secret)).toBe(true);
  }, 300_000);
});
