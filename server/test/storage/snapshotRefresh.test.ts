import { afterEach, describe, expect, it } from 'vitest';
import { DurableCommits } from '../../src/storage/sqlite/DurableCommits.js';
import { openSqlite } from '../../src/storage/sqlite/openSqlite.js';
import { memoizeReads, SnapshotMemo } from '../../src/storage/sqlite/SnapshotMemo.js';
import { tempDir } from '../support/testApp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('DurableCommits.refresh', () => {
  function setup() {
    const dir = tempDir();
    const file = `${dir.path}/db.sqlite`;
    const writer = openSqlite(file, { synchronous: 'NORMAL' });
    writer.exec('CREATE TABLE t (x INTEGER)');
    const reader = openSqlite(file, { readOnly: true });
    // Another process's connection (the CLI), committing on its own.
    const other = openSqlite(file);
    let moves = 0;
    const durable = new DurableCommits(`${file}-wal`, reader, 60_000, () => { moves += 1; });
    cleanups.push(dir.remove, () => writer.close(), () => other.close(), () => reader.close(), () => durable.close());
    const count = reader.prepare('SELECT COUNT(*) FROM t').pluck();
    return { durable, writer, other, count, moves: () => moves };
  }

  it('moves the snapshot only when something was committed since the last move', () => {
    const { durable, other, count, moves } = setup();
    const start = moves();
    durable.refresh();
    durable.refresh();
    expect(moves()).toBe(start);
    expect(count.get()).toBe(0);

    other.exec('INSERT INTO t VALUES (1)');
    // Pinned: the other connection's row is not visible until the snapshot moves.
    expect(count.get()).toBe(0);
    durable.refresh();
    expect(moves()).toBe(start + 1);
    expect(count.get()).toBe(1);
    durable.refresh();
    expect(moves()).toBe(start + 1);
  });

  it('sees every one of many commits, however close together', () => {
    const { durable, other, count } = setup();
    for (let i = 1; i <= 200; i += 1) {
      other.exec('INSERT INTO t VALUES (1)');
      durable.refresh();
      expect(count.get()).toBe(i);
    }
  });

  it('sees a commit written over the start of a restarted WAL', () => {
    const { durable, writer, other, count } = setup();
    for (let i = 0; i < 20; i += 1) other.exec('INSERT INTO t VALUES (1)');
    durable.refresh();
    expect(count.get()).toBe(20);
    // The reader is at the latest commit, so a checkpoint copies every frame; then the next
    // commit starts the WAL over: its frames overwrite the first ones, at the same file size.
    const [before] = writer.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(before!.checkpointed).toBe(before!.log);
    // The completed checkpoint moves the reader off the WAL, which lets the writer restart it.
    durable.refresh();
    other.exec('INSERT INTO t VALUES (2)');
    const [after] = writer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(after!.log).toBeLessThan(before!.log);
    durable.refresh();
    expect(count.get()).toBe(21);
  });
});

describe('SnapshotMemo', () => {
  it('asks once per key until cleared, and keeps no failure', async () => {
    const memo = new SnapshotMemo();
    let asked = 0;
    const load = async () => {
      asked += 1;
      return { asked };
    };
    const first = await memo.get('a', load);
    expect(await memo.get('a', load)).toBe(first);
    expect(asked).toBe(1);
    await memo.get('b', load);
    expect(asked).toBe(2);
    memo.clear();
    expect(await memo.get('a', load)).toEqual({ asked: 3 });

    let fail = true;
    const flaky = async () => {
      if (fail) throw new Error('busy');
      return 'ok';
    };
    await expect(memo.get('c', flaky)).rejects.toThrow('busy');
    fail = false;
    expect(await memo.get('c', flaky)).toBe('ok');
  });

  it('memoizes only the named methods, keyed by their arguments', async () => {
    class Repo {
      calls = 0;
      constructor(private readonly prefix: string) {}
      async find(id: string): Promise<string> {
        this.calls += 1;
        return `${this.prefix}${id}`;
      }
      async other(id: string): Promise<string> {
        this.calls += 1;
        return id;
      }
    }
    const repo = new Repo('row:');
    const memo = new SnapshotMemo();
    const memoized = memoizeReads(repo, memo, ['find']);
    expect(await memoized.find('1')).toBe('row:1');
    expect(await memoized.find('1')).toBe('row:1');
    expect(await memoized.find('2')).toBe('row:2');
    expect(repo.calls).toBe(2);
    await memoized.other('x');
    await memoized.other('x');
    expect(repo.calls).toBe(4);
    memo.clear();
    await memoized.find('1');
    expect(repo.calls).toBe(5);
  });
});
