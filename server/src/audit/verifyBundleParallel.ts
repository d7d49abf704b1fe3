// verifyBundleFile on several cores: workers check blocks of lines on their own (JSON,
// canonical form, record hash, leaf hash: nearly all the work), and this thread takes their
// results in bundle order through the same BundleVerifier (order, links, the Merkle frontier,
// checkpoints). The first bad record is therefore the same as with one thread.

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BundleVerifier, verifyBundleFile, type BundleReport, type VerifyOptions } from './BundleVerifier.js';
import { LINE_PROBLEMS } from './recordLineCheck.js';
import type { WorkerResult, WorkerTask } from './verifyWorker.js';

const OTHER_LINE = 255;
const WORKER_FILE = fileURLToPath(new URL('./verifyWorker.js', import.meta.url));

export interface ParallelOptions {
  /** Worker threads (default: the cores available); 0 verifies on this thread. */
  readonly workers?: number;
  /** Bytes per block handed to a worker (default 4 MB). */
  readonly blockBytes?: number;
}

/** Whether the compiled worker exists (it does not when running from TypeScript sources). */
export function parallelVerificationAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

export async function verifyBundleParallel(file: string, options: VerifyOptions, parallel: ParallelOptions = {}): Promise<BundleReport> {
  const count = parallel.workers ?? availableParallelism();
  if (count <= 0 || !parallelVerificationAvailable()) return verifyBundleFile(file, options);
  // As verifyBundleFile: a bundle that fails the fast check is verified again strictly, so
  // that the first bad position is the one the strict check names.
  const report = await verifyOnce(file, options, count, parallel.blockBytes ?? 4 * 1024 * 1024);
  return report.ok || options.strict ? report : verifyOnce(file, { ...options, strict: true }, count, parallel.blockBytes ?? 4 * 1024 * 1024);
}

async function verifyOnce(file: string, options: VerifyOptions, count: number, blockBytes: number): Promise<BundleReport> {
  const verifier = new BundleVerifier(options);
  const workers = Array.from({ length: count }, () => new Worker(WORKER_FILE));
  const waiting = new Map<number, (result: WorkerResult) => void>();
  for (const worker of workers) {
    worker.on('message', (result: WorkerResult) => {
      waiting.get(result.id)?.(result);
      waiting.delete(result.id);
    });
  }
  const fd = openSync(file, 'r');
  try {
    let nextId = 0;
    const inFlight: Promise<WorkerResult>[] = [];

    const take = (result: WorkerResult): boolean => {
      const hashes = Buffer.from(result.hashes.buffer, result.hashes.byteOffset, result.hashes.byteLength);
      let other = 0;
      for (let line = 0; line < result.status.length; line += 1) {
        const status = result.status[line]!;
        if (status === OTHER_LINE) {
          const bytes = result.others[other++]![1];
          if (!verifier.pushOther(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) return false;
          continue;
        }
        if (status === 0) {
          if (!verifier.pushGoodRecord(result.seq[line]!, hashes, line * 96)) return false;
          continue;
        }
        const at = line * 96;
        const ok = verifier.pushRecord({
          problem: LINE_PROBLEMS[status - 1]!,
          seq: result.seq[line]!,
          hash: hashes.subarray(at, at + 32), prevHash: hashes.subarray(at + 32, at + 64), leaf: hashes.subarray(at + 64, at + 96),
        });
        if (!ok) return false;
      }
      return true;
    };

    // A block is handed over, not copied: its memory moves to the worker.
    const dispatch = (block: Buffer): void => {
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      inFlight.push(new Promise((resolve) => waiting.set(id, resolve)));
      const task: WorkerTask = { id, org: verifier.org ?? '', strict: options.strict === true, bytes: block };
      worker.postMessage(task, [block.buffer as ArrayBuffer]);
    };

    let first = true;
    for (const block of readLineBlocks(fd, blockBytes)) {
      let lines = block;
      if (first) {
        // The header comes first, on this thread: workers need its organisation.
        first = false;
        const headerEnd = block.indexOf(10);
        if (!verifier.pushOther(block.subarray(0, headerEnd === -1 ? block.length : headerEnd))) return verifier.finish();
        lines = block.subarray(headerEnd === -1 ? block.length : headerEnd + 1);
      }
      if (lines.length > 0) dispatch(lines);
      while (inFlight.length >= workers.length * 2) {
        if (!take(await inFlight.shift()!)) return verifier.finish();
      }
    }
    while (inFlight.length > 0) {
      if (!take(await inFlight.shift()!)) break;
    }
    return verifier.finish();
  } finally {
    closeSync(fd);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * The file in blocks of about `blockBytes` that end at a line end (the last one at the end of
 * the file), each in memory of its own so that it can be transferred. Only the partial line at
 * the end of a read is copied, into the next block.
 */
function* readLineBlocks(fd: number, blockBytes: number): Generator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for (;;) {
    let block = Buffer.allocUnsafeSlow(carry.length + blockBytes);
    carry.copy(block, 0);
    let filled = carry.length;
    let eof = false;
    let cut = 0;
    // Read until the block is full and holds a line end (a line longer than a block grows it).
    for (;;) {
      if (filled === block.length) {
        cut = block.lastIndexOf(10) + 1;
        if (cut > 0) break;
        const bigger = Buffer.allocUnsafeSlow(block.length * 2);
        block.copy(bigger, 0, 0, filled);
        block = bigger;
      }
      const read = readSync(fd, block, filled, block.length - filled, null);
      if (read === 0) {
        eof = true;
        break;
      }
      filled += read;
    }
    if (eof) {
      if (filled > 0) yield block.subarray(0, filled);
      return;
    }
    carry = Buffer.from(block.subarray(cut, filled));
    yield block.subarray(0, cut);
  }
}
