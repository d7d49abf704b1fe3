import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MerkleFrontier } from '../../src/audit/MerkleFrontier.js';
import {
  consistencyProof, EMPTY_ROOT, hashLeaf, inclusionPath, memoryNodes, rootOf, verifyConsistency, verifyInclusion,
} from '../../src/audit/merkle.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

// The Certificate Transparency reference leaves; the expected values below are the published
// RFC 6962 test vectors (tree heads for sizes 0..8, audit paths, consistency proofs).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION = [
  { index: 0, size: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CT_CONSISTENCY = [
  { first: 1, second: 1, proof: [] as string[] },
  { first: 1, second: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { first: 6, second: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { first: 2, second: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

const leafHashes = CT_LEAVES.map((leaf) => hashLeaf(leaf));
const ctNodes = memoryNodes(leafHashes);

describe('RFC 6962 test vectors', () => {
  it('tree heads for every size 0..8, from whole trees and from the incremental frontier', () => {
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    const frontier = new MerkleFrontier();
    expect(hex(frontier.root())).toBe(CT_ROOTS[0]);
    for (let n = 1; n <= 8; n += 1) {
      expect(hex(rootOf(leafHashes.slice(0, n)))).toBe(CT_ROOTS[n]);
      frontier.appendLeaf(CT_LEAVES[n - 1]!);
      expect(hex(frontier.root())).toBe(CT_ROOTS[n]);
    }
  });

  it('audit paths match and verify', () => {
    for (const vector of CT_INCLUSION) {
      const path = inclusionPath(ctNodes, vector.index, vector.size);
      expect(path.map(hex)).toEqual(vector.path);
      expect(verifyInclusion(leafHashes[vector.index]!, vector.index, vector.size, path, unhex(CT_ROOTS[vector.size]!))).toBe(true);
    }
  });

  it('consistency proofs match and verify', () => {
    for (const vector of CT_CONSISTENCY) {
      const proof = consistencyProof(ctNodes, vector.first, vector.second);
      expect(proof.map(hex)).toEqual(vector.proof);
      expect(verifyConsistency(vector.first, vector.second, unhex(CT_ROOTS[vector.first]!), unhex(CT_ROOTS[vector.second]!), proof)).toBe(true);
    }
  });

  it('rejects proofs against the wrong size, index or root', () => {
    const path = inclusionPath(ctNodes, 5, 8);
    const root = unhex(CT_ROOTS[8]!);
    expect(verifyInclusion(leafHashes[5]!, 4, 8, path, root)).toBe(false);
    expect(verifyInclusion(leafHashes[5]!, 5, 9, path, root)).toBe(false);
    expect(verifyInclusion(leafHashes[5]!, 8, 8, path, root)).toBe(false);
    expect(verifyInclusion(leafHashes[5]!, 5, 8, path, unhex(CT_ROOTS[7]!))).toBe(false);
    expect(verifyInclusion(leafHashes[4]!, 5, 8, path, root)).toBe(false);
    const proof = consistencyProof(ctNodes, 6, 8);
    expect(verifyConsistency(6, 8, unhex(CT_ROOTS[5]!), root, proof)).toBe(false);
    expect(verifyConsistency(5, 8, unhex(CT_ROOTS[6]!), root, proof)).toBe(false);
    expect(verifyConsistency(6, 8, unhex(CT_ROOTS[6]!), unhex(CT_ROOTS[7]!), proof)).toBe(false);
    expect(verifyConsistency(6, 8, unhex(CT_ROOTS[6]!), root, [])).toBe(false);
    expect(verifyConsistency(8, 6, root, unhex(CT_ROOTS[6]!), proof)).toBe(false);
  });
});

// Trees of every size up to 64 over distinct leaves.
const LEAVES = Array.from({ length: 64 }, (_, i) => hashLeaf(Buffer.from(`record ${i}`)));
const NODES = memoryNodes(LEAVES);
const ROOTS = Array.from({ length: 65 }, (_, n) => rootOf(LEAVES.slice(0, n)));

function flipBit(hashes: readonly Buffer[], bit: number): Buffer[] {
  const copy = hashes.map((h) => Buffer.from(h));
  const which = Math.floor(bit / 256) % copy.length;
  copy[which]![Math.floor((bit % 256) / 8)]! ^= 1 << (bit % 8);
  return copy;
}

describe('every proof of every (m, n) up to 64', () => {
  it('every inclusion proof verifies, and the frontier agrees with the whole tree', () => {
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= 64; n += 1) {
      frontier.appendLeafHash(LEAVES[n - 1]!);
      expect(frontier.root().equals(ROOTS[n]!)).toBe(true);
      for (let m = 0; m < n; m += 1) {
        expect(verifyInclusion(LEAVES[m]!, m, n, inclusionPath(NODES, m, n), ROOTS[n]!)).toBe(true);
      }
    }
  });

  it('every consistency proof verifies', () => {
    for (let n = 0; n <= 64; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        expect(verifyConsistency(m, n, ROOTS[m]!, ROOTS[n]!, consistencyProof(NODES, m, n)), `${m} -> ${n}`).toBe(true);
      }
    }
  });

  it('any single-bit change of an inclusion proof, its leaf or its root is rejected', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 64 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.nat(), fc.constantFrom('path', 'leaf', 'root'))),
      ([n, m, bit, where]) => {
        const path = inclusionPath(NODES, m, n);
        if (where === 'path') return !verifyInclusion(LEAVES[m]!, m, n, flipBit(path, bit), ROOTS[n]!);
        if (where === 'leaf') return !verifyInclusion(flipBit([LEAVES[m]!], bit)[0]!, m, n, path, ROOTS[n]!);
        return !verifyInclusion(LEAVES[m]!, m, n, path, flipBit([ROOTS[n]!], bit)[0]!);
      },
    ), { numRuns: 2000 });
  });

  it('any single-bit change of a consistency proof or either root is rejected', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 64 }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n), fc.nat(), fc.constantFrom('proof', 'first', 'second'))),
      ([m, n, bit, where]) => {
        const proof = consistencyProof(NODES, m, n);
        if (where === 'proof') return !verifyConsistency(m, n, ROOTS[m]!, ROOTS[n]!, flipBit(proof, bit));
        if (where === 'first') return !verifyConsistency(m, n, flipBit([ROOTS[m]!], bit)[0]!, ROOTS[n]!, proof);
        return !verifyConsistency(m, n, ROOTS[m]!, flipBit([ROOTS[n]!], bit)[0]!, proof);
      },
    ), { numRuns: 2000 });
  });

  it('a proof for one size does not verify for another, and truncated or extended proofs fail', () => {
    for (let n = 2; n <= 64; n += 1) {
      for (let m = 0; m < n; m += 1) {
        const path = inclusionPath(NODES, m, n);
        expect(verifyInclusion(LEAVES[m]!, m, n, path.slice(0, -1), ROOTS[n]!)).toBe(false);
        expect(verifyInclusion(LEAVES[m]!, m, n, [...path, Buffer.alloc(32)], ROOTS[n]!)).toBe(false);
        if (m + 1 < n) expect(verifyInclusion(LEAVES[m]!, m + 1, n, path, ROOTS[n]!)).toBe(false);
        if (m > 0) {
          const proof = consistencyProof(NODES, m, n);
          expect(verifyConsistency(m, n, ROOTS[m]!, ROOTS[n]!, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(m, n, ROOTS[m]!, ROOTS[n]!, [...proof, Buffer.alloc(32)])).toBe(false);
        }
      }
    }
  });
});

describe('MerkleFrontier', () => {
  it('reports every completed subtree with its coordinates, and reloads from them', () => {
    const frontier = new MerkleFrontier();
    const stored = new Map<string, Buffer>();
    for (let i = 0; i < 37; i += 1) {
      for (const node of frontier.appendLeafHash(LEAVES[i]!)) stored.set(`${node.level}:${node.index}`, node.hash);
    }
    for (const [key, hash] of stored) {
      const [level, index] = key.split(':').map(Number) as [number, number];
      expect(hash.equals(NODES(level, index))).toBe(true);
    }
    const coordinates = MerkleFrontier.coordinates(37);
    expect(coordinates).toEqual([{ level: 5, index: 0 }, { level: 2, index: 8 }, { level: 0, index: 36 }]);
    const reloaded = new MerkleFrontier(37, coordinates.map((at) => ({ ...at, hash: stored.get(`${at.level}:${at.index}`)! })));
    expect(reloaded.root().equals(ROOTS[37]!)).toBe(true);
    reloaded.appendLeafHash(LEAVES[37]!);
    expect(reloaded.root().equals(ROOTS[38]!)).toBe(true);
  });
});
