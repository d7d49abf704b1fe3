import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointResult } from '../../src/storage/sqlite/Checkpointer.js';
import { loadMigrations, migrate } from '../../src/storage/sqlite/migrate.js';
import { SqliteDatabase } from '../../src/storage/sqlite/SqliteDatabase.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { assertBuilt } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SqliteDatabase', () => {
  it('opens in WAL mode, the writer fsynced by the store, and no automatic checkpoints', async () => {
    const dir = tempDir();
    const db = new SqliteDatabase({ dataDir: dir.path, checkpointIntervalMs: 0 });
    cleanups.push(dir.remove, () => db.close());
    for (const connection of [db.writer, db.reader]) {
      expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    }
    // NORMAL: the WAL fsync after each commit is DurableCommits' (see the test below).
    expect(db.writer.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.reader.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.reader.pragma('query_only', { simple: true })).toBe(1);
  });

  it('answers a transaction, and shows its writes to readers, only after the WAL fsync', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
    cleanups.push(dir.remove, () => store.close());
    const demo = await bootstrap(store);
    const orgId = demo.orgId!;
    const before = (await store.ledger.head(orgId))!.seq;
    let answered = false;
    const moved = store.transaction(async (tx) => {
      await tx.ledger.setHead(orgId, { seq: before + 1, hash: 'f'.repeat(64) });
    }).then(() => {
      answered = true;
    });
    // Microtasks only: the COMMIT happens, but the fsync's callback needs a turn of the event
    // loop, so until then the change is committed on the writer and invisible to readers.
    const writerHead = store.db.writer.prepare('SELECT seq FROM chain_heads WHERE org_id = ?').pluck();
    const committed = () => !store.db.writer.inTransaction && writerHead.get(orgId) === before + 1;
    for (let turn = 0; turn < 100 && !committed(); turn += 1) await Promise.resolve();
    expect(store.db.writer.inTransaction).toBe(false);
    expect(writerHead.get(orgId)).toBe(before + 1);
    expect(await store.ledger.head(orgId)).toMatchObject({ seq: before });
    expect(answered).toBe(false);
    await moved;
    expect(await store.ledger.head(orgId)).toMatchObject({ seq: before + 1 });
  });

  it('applies numbered migrations once', async () => {
    const dir = tempDir();
    const first = new SqliteDatabase({ dataDir: dir.path, checkpointIntervalMs: 0 });
    expect(first.migrated).toEqual(loadMigrations().map((migration) => migration.version));
    expect(migrate(first.writer)).toEqual([]);
    await first.close();
    const second = new SqliteDatabase({ dataDir: dir.path, checkpointIntervalMs: 0 });
    cleanups.push(dir.remove, () => second.close());
    expect(second.migrated).toEqual([]);
    const triggers = second.reader.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
    expect(triggers).toEqual(expect.arrayContaining(['ledger_refuses_delete', 'ledger_refuses_update']));
  });

  it('checkpoints the WAL in the background once the writer is idle', async () => {
    const dir = tempDir();
    let seen: (result: CheckpointResult) => void = () => undefined;
    const idleCheckpoint = new Promise<CheckpointResult>((resolve) => {
      seen = (result) => {
        if (result.reason === 'idle' && result.log > 0 && result.checkpointed === result.log) resolve(result);
      };
    });
    const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 10, checkpointEvents: { onCheckpoint: (r) => seen(r) } });
    cleanups.push(dir.remove, () => store.close());
    await bootstrap(store);
    const result = await idleCheckpoint;
    expect(result.busy).toBe(0);
    expect(store.db.checkpoints['idle']).toBeGreaterThan(0);
  });

  it('lets a process with nothing else to do close the database and exit normally', () => {
    assertBuilt();
    const dir = tempDir();
    cleanups.push(dir.remove);
    // Closing waits for the checkpoint thread to end; with no other handle left, the process
    // must stay up for that wait instead of ending with it unsettled (exit code 13).
    const script = `
      const { SqliteDatabase } = await import(${JSON.stringify(pathToFileURL(`${REPO}server/dist/storage/sqlite/SqliteDatabase.js`).href)});
      const db = new SqliteDatabase({ dataDir: ${JSON.stringify(dir.path)}, checkpointIntervalMs: 1000 });
      db.writer.exec('CREATE TABLE t (x)');
      await db.close();
      console.log('closed');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('closed');
    expect(run.status).toBe(0);
  });

  it('serializes transactions and rolls back a failed one completely', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
    cleanups.push(dir.remove, () => store.close());
    const demo = await bootstrap(store);
    const before = await store.ledger.size();
    await expect(store.transaction(async (tx) => {
      await tx.ledger.setHead(demo.orgId!, { seq: 999, hash: 'x' });
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await store.ledger.head(demo.orgId!)).toMatchObject({ seq: before });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => store.transaction(async () => {
      order.push(n);
      await Promise.resolve();
      order.push(n);
    })));
    expect(order).toEqual([1, 1, 2, 2, 3, 3]);
  });
});
