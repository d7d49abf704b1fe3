import { describe, expect, it, vi } from 'vitest';
import { defaultCommitDelay, GroupCommitter } from '../../src/services/GroupCommitter.js';

describe('GroupCommitter', () => {
  it('commits everything submitted in one tick as one batch', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push([...items]);
      return items.map((item) => item * 2);
    }, { maxBatch: 100 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => committer.submit(item)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('bounds a batch and keeps arrival order', async () => {
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push([...items]);
      return [...items];
    }, { maxBatch: 3 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => committer.submit(i)));
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7]]);
  });

  it('groups requests that arrive while a batch commits into the next one', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await gate;
      return [...items];
    }, { maxBatch: 100 });
    const first = committer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((item) => committer.submit(item));
    expect(committer.pending).toBe(4);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every member of a failed batch, then carries on', async () => {
    let calls = 0;
    const failures: boolean[] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
      return [...items];
    }, { maxBatch: 10, onBatch: (_size, _seconds, failed) => failures.push(failed) });
    const failed = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await committer.submit(3)).toBe(3);
    expect(failures).toEqual([true, false]);
  });

  it('waits a commit delay for stragglers when commits are slow', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const batches: number[][] = [];
      const committer = new GroupCommitter<number, number>(async (items) => {
        batches.push([...items]);
        return [...items];
      }, { maxBatch: 100, commitDelay: () => 5 });
      const first = committer.submit(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(batches).toEqual([]);
      const later = [committer.submit(2), committer.submit(3)];
      await vi.advanceTimersByTimeAsync(5);
      await Promise.all([first, ...later]);
      expect(batches).toEqual([[1, 2, 3]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('delays only after slow commits, by a tenth of the commit, at most 1 ms', () => {
    expect(defaultCommitDelay(0.3)).toBe(0);
    expect(defaultCommitDelay(4)).toBeCloseTo(0.4);
    expect(defaultCommitDelay(25)).toBe(1);
  });

  it('drains', async () => {
    const committer = new GroupCommitter<number, number>(async (items) => [...items], { maxBatch: 2 });
    const all = Promise.all([1, 2, 3].map((item) => committer.submit(item)));
    await committer.drain();
    expect(committer.pending).toBe(0);
    await all;
    await committer.drain();
  });

  it('starts the next batch while one still commits when maxInFlight is 2, never a third', async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push([...items]);
      await new Promise<void>((resolve) => gates.push(resolve));
      return [...items];
    }, { maxBatch: 100, maxInFlight: 2 });
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const first = committer.submit(1);
    await tick();
    const second = [2, 3].map((item) => committer.submit(item));
    await tick();
    const third = [4, 5].map((item) => committer.submit(item));
    await tick();
    // Two batches are committing; the third waits for one of them to settle.
    expect(batches).toEqual([[1], [2, 3]]);
    gates[0]!();
    await first;
    await tick();
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
    gates[1]!();
    gates[2]!();
    expect(await Promise.all([...second, ...third])).toEqual([2, 3, 4, 5]);
  });
});
