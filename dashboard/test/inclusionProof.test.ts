import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashLeaf, inclusionPath, memoryNodes, rootOf } from '../../server/src/audit/merkle.js';
import { verifyInclusion } from '../src/inclusionProof.js';

// The dashboard's own check of inclusion proofs (WebCrypto, in the browser) against the
// server's RFC 6962 tree: every proof the server can give verifies, and no altered one does.
const recordHashes = Array.from({ length: 24 }, (_, i) => createHash('sha256').update(`record ${i}`).digest('hex'));
const leaves = recordHashes.map((hash) => hashLeaf(Buffer.from(hash, 'hex')));

describe('verifyInclusion (dashboard)', () => {
  it('accepts every inclusion proof of every record in every tree size up to 24', async () => {
    for (let size = 1; size <= leaves.length; size++) {
      const nodes = memoryNodes(leaves.slice(0, size));
      const root = rootOf(leaves.slice(0, size)).toString('hex');
      for (let index = 0; index < size; index++) {
        const path = inclusionPath(nodes, index, size).map((node) => node.toString('hex'));
        expect(await verifyInclusion(recordHashes[index]!, index, size, path, root), `${index} of ${size}`).toBe(true);
      }
    }
  });

  it('refuses another record, another position, a changed path, a short path, another root or a leaf past the end', async () => {
    const size = 13;
    const nodes = memoryNodes(leaves.slice(0, size));
    const root = rootOf(leaves.slice(0, size)).toString('hex');
    const index = 6;
    const path = inclusionPath(nodes, index, size).map((node) => node.toString('hex'));
    const flipped = (hex: string) => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;
    expect(await verifyInclusion(recordHashes[index]!, index, size, path, root)).toBe(true);
    expect(await verifyInclusion(recordHashes[index + 1]!, index, size, path, root)).toBe(false);
    expect(await verifyInclusion(recordHashes[index]!, index + 1, size, path, root)).toBe(false);
    for (let i = 0; i < path.length; i++) {
      const changed = path.map((node, j) => (j === i ? flipped(node) : node));
      expect(await verifyInclusion(recordHashes[index]!, index, size, changed, root)).toBe(false);
    }
    expect(await verifyInclusion(recordHashes[index]!, index, size, path.slice(0, -1), root)).toBe(false);
    expect(await verifyInclusion(recordHashes[index]!, index, size, path, flipped(root))).toBe(false);
    expect(await verifyInclusion(recordHashes[index]!, size, size, path, root)).toBe(false);
  });
});
