import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlignedSubtrees } from '../../src/audit/AlignedSubtrees.js';
import { hashLeaf, memoryNodes } from '../../src/audit/merkle.js';
import { MerkleFrontier } from '../../src/audit/MerkleFrontier.js';

// A run's aligned subtrees, pushed into a tree that ends where the run starts, must leave that
// tree exactly as the run's leaves pushed one by one would.

/** What AlignedSubtrees holds after the run, as (level, hash) pairs left to right. */
function subtreesOf(first: number, values: readonly Buffer[]): { level: number; hash: Buffer }[] {
  const run = new AlignedSubtrees();
  values.forEach((value, i) => run.pushLeafOf(first + i, value, 0));
  const hashes = new Uint8Array(32 * run.count);
  run.copyHashes(hashes, 0);
  return Array.from({ length: run.count }, (_, i) => ({ level: run.level(i), hash: Buffer.from(hashes.subarray(32 * i, 32 * i + 32)) }));
}

describe('AlignedSubtrees', () => {
  it('cuts a run into the largest aligned subtrees, each hashing as the whole tree\'s node there', () => {
    fc.assert(fc.property(fc.nat(300), fc.integer({ min: 1, max: 200 }), (first, count) => {
      const values = Array.from({ length: first + count }, () => randomBytes(32));
      const nodes = memoryNodes(values.map((value) => hashLeaf(value)));
      let start = first;
      for (const { level, hash } of subtreesOf(first, values.slice(first))) {
        const width = 2 ** level;
        expect(start % width).toBe(0);
        expect(hash.equals(nodes(level, start / width))).toBe(true);
        // Largest possible: the subtree's parent reaches outside the run.
        const parentStart = Math.floor(start / (2 * width)) * 2 * width;
        expect(parentStart < first || parentStart + 2 * width > first + count).toBe(true);
        start += width;
      }
      expect(start).toBe(first + count);
    }), { numRuns: 300 });
  });

  it('pushed as subtrees, gives the frontier of the same leaves pushed one by one, at any size', () => {
    fc.assert(fc.property(fc.oneof(fc.nat(5000), fc.integer({ min: 2 ** 30, max: 2 ** 52 })), fc.integer({ min: 1, max: 130 }), (first, count) => {
      // A tree of `first` leaves, stood in for by random subtree hashes at its frontier's places.
      const nodes = MerkleFrontier.coordinates(first).map((place) => ({ ...place, hash: randomBytes(32) }));
      const oneByOne = new MerkleFrontier(first, nodes);
      const bySubtrees = new MerkleFrontier(first, nodes);
      const values = Array.from({ length: count }, () => randomBytes(32));
      for (const value of values) oneByOne.pushLeafHash(hashLeaf(value));
      for (const { level, hash } of subtreesOf(first, values)) bySubtrees.pushSubtree(level, hash);
      expect(bySubtrees.size).toBe(first + count);
      expect(bySubtrees.root().equals(oneByOne.root())).toBe(true);
    }), { numRuns: 300 });
  });
});

describe('MerkleFrontier.pushSubtree', () => {
  it('refuses a subtree that is not aligned where the tree ends', () => {
    const tree = new MerkleFrontier();
    tree.pushSubtree(1, randomBytes(32));
    expect(() => tree.pushSubtree(2, randomBytes(32))).toThrow(RangeError);
    tree.pushSubtree(1, randomBytes(32));
    tree.pushSubtree(2, randomBytes(32));
    expect(tree.size).toBe(8);
    expect(() => tree.pushSubtree(-1, randomBytes(32))).toThrow(RangeError);
  });
});
