// What a worker of verifyBundleParallel makes of a block of whole bundle lines: not one answer
// per line but one per run of records, so that the thread that keeps the order (BundleVerifier)
// has next to nothing to do per record.
//
// A run is a stretch of good records (each one checked on its own: recordLineCheck.ts) with
// consecutive seqs, each linking to the one before; it ends at any other line (a checkpoint
// needs the root at exactly its place), at a record that does not continue it, and after the
// size of each checkpoint the auditor holds. Taking leaf index = seq - 1, the block hashes the
// run's aligned subtrees itself (AlignedSubtrees.ts), and answers with the first seq, the count,
// the first prev_hash, the last hash and those subtrees. The verifier checks that the run starts
// where the tree ends and links to the last record taken, exactly as it would check its first
// record; every later record of the run would pass the same checks, so the outcome and the
// position of any failure are the same as line by line. The first bad record ends the answer:
// the verifier stops there.

import { AlignedSubtrees } from './AlignedSubtrees.js';
import { checkRecordLine, isRecordLine, RecordLineReader, type LineProblem } from './recordLineCheck.js';

export interface RecordRun {
  readonly kind: 'run';
  readonly firstSeq: number;
  readonly count: number;
  /** The first record's prev_hash, the last record's hash, then the subtrees': 32 bytes each. */
  readonly hashes: Uint8Array;
  /** The subtrees' levels, left to right. */
  readonly levels: Uint8Array;
}

export interface OtherLine {
  readonly kind: 'other';
  readonly bytes: Uint8Array;
}

export interface BadRecord {
  readonly kind: 'bad';
  readonly problem: LineProblem;
  readonly seq: number;
}

export type BlockEntry = RecordRun | OtherLine | BadRecord;

export class LineBlockChecker {
  private readonly reader: RecordLineReader;
  private readonly held: ReadonlySet<number>;
  /** The record being looked at: hash, prev_hash. */
  private readonly record = new Uint8Array(64);
  private readonly lastHash = new Uint8Array(32);
  private readonly firstPrev = new Uint8Array(32);
  private readonly subtrees = new AlignedSubtrees();
  private inRun = false;
  private firstSeq = 0;
  private lastSeq = 0;

  /**
   * `org` is the header's; `strict` sends every record to the strict check; `heldSizes` are
   * the tree sizes of the checkpoints held outside the bundle.
   */
  constructor(readonly org: string, private readonly strict: boolean, heldSizes: Iterable<number>) {
    this.reader = new RecordLineReader(org);
    this.held = new Set(heldSizes);
  }

  /** The lines of bytes[start…end), which holds whole lines (the last one may lack its newline). */
  check(bytes: Buffer, start: number, end: number): BlockEntry[] {
    const entries: BlockEntry[] = [];
    this.inRun = false;
    this.subtrees.clear();
    for (let p = start; p < end;) {
      let newline = bytes.indexOf(10, p);
      if (newline === -1 || newline >= end) newline = end;
      const line = bytes.subarray(p, newline);
      p = newline + 1;
      if (!isRecordLine(line)) {
        this.endRun(entries);
        entries.push({ kind: 'other', bytes: new Uint8Array(line) });
        continue;
      }
      const record = this.record;
      let seq = this.strict ? 0 : this.reader.tryFastHashes(line, record, 0);
      if (seq === 0) {
        const check = checkRecordLine(line, this.org);
        if (check.problem !== null) {
          this.endRun(entries);
          entries.push({ kind: 'bad', problem: check.problem, seq: check.seq });
          return entries;
        }
        seq = check.seq;
        record.set(check.hash, 0);
        record.set(check.prevHash, 32);
      }
      if (this.inRun && (seq !== this.lastSeq + 1 || !sameHash(record, 32, this.lastHash))) this.endRun(entries);
      if (!this.inRun) {
        this.inRun = true;
        this.firstSeq = seq;
        copyHash(record, 32, this.firstPrev);
      }
      this.subtrees.pushLeafOf(seq - 1, record, 0);
      this.lastSeq = seq;
      copyHash(record, 0, this.lastHash);
      if (this.held.has(seq)) this.endRun(entries);
    }
    this.endRun(entries);
    return entries;
  }

  private endRun(entries: BlockEntry[]): void {
    if (!this.inRun) return;
    const subtrees = this.subtrees.count;
    const hashes = new Uint8Array(64 + 32 * subtrees);
    hashes.set(this.firstPrev, 0);
    hashes.set(this.lastHash, 32);
    this.subtrees.copyHashes(hashes, 64);
    const levels = new Uint8Array(subtrees);
    for (let i = 0; i < subtrees; i += 1) levels[i] = this.subtrees.level(i);
    entries.push({ kind: 'run', firstSeq: this.firstSeq, count: this.lastSeq - this.firstSeq + 1, hashes, levels });
    this.subtrees.clear();
    this.inRun = false;
  }
}

function copyHash(bytes: Uint8Array, at: number, hash: Uint8Array): void {
  for (let i = 0; i < 32; i += 1) hash[i] = bytes[at + i]!;
}

function sameHash(bytes: Uint8Array, at: number, hash: Uint8Array): boolean {
  for (let i = 0; i < 32; i += 1) if (bytes[at + i] !== hash[i]) return false;
  return true;
}
