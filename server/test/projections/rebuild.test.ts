import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { axiru } from '../support/cli.js';
import { assertBuilt, AXIRU_BIN } from '../support/serverProcess.js';
import { createTestApp, tempDir, type TestApp, type TestOrg } from '../support/testApp.js';
import { apiSnapshot, expectSameAnswers } from './apiSnapshot.js';
import { buildVariedHistory } from './variedHistory.js';

// The intents view, the Merkle trees and the lists are folds of the ledger: built incrementally (the
// writers that check rules apply their own records, decisions are applied behind the chain),
// or dropped and rebuilt from record zero, they must give the API the same bytes.

const dir = tempDir('axiru-rebuild-');
let demo: TestOrg;
let intents: string[];
let before: Map<string, string>;
let snapshotAt: Date;

/** Runs `work` on the data folder's database, opened for this call only. */
function withDatabase<T>(work: (db: Database.Database) => T, options: { readonly: boolean } = { readonly: true }): T {
  const db = new Database(databaseFile(dir.path), options);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

function sql(statements: string): void {
  withDatabase((db) => db.exec(statements), { readonly: false });
}

function ledgerSize(): number {
  return withDatabase((db) => Number(db.prepare('SELECT COUNT(*) FROM ledger').pluck().get()));
}

function headSeq(): number {
  return withDatabase((db) => Number(db.prepare('SELECT seq FROM chain_heads WHERE org_id = ?').pluck().get(demo.id)));
}

/** The intents projection's cursor of the demo organisation (null: none, as right after a clear). */
function cursor(): number | null {
  return withDatabase((db) => {
    const seq = db.prepare("SELECT seq FROM projection_cursors WHERE projection = 'intents' AND org_id = ?").pluck().get(demo.id);
    return seq === undefined ? null : Number(seq);
  });
}

/** Resolves once the app's projections have caught up with the ledger (polled, no deadline). */
async function lagGone(t: TestApp): Promise<void> {
  for (;;) {
    const lag = await t.app.projections.lag();
    if (Object.values(lag).every((records) => records === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts the app on the data folder again and expects every GET to answer what it answered
 * before; with `catchUp`, after the start's background catch-up (waited for, not timed).
 */
async function expectAnswersAsBefore({ catchUp = false } = {}): Promise<void> {
  const t = await createTestApp({ dataDir: dir.path, reopen: demo, now: snapshotAt });
  try {
    if (catchUp) await lagGone(t);
    expectSameAnswers(await apiSnapshot(t, intents), before);
  } finally {
    await t.close();
  }
}

beforeAll(async () => {
  const t = await createTestApp({ dataDir: dir.path });
  demo = t.demo;
  intents = await buildVariedHistory(t, 48);
  snapshotAt = t.now;
  before = await apiSnapshot(t, intents);
  await t.close();
  // Every answer compared is a real one, not an error both sides would share (the replay of a
  // refund observed in Stripe is a 409: no policy decided it).
  expect([...before].filter(([, answer]) => !answer.startsWith('200 ') && !answer.startsWith('409 {"error":{"code":"not_decided"')).map(([url, answer]) => `${url}: ${answer.slice(0, 200)}`)).toEqual([]);
}, 600_000);

afterAll(() => {
  dir.remove();
});

describe('axiru db rebuild', () => {
  it('rebuilds every projection from the ledger, and every GET answers the same bytes', async () => {
    // Damage the projections so that only a real rebuild can give the same answers.
    sql(`UPDATE intents SET status = 'blocked'; DELETE FROM approvals; DELETE FROM shadow_decisions;
         DELETE FROM merkle_nodes WHERE level = 0; DELETE FROM list_values; UPDATE lists SET version = 1;`);
    const run = await axiru('db', 'rebuild', '--data', dir.path);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out[0]!) as { rebuilt: string[]; records: number; lag: Record<string, number> };
    expect(report.rebuilt).toEqual(['intents', 'merkle', 'lists']);
    expect(report.records).toBe(ledgerSize());
    expect(report.lag).toEqual({ intents: 0, merkle: 0, lists: 0 });
    await expectAnswersAsBefore();
  }, 600_000);

  it('rebuilds one projection with --projection, and refuses an unknown one by name', async () => {
    sql('DELETE FROM merkle_nodes; DELETE FROM merkle_sizes;');
    const run = await axiru('db', 'rebuild', '--data', dir.path, '--projection', 'merkle');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out[0]!)).toMatchObject({ rebuilt: ['merkle'], lag: { merkle: 0 } });
    const unknown = await axiru('db', 'rebuild', '--data', dir.path, '--projection', 'numbers');
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toContain('unknown projection "numbers"; known: intents, merkle, lists');
    await expectAnswersAsBefore();
  }, 600_000);

  it('a start completes projections left behind (cleared, never caught up)', async () => {
    sql(`DELETE FROM intents; DELETE FROM approvals; DELETE FROM shadow_decisions; DELETE FROM merkle_nodes;
         DELETE FROM merkle_sizes; DELETE FROM lists; DELETE FROM list_values; DELETE FROM list_versions; DELETE FROM projection_cursors;`);
    await expectAnswersAsBefore({ catchUp: true });
  }, 600_000);

  it('SIGKILL in the middle of a rebuild leaves projections that the next start completes, equal to a fresh rebuild', async () => {
    assertBuilt();
    const size = headSeq();
    let interruptedAt: number | null = null;
    // The kill must land between the first and the last record; a rebuild that finished first
    // (a fast moment of the machine) is simply run again.
    for (let attempt = 0; attempt < 20 && interruptedAt === null; attempt += 1) {
      const child = spawn(process.execPath, [AXIRU_BIN, 'db', 'rebuild', '--data', dir.path, '--batch', '1'], { stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let done = false;
      void exited.then(() => { done = true; });
      while (!done) {
        const applied = cursor();
        if (applied !== null && applied >= 3 && applied < size) {
          child.kill('SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await exited;
      const left = cursor();
      if (left !== null && left < size) interruptedAt = left;
    }
    expect(interruptedAt).not.toBeNull();
    await expectAnswersAsBefore({ catchUp: true });
  }, 600_000);
});
