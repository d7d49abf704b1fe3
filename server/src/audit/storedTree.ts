// Tree heads and proofs from the subtrees stored in merkle_nodes. The RFC 6962 functions take
// a synchronous NodeSource, so each answer runs twice: once with a recorder to learn which
// O(log n) nodes it needs, then over those nodes, fetched in one go.

import type { MerkleRepository, NodeCoordinate } from '../repositories/auditTypes.js';
import { consistencyProof, inclusionPath, subtreeHash, type NodeSource } from './merkle.js';

const PLACEHOLDER = Buffer.alloc(32);

async function withStoredNodes<T>(merkle: MerkleRepository, orgId: string, compute: (node: NodeSource) => T): Promise<T> {
  const wanted = new Map<string, NodeCoordinate>();
  compute((level, index) => {
    wanted.set(`${level}:${index}`, { level, index });
    return PLACEHOLDER;
  });
  const coordinates = [...wanted.values()];
  const hashes = await merkle.getNodes(orgId, coordinates);
  const found = new Map<string, Buffer>();
  coordinates.forEach((at, i) => {
    const hash = hashes[i];
    if (!hash) throw new Error(`the Merkle tree of ${orgId} lacks its node at level ${at.level}, index ${at.index}`);
    found.set(`${at.level}:${at.index}`, hash);
  });
  return compute((level, index) => found.get(`${level}:${index}`)!);
}

export function storedRoot(merkle: MerkleRepository, orgId: string, size: number): Promise<Buffer> {
  return withStoredNodes(merkle, orgId, (node) => subtreeHash(node, 0, size));
}

export function storedInclusionPath(merkle: MerkleRepository, orgId: string, index: number, size: number): Promise<Buffer[]> {
  return withStoredNodes(merkle, orgId, (node) => inclusionPath(node, index, size));
}

export function storedConsistencyProof(merkle: MerkleRepository, orgId: string, first: number, second: number): Promise<Buffer[]> {
  return withStoredNodes(merkle, orgId, (node) => consistencyProof(node, first, second));
}
