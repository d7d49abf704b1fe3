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

  describe('fair share between keys', () => {
    type Item = { org: string; n: number };
    const byOrg = (item: Item) => item.org;

    it('composes a batch round-robin across keys, in arrival order within a key', async () => {
      const batches: string[][] = [];
      const committer = new GroupCommitter<Item, number>(async (items) => {
        batches.push(items.map((item) => `${item.org}${item.n}`));
        return items.map((item) => item.n);
      }, { maxBatch: 4 }, byOrg);
      const submitted = [
        ...Array.from({ length: 6 }, (_, n) => ({ org: 'a', n })),
        { org: 'b', n: 0 }, { org: 'b', n: 1 }, { org: 'c', n: 0 },
      ].map((item) => committer.submit(item));
      await Promise.all(submitted);
      expect(batches).toEqual([['a0', 'b0', 'c0', 'a1'], ['b1', 'a2', 'a3', 'a4'], ['a5']]);
    });

    it('caps one key per batch with maxPerKey', async () => {
      const batches: string[][] = [];
      const committer = new GroupCommitter<Item, number>(async (items) => {
        batches.push(items.map((item) => `${item.org}${item.n}`));
        return items.map((item) => item.n);
      }, { maxBatch: 10, maxPerKey: 2 }, byOrg);
      await Promise.all([
        ...Array.from({ length: 5 }, (_, n) => ({ org: 'a', n })), { org: 'b', n: 0 },
      ].map((item) => committer.submit(item)));
      expect(batches).toEqual([['a0', 'b0', 'a1'], ['a2', 'a3'], ['a4']]);
    });

    it("seals a quiet key's request in the first or second batch after it arrives, however deep another key's backlog", async () => {
      // A flood: 10,000 of org a queued and more arriving with every batch (maxInFlight 2,
      // as DecisionService runs it); org b sends one request now and then.
      const batches: Item[][] = [];
      const committer = new GroupCommitter<Item, number>(async (items) => {
        batches.push([...items]);
        await new Promise((resolve) => setImmediate(resolve));
        return items.map((item) => item.n);
      }, { maxBatch: 64, maxPerKey: 16, maxInFlight: 2 }, byOrg);
      let flooded = 0;
      const flood: Promise<number>[] = [];
      const floodMore = (count: number) => {
        for (let i = 0; i < count; i += 1) flood.push(committer.submit({ org: 'a', n: flooded++ }));
      };
      floodMore(10_000);
      const quiet: Array<{ arrivedAfterBatches: number; sealedInBatch: number }> = [];
      for (let n = 0; n < 20; n += 1) {
        // Let a few batches commit, then b arrives behind a backlog refilled to thousands.
        for (let tick = 0; tick < 3; tick += 1) await new Promise((resolve) => setImmediate(resolve));
        floodMore(500);
        const arrivedAfterBatches = batches.length;
        await committer.submit({ org: 'b', n });
        const sealedInBatch = batches.findIndex((batch) => batch.some((item) => item.org === 'b' && item.n === n));
        quiet.push({ arrivedAfterBatches, sealedInBatch });
        expect(committer.pending).toBeGreaterThan(1000);
      }
      for (const { arrivedAfterBatches, sealedInBatch } of quiet) {
        // Batches with index >= arrivedAfterBatches were composed after b arrived; one more may
        // have been composed before and still be committing.
        expect(sealedInBatch - arrivedAfterBatches).toBeLessThanOrEqual(1);
      }
      expect(Math.max(...batches.map((batch) => batch.filter((item) => item.org === 'a').length))).toBe(16);
      // The flood itself is sealed completely, in its own order.
      expect(await Promise.all(flood)).toEqual(Array.from({ length: flooded }, (_, n) => n));
      const order = batches.flat().filter((item) => item.org === 'a').map((item) => item.n);
      expect(order).toEqual(Array.from({ length: flooded }, (_, n) => n));
    });

    it('serves the backlog FIFO, as before, when every item has the same key', async () => {
      const batches: number[][] = [];
      const committer = new GroupCommitter<number, number>(async (items) => {
        batches.push([...items]);
        return [...items];
      }, { maxBatch: 3 });
      await Promise.all(Array.from({ length: 7 }, (_, i) => committer.submit(i)));
      expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    });
  });
});
