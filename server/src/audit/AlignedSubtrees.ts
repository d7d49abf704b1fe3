// The complete, aligned subtrees (RFC 6962 §2.1) that a run of consecutive leaves
// [first, first + count) covers, hashed from the leaves up: the largest aligned blocks the run
// can be cut into, left to right (smaller ones at both ends). A tree that already holds
// exactly `first` leaves takes them in that order as if the leaves came one by one (see
// MerkleFrontier.pushSubtree), so whoever checked the run can do this hashing, not the tree.

import { sha256Into } from '../sha256.js';
import { sha256Leaf } from './sha256Short.js';

/** Enough for any run of safe-integer indexes: at most two subtrees per level, levels 0…52, and
 *  the one being pushed. */
const CAPACITY = 2 * 54;
/** 0x01 || left || right: an interior node's input (RFC 6962 §2.1). */
const NODE_INPUT = new Uint8Array(65);
NODE_INPUT[0] = 0x01;

export class AlignedSubtrees {
  private readonly levels = new Uint8Array(CAPACITY);
  private readonly indexes = new Float64Array(CAPACITY);
  private readonly hashes = new Uint8Array(CAPACITY * 32);
  private depth = 0;

  /** Forgets every leaf: the next one starts a new run. */
  clear(): void {
    this.depth = 0;
  }

  get count(): number {
    return this.depth;
  }

  /**
   * Adds leaf `index` (the one after the last added): the RFC 6962 leaf of the 32-byte value
   * at value[at…at+32), as a record's leaf is of its hash. Two subtrees of one level merge
   * only when the left one is a left child (even index), so every subtree held stays aligned.
   */
  pushLeafOf(index: number, value: Uint8Array, at: number): void {
    let top = this.depth;
    this.levels[top] = 0;
    this.indexes[top] = index;
    sha256Leaf(value, at, this.hashes, top * 32);
    while (top > 0 && this.levels[top - 1] === this.levels[top] && this.indexes[top - 1]! % 2 === 0) {
      const left = top - 1;
      // The two children lie side by side, left then right. node:crypto hashes these 65 bytes
      // faster than sha256Short.ts would (two blocks); for a leaf (one block) it is the other way.
      NODE_INPUT.set(this.hashes.subarray(left * 32, left * 32 + 64), 1);
      sha256Into(NODE_INPUT, this.hashes, left * 32);
      this.levels[left] = this.levels[left]! + 1;
      this.indexes[left] = this.indexes[left]! / 2;
      top = left;
    }
    this.depth = top + 1;
  }

  /** The level of subtree `i` (0 = the leftmost). */
  level(i: number): number {
    return this.levels[i]!;
  }

  /** Copies the subtrees' hashes, left to right, to out[at…at+32·count). */
  copyHashes(out: Uint8Array, at: number): void {
    out.set(this.hashes.subarray(0, this.depth * 32), at);
  }
}
