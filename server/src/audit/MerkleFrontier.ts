import { EMPTY_ROOT, hashChildren, hashLeaf } from './merkle.js';

/** A complete, aligned subtree: leaves [index * 2^level, (index + 1) * 2^level). */
export interface MerkleNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/**
 * The right edge of a growing RFC 6962 tree: one complete subtree per set bit of the size,
 * largest first (at most log2(n) + 1 hashes). Appending a leaf merges equal-sized subtrees, so
 * it costs O(log n) hashes in the worst case and two amortized, and returns every subtree it
 * completed, which is what a store keeps to answer proofs later. A verifier may also append a
 * whole aligned subtree hashed elsewhere (pushSubtree).
 */
export class MerkleFrontier {
  private readonly stack: MerkleNode[];
  private count: number;

  constructor(size = 0, nodes: readonly MerkleNode[] = []) {
    this.count = size;
    this.stack = [...nodes];
  }

  /** The subtrees a frontier of `size` leaves consists of, largest first. */
  static coordinates(size: number): { level: number; index: number }[] {
    const out: { level: number; index: number }[] = [];
    let start = 0;
    for (let level = 52; level >= 0; level -= 1) {
      const width = 2 ** level;
      if (Math.floor(size / width) % 2 === 1) {
        out.push({ level, index: start / width });
        start += width;
      }
    }
    return out;
  }

  get size(): number {
    return this.count;
  }

  /** Appends a leaf by its bytes; returns the leaf node and every subtree it completed. */
  appendLeaf(leaf: Uint8Array | string): MerkleNode[] {
    return this.appendLeafHash(hashLeaf(leaf));
  }

  appendLeafHash(leafHash: Buffer): MerkleNode[] {
    const index = this.count;
    let node: MerkleNode = { level: 0, index, hash: leafHash };
    const completed: MerkleNode[] = [node];
    let top = this.stack[this.stack.length - 1];
    while (top && top.level === node.level) {
      this.stack.pop();
      node = { level: node.level + 1, index: top.index / 2, hash: hashChildren(top.hash, node.hash) };
      completed.push(node);
      top = this.stack[this.stack.length - 1];
    }
    this.stack.push(node);
    this.count += 1;
    return completed;
  }

  /** appendLeafHash for a caller that does not keep the completed subtrees (a verifier). */
  pushLeafHash(leafHash: Buffer): void {
    this.pushSubtree(0, leafHash);
  }

  /**
   * Appends 2^level leaves at once by the hash of the complete subtree they form, which must
   * be aligned where the tree ends now (its size a multiple of 2^level). The frontier's
   * subtrees are then all at least that large, so merging is the same carry as for one leaf,
   * and the result is exactly the frontier those leaves pushed one by one would leave.
   */
  pushSubtree(level: number, subtreeHash: Buffer): void {
    const width = 2 ** level;
    if (!(Number.isInteger(level) && level >= 0 && this.count % width === 0)) {
      throw new RangeError(`a subtree of 2^${level} leaves is not aligned at size ${this.count}`);
    }
    let hash = subtreeHash;
    let top = this.stack[this.stack.length - 1];
    while (top && top.level === level) {
      this.stack.pop();
      hash = hashChildren(top.hash, hash);
      level += 1;
      top = this.stack[this.stack.length - 1];
    }
    this.count += width;
    this.stack.push({ level, index: this.count / 2 ** level - 1, hash });
  }

  /** MTH of the leaves so far. */
  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1) acc = hashChildren(this.stack[i]!.hash, acc);
    return acc;
  }
}
