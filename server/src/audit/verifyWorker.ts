// A worker of verifyBundleParallel: checks a block of whole lines on its own (see
// recordLineCheck.ts: the fast check, or the strict one when asked) and answers in packed
// form, in line order.

import { parentPort } from 'node:worker_threads';
import { checkRecordLine, isRecordLine, LINE_PROBLEMS, RecordLineReader } from './recordLineCheck.js';

export interface WorkerTask {
  readonly id: number;
  readonly org: string;
  readonly strict: boolean;
  readonly bytes: Uint8Array;
}

export interface WorkerResult {
  readonly id: number;
  /** Per line: 0 a good record, 1 + index in LINE_PROBLEMS a bad one, 255 not a record. */
  readonly status: Uint8Array;
  readonly seq: Float64Array;
  /** Per line, 96 bytes: hash, prev_hash, leaf hash. */
  readonly hashes: Uint8Array;
  /** The lines that are not records, by line index within the block. */
  readonly others: readonly (readonly [number, Uint8Array])[];
}

export const OTHER_LINE = 255;

let reader: RecordLineReader | null = null;

parentPort?.on('message', (task: WorkerTask) => {
  const block = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  let lines = 0;
  for (let at = block.indexOf(10); at !== -1; at = block.indexOf(10, at + 1)) lines += 1;
  if (block.length > 0 && block[block.length - 1] !== 10) lines += 1;
  const status = new Uint8Array(lines);
  const seq = new Float64Array(lines);
  const hashes = new Uint8Array(lines * 96);
  const others: [number, Uint8Array][] = [];
  let start = 0;
  for (let line = 0; line < lines; line += 1) {
    let end = block.indexOf(10, start);
    if (end === -1) end = block.length;
    const bytes = block.subarray(start, end);
    if (isRecordLine(bytes)) {
      if (!task.strict) {
        if (reader === null || reader.org !== task.org) reader = new RecordLineReader(task.org);
        const fastSeq = reader.tryFast(bytes, hashes, line * 96);
        if (fastSeq !== 0) {
          seq[line] = fastSeq;
          start = end + 1;
          continue;
        }
      }
      const check = checkRecordLine(bytes, task.org);
      status[line] = check.problem === null ? 0 : 1 + LINE_PROBLEMS.indexOf(check.problem);
      seq[line] = check.seq;
      hashes.set(check.hash, line * 96);
      hashes.set(check.prevHash, line * 96 + 32);
      hashes.set(check.leaf, line * 96 + 64);
    } else {
      status[line] = OTHER_LINE;
      others.push([line, new Uint8Array(bytes)]);
    }
    start = end + 1;
  }
  const result: WorkerResult = { id: task.id, status, seq, hashes, others };
  parentPort!.postMessage(result, [status.buffer, seq.buffer, hashes.buffer]);
});
