// Offline verification of an exported audit bundle: nothing but the bundle's bytes and the
// public keys the auditor trusts. No database, no server code: this module imports only
// node:crypto, node:fs, the runtime's canonical JSON and the pure audit modules.
//
// One pass, in order: every record line must be canonical JSON, hash to its `hash` (SHA-256
// of the line without its "hash" member), carry the next seq and link to the previous hash;
// its leaf (SHA-256(0x00 || the 32 bytes of its hash)) extends the Merkle frontier; every
// checkpoint line must be signed by a trusted key and match the root recomputed from the
// records before it. Since all roots come from one record sequence, each checkpoint is
// consistent with the previous one. verifyBundleParallel feeds it whole runs of records that
// workers checked, linked and hashed into Merkle subtrees (pushRun): only where each run
// starts is checked here, which decides exactly what checking its records one by one would.
//
// Record lines take the fast check (recordLineCheck.ts: the envelope read by position, the
// body covered by the hash alone) unless `strict` is set. The fast check accepts exactly the
// lines the strict one accepts, plus lines that hash to their `hash` without being canonical;
// such a line carries a hash the server never sealed, so the bundle fails further on (a broken
// link, a checkpoint that does not match). A bundle that fails is therefore verified a second
// time, strictly, up to the failure, and that report is the answer: the first bad position is
// always the one the strict check names, at full speed for every good bundle. (The checks
// judge differently only a bundle whose non-canonical records are covered by checkpoints a
// trusted key signed; its holder can as well sign a canonical rewrite, which both accept.)

import type { KeyObject } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { checkpointSignatureValid, endorsementValid, keyIdOf, parsePublicKey, type PublicKeyInfo, type SignedCheckpoint } from './checkpoint.js';
import type { RecordRun } from './LineBlockChecker.js';
import { MerkleFrontier } from './MerkleFrontier.js';
import { checkRecordLine, isRecordLine, problemText, RecordLineReader, type RecordCheck } from './recordLineCheck.js';

export const BUNDLE_FORMAT = 'axiru-audit-bundle';

export interface BundleHeader {
  readonly type: typeof BUNDLE_FORMAT;
  readonly version: 1;
  readonly org: string;
  readonly exported_at: string;
  readonly records: number;
  readonly checkpoints: number;
}

export interface BundleReport {
  readonly ok: boolean;
  readonly org: string | null;
  readonly records: number;
  readonly checkpoints: number;
  /** The first record (seq) that is altered, missing or not covered by a valid checkpoint. */
  readonly first_bad_seq: number | null;
  /** The bundle line (1-based) where the problem was found. */
  readonly line: number | null;
  readonly problem: string | null;
}

export interface VerifyOptions {
  /** The public keys the auditor trusts; keys they endorse (rotation) are trusted too. */
  readonly trustedKeys: readonly KeyObject[];
  /** Checkpoints held outside the bundle; each must be signed by a trusted key and match. */
  readonly heldCheckpoints?: readonly SignedCheckpoint[];
  /** Parse every record line in full and check its canonical form (see the top of this file). */
  readonly strict?: boolean;
}


const ZERO = Buffer.alloc(32);

class Bad extends Error {
  constructor(readonly seq: number, message: string) {
    super(message);
  }
}

export class BundleVerifier {
  private lineNo = 0;
  private header: BundleHeader | null = null;
  private readonly keys = new Map<string, KeyObject>();
  private readonly trustedIds: Set<string>;
  private readonly tree = new MerkleFrontier();
  private prevHash: Buffer = Buffer.alloc(32);
  private lastCheckpointSize = 0;
  private checkpointCount = 0;
  private readonly held = new Map<number, SignedCheckpoint>();
  private failure: { seq: number; line: number; problem: string } | null = null;
  private reader: RecordLineReader | null = null;
  /** Space for the packed hashes of lines checked here, handed out 96 bytes at a time. */
  private packed = Buffer.alloc(0);
  private packedAt = 0;

  constructor(private readonly options: VerifyOptions) {
    this.trustedIds = new Set(options.trustedKeys.map(keyIdOf));
    for (const key of options.trustedKeys) this.keys.set(keyIdOf(key), key);
    for (const checkpoint of options.heldCheckpoints ?? []) this.held.set(checkpoint.tree_size, checkpoint);
  }

  /** Feeds one line (without its newline); false once the bundle is known bad. */
  push(bytes: Buffer): boolean {
    if (this.failure) return false;
    if (!isRecordLine(bytes)) return this.pushOther(bytes);
    if (this.options.strict || !this.header) return this.pushRecord(checkRecordLine(bytes, this.header?.org ?? ''));
    this.reader ??= new RecordLineReader(this.header.org);
    // Never reused: the tree and the chain link keep views of what was written here.
    if (this.packedAt + 96 > this.packed.length) {
      this.packed = Buffer.allocUnsafe(96 * 4096);
      this.packedAt = 0;
    }
    const at = this.packedAt;
    const seq = this.reader.tryFast(bytes, this.packed, at);
    if (seq !== 0) {
      this.packedAt += 96;
      return this.pushGoodRecord(seq, this.packed, at);
    }
    return this.pushRecord(checkRecordLine(bytes, this.header.org));
  }

  /**
   * Takes a record line that checked good on its own, packed as its hash, prev_hash and leaf
   * hash at hashes[at…at+96) (which must stay unchanged: the tree keeps a view of the leaf).
   * The common case (next seq, linked, no held checkpoint here) costs no allocation beyond
   * the tree's; anything else goes through pushRecord.
   */
  private pushGoodRecord(seq: number, hashes: Buffer, at: number): boolean {
    if (this.failure) return false;
    if (this.header === null || seq !== this.tree.size + 1 || this.held.has(seq)
      || hashes.compare(this.prevHash, 0, 32, at + 32, at + 64) !== 0) {
      return this.pushRecord({
        problem: null, seq, hash: hashes.subarray(at, at + 32), prevHash: hashes.subarray(at + 32, at + 64), leaf: hashes.subarray(at + 64, at + 96),
      });
    }
    this.lineNo += 1;
    this.prevHash = hashes.subarray(at, at + 32);
    this.tree.pushLeafHash(hashes.subarray(at + 64, at + 96));
    return true;
  }

  finish(): BundleReport {
    if (!this.failure) {
      try {
        this.end();
      } catch (error) {
        if (!(error instanceof Bad)) throw error;
        this.failure = { seq: error.seq, line: this.lineNo, problem: error.message };
      }
    }
    return {
      ok: this.failure === null,
      org: this.header?.org ?? null,
      records: this.tree.size,
      checkpoints: this.checkpointCount,
      first_bad_seq: this.failure?.seq ?? null,
      line: this.failure?.line ?? null,
      problem: this.failure?.problem ?? null,
    };
  }

  private get nextSeq(): number {
    return this.tree.size + 1;
  }

  /** Takes the result of checking one record line (here or in a worker) in bundle order. */
  pushRecord(check: RecordCheck): boolean {
    if (this.failure) return false;
    this.lineNo += 1;
    return this.guard(() => this.acceptRecord(check));
  }

  /** Feeds a line that is not a record (header, public key, checkpoint). */
  pushOther(bytes: Buffer): boolean {
    if (this.failure) return false;
    this.lineNo += 1;
    return this.guard(() => this.other(bytes));
  }

  /** The organisation named by the header, once read (workers need it to check records). */
  get org(): string | null {
    return this.header?.org ?? null;
  }

  private guard(work: () => void): boolean {
    try {
      work();
      return true;
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      this.failure = { seq: error.seq, line: this.lineNo, problem: error.message };
      return false;
    }
  }

  /**
   * Takes a run of records checked elsewhere (LineBlockChecker.ts): consecutive seqs from
   * run.firstSeq, each linked to the one before, none but the last at the size of a held
   * checkpoint, as the complete subtrees their leaves form. Only the first record's place is
   * checked here, as pushRecord would check it; the later ones would pass the same checks.
   */
  pushRun(run: RecordRun): boolean {
    if (this.failure) return false;
    this.lineNo += 1;
    const hashes = Buffer.from(run.hashes.buffer, run.hashes.byteOffset, run.hashes.byteLength);
    return this.guard(() => {
      this.checkPlace({ problem: null, seq: run.firstSeq, prevHash: hashes.subarray(0, 32), hash: ZERO, leaf: ZERO });
      this.lineNo += run.count - 1;
      for (let i = 0; i < run.levels.length; i += 1) this.tree.pushSubtree(run.levels[i]!, hashes.subarray(64 + 32 * i, 96 + 32 * i));
      if (this.tree.size !== run.firstSeq + run.count - 1) throw new Error(`a run of ${run.count} records from ${run.firstSeq} left a tree of ${this.tree.size}`);
      this.prevHash = hashes.subarray(32, 64);
      const held = this.held.get(this.tree.size);
      if (held) this.checkCheckpoint(held, 'the held checkpoint');
    });
  }

  private acceptRecord(check: RecordCheck): void {
    this.checkPlace(check);
    this.prevHash = check.hash;
    this.tree.pushLeafHash(check.leaf);
    const held = this.held.get(this.tree.size);
    if (held) this.checkCheckpoint(held, 'the held checkpoint');
  }

  /** Throws unless the record checked good on its own, is the next one and links to the last. */
  private checkPlace(check: RecordCheck): void {
    const seq = this.nextSeq;
    if (!this.header) throw new Bad(seq, 'the bundle does not start with its header line');
    if (check.problem === 'json' || check.problem === 'fields' || check.problem === 'hash_format') {
      throw new Bad(seq, problemText(check.problem, seq, this.lineNo));
    }
    if (check.seq !== seq) {
      throw new Bad(seq, check.seq > seq
        ? `record ${seq} is missing (line ${this.lineNo} holds record ${check.seq})`
        : `line ${this.lineNo} holds record ${check.seq} where record ${seq} belongs`);
    }
    if (check.problem) throw new Bad(seq, problemText(check.problem, seq, this.lineNo));
    if (!check.prevHash.equals(this.prevHash)) throw new Bad(seq, `record ${seq} does not link to record ${seq - 1}`);
  }

  private other(bytes: Buffer): void {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Bad(this.nextSeq, `line ${this.lineNo} is not JSON`);
    }
    const type = typeof line === 'object' && line !== null ? line['type'] : undefined;
    if (type === BUNDLE_FORMAT) {
      if (this.header || this.lineNo !== 1) throw new Bad(this.nextSeq, `line ${this.lineNo} is a second header`);
      if (line['version'] !== 1 || typeof line['org'] !== 'string') throw new Bad(1, 'the header names no organisation or an unknown version');
      this.header = line as unknown as BundleHeader;
      return;
    }
    if (!this.header) throw new Bad(this.nextSeq, 'the bundle does not start with its header line');
    if (type === 'public_key') {
      this.publicKey(line as unknown as PublicKeyInfo);
      return;
    }
    if (type === 'checkpoint') {
      const { type: _type, ...checkpoint } = line;
      this.checkpointCount += 1;
      this.checkCheckpoint(checkpoint as unknown as SignedCheckpoint, `the checkpoint on line ${this.lineNo}`);
      return;
    }
    throw new Bad(this.nextSeq, `line ${this.lineNo} is neither a record, a checkpoint nor a public key`);
  }

  /** A key from the bundle counts only when a trusted key endorsed it (rotation). */
  private publicKey(info: PublicKeyInfo): void {
    let key: KeyObject;
    try {
      key = parsePublicKey(info.public_key);
    } catch {
      throw new Bad(this.nextSeq, `line ${this.lineNo} holds a public key that cannot be read`);
    }
    const id = keyIdOf(key);
    if (id !== info.key_id) throw new Bad(this.nextSeq, `line ${this.lineNo}: key id ${info.key_id} does not belong to its key`);
    if (this.trustedIds.has(id)) return;
    const endorser = info.endorsed_by === null ? undefined : this.keys.get(info.endorsed_by);
    if (endorser && info.endorsed_by !== null && this.trustedIds.has(info.endorsed_by) && endorsementValid(info, endorser)) {
      this.trustedIds.add(id);
      this.keys.set(id, key);
    }
  }

  private checkCheckpoint(checkpoint: SignedCheckpoint, what: string): void {
    const covered = this.lastCheckpointSize + 1;
    if (checkpoint.org !== this.header?.org) throw new Bad(covered, `${what} is for another organisation (${String(checkpoint.org)})`);
    if (!Number.isSafeInteger(checkpoint.tree_size) || checkpoint.tree_size < 1) throw new Bad(covered, `${what} has no valid tree size`);
    const key = this.keys.get(checkpoint.key_id);
    if (!key || !this.trustedIds.has(checkpoint.key_id)) throw new Bad(covered, `${what} is signed by ${checkpoint.key_id}, which is not a trusted key`);
    if (!checkpointSignatureValid(checkpoint, key)) throw new Bad(covered, `${what} (tree size ${checkpoint.tree_size}) has an invalid signature`);
    if (checkpoint.tree_size > this.tree.size) {
      throw new Bad(this.nextSeq, `${what} covers ${checkpoint.tree_size} records but record ${this.nextSeq} is missing`);
    }
    if (checkpoint.tree_size < this.tree.size) {
      throw new Bad(checkpoint.tree_size + 1, `${what} (tree size ${checkpoint.tree_size}) is out of place: ${this.tree.size} records precede it`);
    }
    if (this.tree.root().toString('hex') !== checkpoint.root) {
      throw new Bad(covered, `records ${covered}..${checkpoint.tree_size} do not match ${what} (signed by ${checkpoint.key_id}): `
        + `the ledger was rewritten after record ${covered - 1}`);
    }
    this.lastCheckpointSize = checkpoint.tree_size;
  }

  private end(): void {
    if (!this.header) throw new Bad(1, 'the bundle is empty');
    for (const size of [...this.held.keys()].sort((a, b) => a - b)) {
      if (size > this.tree.size) throw new Bad(this.tree.size + 1, `the held checkpoint covers ${size} records but the bundle ends after record ${this.tree.size}`);
    }
    if (this.header.records !== this.tree.size) {
      throw new Bad(Math.min(this.header.records, this.tree.size) + 1,
        `the header declares ${this.header.records} records but the bundle holds ${this.tree.size}`);
    }
    if (this.header.checkpoints !== this.checkpointCount) {
      throw new Bad(this.lastCheckpointSize + 1, `the header declares ${this.header.checkpoints} checkpoints but the bundle holds ${this.checkpointCount}`);
    }
    if (this.lastCheckpointSize !== this.tree.size) {
      throw new Bad(this.lastCheckpointSize + 1, `records ${this.lastCheckpointSize + 1}..${this.tree.size} are not covered by any checkpoint`);
    }
  }
}

const CHUNK = 16 * 1024 * 1024;

/** Verifies a bundle file, reading it in large chunks and splitting lines on the bytes. */
export function verifyBundleFile(file: string, options: VerifyOptions): BundleReport {
  const report = verifyFileOnce(file, options);
  return report.ok || options.strict ? report : verifyFileOnce(file, { ...options, strict: true });
}

function verifyFileOnce(file: string, options: VerifyOptions): BundleReport {
  const verifier = new BundleVerifier(options);
  const fd = openSync(file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      filled += read;
      let start = 0;
      let newline = buffer.indexOf(10, start);
      while (newline !== -1 && newline < filled) {
        if (!verifier.push(buffer.subarray(start, newline))) return verifier.finish();
        start = newline + 1;
        newline = buffer.indexOf(10, start);
      }
      if (read === 0) {
        if (start < filled && !verifier.push(buffer.subarray(start, filled))) return verifier.finish();
        return verifier.finish();
      }
      buffer.copy(buffer, 0, start, filled);
      filled -= start;
    }
  } finally {
    closeSync(fd);
  }
}

/** Verifies a bundle held in memory. */
export function verifyBundleBytes(bytes: Buffer, options: VerifyOptions): BundleReport {
  const report = verifyBytesOnce(bytes, options);
  return report.ok || options.strict ? report : verifyBytesOnce(bytes, { ...options, strict: true });
}

function verifyBytesOnce(bytes: Buffer, options: VerifyOptions): BundleReport {
  const verifier = new BundleVerifier(options);
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    if (!verifier.push(bytes.subarray(start, end))) break;
    start = end + 1;
  }
  return verifier.finish();
}
