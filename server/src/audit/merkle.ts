// RFC 6962 §2.1 Merkle tree hashing, audit paths and consistency proofs, and the RFC 9162
// §2.1.3.2 / §2.1.4.2 verification algorithms. Pure: no storage, no clock. Proof generation
// works on any source of subtree hashes, so the same code serves a tree held in memory (tests,
// the offline verifier) and one whose complete subtrees are stored in the database.

import { createHash } from 'node:crypto';
import { sha256 } from '../sha256.js';

// Hashing is synchronous, so one scratch buffer per input shape serves every call; the
// common inputs (a 32-byte record hash, two 32-byte children) then cost no allocation.
const LEAF_SCRATCH = Buffer.alloc(33);
const NODE_SCRATCH = Buffer.alloc(65);
NODE_SCRATCH[0] = 0x01;

/** SHA-256(0x00 || leaf bytes). */
export function hashLeaf(leaf: Uint8Array | string): Buffer {
  if (typeof leaf !== 'string' && leaf.length === 32) {
    LEAF_SCRATCH.set(leaf, 1);
    return sha256(LEAF_SCRATCH);
  }
  return createHash('sha256').update(LEAF_SCRATCH.subarray(0, 1)).update(leaf).digest();
}

/** SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === 32 && right.length === 32) {
    NODE_SCRATCH.set(left, 1);
    NODE_SCRATCH.set(right, 33);
    return sha256(NODE_SCRATCH);
  }
  return createHash('sha256').update(NODE_SCRATCH.subarray(0, 1)).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** The largest power of two smaller than n (n >= 2): the split point of RFC 6962's MTH. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * The hash of a complete, aligned subtree: `level` 0 is a leaf, and the subtree covers leaves
 * [index * 2^level, (index + 1) * 2^level). Every subtree MTH needs decomposes into these.
 */
export type NodeSource = (level: number, index: number) => Buffer;

/** MTH(D[start:end]) where the range is one of those RFC 6962's recursion produces. */
export function subtreeHash(node: NodeSource, start: number, end: number): Buffer {
  const size = end - start;
  if (size === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(size) && start % size === 0) return node(Math.log2(size), start / size);
  const k = splitPoint(size);
  return hashChildren(subtreeHash(node, start, start + k), subtreeHash(node, start + k, end));
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1, leaf first. */
export function inclusionPath(node: NodeSource, index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Buffer[] = [];
  collectPath(node, index, 0, size, path);
  return path;
}

function collectPath(node: NodeSource, index: number, start: number, end: number, out: Buffer[]): void {
  const size = end - start;
  if (size <= 1) return;
  const k = splitPoint(size);
  if (index < start + k) {
    collectPath(node, index, start, start + k, out);
    out.push(subtreeHash(node, start + k, end));
  } else {
    collectPath(node, index, start + k, end, out);
    out.push(subtreeHash(node, start, start + k));
  }
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2; empty when m is 0 or m == n. */
export function consistencyProof(node: NodeSource, first: number, second: number): Buffer[] {
  if (!(first >= 0 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  const proof: Buffer[] = [];
  if (first === 0 || first === second) return proof;
  collectSubproof(node, first, 0, second, true, proof);
  return proof;
}

function collectSubproof(node: NodeSource, m: number, start: number, end: number, whole: boolean, out: Buffer[]): void {
  const n = end - start;
  if (m === n) {
    if (!whole) out.push(subtreeHash(node, start, end));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    collectSubproof(node, m, start, start + k, whole, out);
    out.push(subtreeHash(node, start + k, end));
  } else {
    collectSubproof(node, m - k, start + k, end, false, out);
    out.push(subtreeHash(node, start, start + k));
  }
}

/** RFC 9162 §2.1.3.2: does `path` prove that `leafHash` is leaf `index` of the tree with `root`? */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `second` entries extends the one of `first`? */
export function verifyConsistency(
  first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  // Every tree is consistent with the empty one, which has nothing to prove.
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path: Uint8Array[] = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (let i = 1; i < path.length; i += 1) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(fr).equals(firstRoot) && Buffer.from(sr).equals(secondRoot);
}

/** A NodeSource over leaf hashes held in memory (tests and small trees). */
export function memoryNodes(leaves: readonly Buffer[]): NodeSource {
  const levels: Buffer[][] = [leaves.slice()];
  return (level, index) => {
    while (levels.length <= level) {
      const below = levels[levels.length - 1]!;
      const next: Buffer[] = [];
      for (let i = 0; i + 1 < below.length; i += 2) next.push(hashChildren(below[i]!, below[i + 1]!));
      levels.push(next);
    }
    const hash = levels[level]![index];
    if (!hash) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return hash;
  };
}

/** MTH(D[n]) of leaf hashes. */
export function rootOf(leaves: readonly Buffer[]): Buffer {
  return subtreeHash(memoryNodes(leaves), 0, leaves.length);
}
