import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAllChains } from '../../src/services/verifyChain.js';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { SEED_REQUEST } from '../support/testApp.js';
import { keepAliveAgent, send, type RawResponse } from './support/rawHttp.js';

// A full disk, for real: the server's data folder is on its own small tmpfs (mounted by this
// test, which runs as root like CI), filled up while decisions arrive. (A read-only remount is
// refused by the kernel while the server holds the database open for writing, so read-only and
// I/O errors are injected at the storage boundary instead, in storageErrors.test.ts.) Decisions must answer 503 storage_unavailable (never a 500, never a 200
// for a decision that is not durable), the server stays up, /healthz says why, and once space
// is freed (or the file system is writable again) decisions resume without a restart; the
// chain verifies and every acknowledged decision is in the ledger exactly once.

const MOUNT_SIZE = '24m';
const WORKERS = 6;

const mountPoint = mkdtempSync(join(tmpdir(), 'axiru-tmpfs-'));
let mounted = false;
let server: ServerProcess | null = null;
const dataDir = join(mountPoint, 'data');
const filler = join(mountPoint, 'filler');

beforeAll(() => {
  assertBuilt();
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_SIZE}`, 'tmpfs', mountPoint]);
  mounted = true;
  mkdirSync(dataDir);
});

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
}, 30_000);

/** Writes to `file` until the file system has no space left (ENOSPC). */
function fillUp(file: string): void {
  const fd = openSync(file, 'a');
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
      const chunk = Buffer.alloc(size, 7);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

interface Outcome {
  readonly acked: Map<string, string>; // intent id → idempotency key
  readonly statuses: Map<number, number>;
  readonly codes: Map<string, number>;
  readonly bad: RawResponse[];
}

/**
 * WORKERS clients deciding until `until()` holds; each request carries its own idempotency key.
 * Statuses other than 200 and 503 storage_unavailable are collected as bad.
 */
async function load(key: string, outcome: Outcome, tag: string, until: () => boolean): Promise<void> {
  const agent = keepAliveAgent(WORKERS);
  let n = 0;
  const worker = async (w: number): Promise<void> => {
    while (!until()) {
      n += 1;
      const idempotencyKey = `${tag}-${w}-${n}`;
      const response = await send(server!.url, {
        method: 'POST', url: '/api/decision',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
        body: Buffer.from(JSON.stringify({ ...SEED_REQUEST, amount_cents: 1000 + n, customer_id: `cus_${n % 17}` })),
      }, agent);
      outcome.statuses.set(response.status, (outcome.statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) {
        outcome.acked.set((JSON.parse(response.body) as { intent_id: string }).intent_id, idempotencyKey);
      } else {
        const code = (JSON.parse(response.body) as { error?: { code?: string } }).error?.code ?? '';
        outcome.codes.set(code, (outcome.codes.get(code) ?? 0) + 1);
        if (response.status !== 503 || code !== 'storage_unavailable') outcome.bad.push(response);
        // A client backing off, as the 503 asks; the test waits for conditions, not for time.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  agent.destroy();
}

async function health(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await send(server!.url, { method: 'GET', url: '/healthz', headers: {}, body: null });
  return { status: response.status, body: JSON.parse(response.body) as Record<string, unknown> };
}

function counter(outcome: Outcome, status: number): number {
  return outcome.statuses.get(status) ?? 0;
}

describe('a full disk (small tmpfs)', () => {
  it('answers 503 while the disk is full, stays up, says why, and resumes without a restart', async () => {
    server = await startServerProcess(dataDir, 60_000);
    const key = server.keys['AXIRU_DECISION_KEY'] ?? '';
    const outcome: Outcome = { acked: new Map(), statuses: new Map(), codes: new Map(), bad: [] };

    // 1. Disk full under load: fill the file system while decisions arrive.
    let full = false;
    const filling = load(key, outcome, 'full', () => full && counter(outcome, 503) >= 30);
    await new Promise((resolve) => setTimeout(resolve, 200));
    fillUp(filler);
    full = true;
    await filling;
    expect(outcome.bad.map((r) => `${r.status} ${r.body}`)).toEqual([]);
    expect(counter(outcome, 503)).toBeGreaterThanOrEqual(30);
    const sick = await health();
    expect(sick.status).toBe(503);
    expect(sick.body).toMatchObject({ ok: false, storage: 'unavailable' });
    expect(String(sick.body['reason'])).toMatch(/full/i);
    expect(server.child.exitCode).toBeNull();

    // 2. Space freed: decisions resume in the same process.
    unlinkSync(filler);
    const before = counter(outcome, 200);
    await load(key, outcome, 'freed', () => counter(outcome, 200) >= before + 20);
    expect((await health())).toMatchObject({ status: 200, body: { ok: true } });

    expect(outcome.bad.map((r) => `${r.status} ${r.body}`)).toEqual([]);
    expect(counter(outcome, 500)).toBe(0);
    console.log(`storage faults: statuses ${JSON.stringify(Object.fromEntries(outcome.statuses))}, codes ${JSON.stringify(Object.fromEntries(outcome.codes))}`);

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    // Every acknowledged decision is in the ledger exactly once; the chains verify.
    const db = new Database(databaseFile(dataDir), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision' AND intent_id = ?").pluck();
      expect([...outcome.acked.keys()].filter((id) => count.get(id) !== 1)).toEqual([]);
      expect(db.prepare('SELECT intent_id FROM ledger WHERE intent_id IS NOT NULL GROUP BY intent_id, kind HAVING COUNT(*) > 1').all()).toEqual([]);
      expect(db.prepare('SELECT COUNT(*) FROM intents').pluck().get()).toBe(db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision'").pluck().get());
    } finally {
      db.close();
    }
    const store = SqliteStore.open({ dataDir, checkpointIntervalMs: 0 });
    try {
      for (const report of await verifyAllChains(store)) expect(report).toMatchObject({ ok: true, first_bad_seq: null });
    } finally {
      await store.close();
    }
  }, 300_000);
});
