import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { SEED_REQUEST, tempDir } from '../support/testApp.js';
import { ledgerSnapshot } from './support/childProcess.js';
import { keepAliveAgent, send } from './support/rawHttp.js';

// Slow and many clients against a real `axiru serve`: slowloris headers, a body trickled byte
// by byte, thousands of idle connections, idle keep-alive, the connection cap. Each test
// asserts behaviour (the slow connection is closed, the others are answered), never speed;
// short timeouts are configured so the closes come quickly.

const IDLE_CONNECTIONS = Number(process.env['AXIRU_IDLE_CONNECTIONS'] ?? 5_000);
const LIMITS = {
  AXIRU_HEADERS_TIMEOUT_MS: '1500',
  AXIRU_REQUEST_TIMEOUT_MS: '3000',
  AXIRU_KEEP_ALIVE_TIMEOUT_MS: '1000',
  AXIRU_MAX_CONNECTIONS: String(IDLE_CONNECTIONS + 500),
};

const dir = tempDir('axiru-slow-');
const servers: ServerProcess[] = [];
let server: ServerProcess;
let decisionKey: string;

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess(join(dir.path, 'main'), 60_000, LIMITS);
  servers.push(server);
  decisionKey = server.keys['AXIRU_DECISION_KEY'] ?? '';
}, 90_000);

afterAll(async () => {
  for (const s of servers) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }
  dir.remove();
}, 30_000);

interface Raw {
  readonly socket: Socket;
  /** Everything the server sent. */
  received(): string;
  readonly closed: Promise<void>;
}

function open(url: string): Promise<Raw> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte at a time, every `everyMs`, until the socket closes. */
function trickle(raw: Raw, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed || at >= text.length) {
      clearInterval(timer);
      return;
    }
    raw.socket.write(text[at]!);
    at += 1;
  }, everyMs);
  void raw.closed.then(() => clearInterval(timer));
}

async function decideOk(agent = keepAliveAgent(4)): Promise<number> {
  const started = performance.now();
  const response = await send(server.url, {
    method: 'POST', url: '/api/decision',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${decisionKey}` },
    body: Buffer.from(JSON.stringify(SEED_REQUEST)),
  }, agent);
  expect(response.status, response.body).toBe(200);
  return performance.now() - started;
}

describe('slow clients', () => {
  it('closes a connection whose headers never finish (slowloris), serving others meanwhile', async () => {
    const slow = await open(server.url);
    slow.socket.write('POST /api/decision HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // A header that never ends: one byte every 100 ms, for far longer than the headers timeout.
    trickle(slow, `X-Slow: ${'a'.repeat(10_000)}`, 100);
    for (let i = 0; i < 5; i += 1) await decideOk();
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 |^$/);
  }, 60_000);

  it('closes a connection whose body trickles in byte by byte, and records nothing for it', async () => {
    const before = ledgerSnapshot(join(dir.path, 'main'));
    const body = JSON.stringify({ ...SEED_REQUEST, amount_cents: 777 });
    const slow = await open(server.url);
    slow.socket.write(`POST /api/decision HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${decisionKey}\r\nContent-Length: ${body.length}\r\n\r\n`);
    // About 12 s for the whole body; the request timeout is 3 s.
    trickle(slow, body, 200);
    let served = 0;
    for (let i = 0; i < 5; i += 1) {
      await decideOk();
      served += 1;
    }
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 |^$/);
    const after = ledgerSnapshot(join(dir.path, 'main'));
    // Only the five decisions of the others were sealed.
    expect(after.byKind['decision']! - (before.byKind['decision'] ?? 0)).toBe(served);
  }, 60_000);

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const raw = await open(server.url);
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await raw.closed;
    expect(raw.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.received()).toMatch(/keep-alive/i);
  }, 30_000);

  it(`holds ${IDLE_CONNECTIONS} idle connections and answers others, then closes the idle ones`, async () => {
    const idle: Raw[] = [];
    // In batches, so the listen backlog is never the limit being tested.
    for (let i = 0; i < IDLE_CONNECTIONS; i += 250) {
      idle.push(...await Promise.all(Array.from({ length: Math.min(250, IDLE_CONNECTIONS - i) }, () => open(server.url))));
    }
    const agent = keepAliveAgent(4);
    const latencies: number[] = [];
    for (let i = 0; i < 50; i += 1) latencies.push(await decideOk(agent));
    agent.destroy();
    latencies.sort((a, b) => a - b);
    console.log(`with ${IDLE_CONNECTIONS} idle connections: decision p50 ${latencies[24]!.toFixed(1)} ms, p99 ${latencies[49]!.toFixed(1)} ms (loaded machine)`);
    // Every idle connection is closed by the server (headers timeout), none by this test.
    await Promise.all(idle.map((raw) => raw.closed));
    expect(idle.every((raw) => raw.socket.destroyed)).toBe(true);
    await decideOk();
  }, 180_000);
});

describe('the connection cap', () => {
  it('refuses connections beyond AXIRU_MAX_CONNECTIONS and accepts them again once some close', async () => {
    const capped = await startServerProcess(join(dir.path, 'capped'), 60_000, { ...LIMITS, AXIRU_MAX_CONNECTIONS: '20' });
    servers.push(capped);
    const held = await Promise.all(Array.from({ length: 20 }, () => open(capped.url)));
    // The server closes the 21st at once, without a response.
    const extra = await open(capped.url);
    await extra.closed;
    expect(extra.received()).toBe('');
    // Once the held connections time out, a new one is served.
    await Promise.all(held.map((raw) => raw.closed));
    const health = await send(capped.url, { method: 'GET', url: '/healthz', headers: {}, body: null });
    expect(health.status).toBe(200);
    capped.child.kill('SIGTERM');
    await capped.exited;
  }, 90_000);
});
