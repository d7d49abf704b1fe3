// verifyBundleFile on several cores: workers check blocks of lines on their own (JSON,
// canonical form, record hash, leaf hash: nearly all the work), and this thread takes their
// results in bundle order through the same BundleVerifier (order, links, the Merkle frontier,
// checkpoints). The first bad record is therefore the same as with one thread.

import { existsSync, closeSync, openSync, readSync } from 'node:fs';
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
  const blockBytes = parallel.blockBytes ?? 4 * 1024 * 1024;
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
    let carry: Buffer = Buffer.alloc(0);
    let nextId = 0;
    const inFlight: Promise<WorkerResult>[] = [];
    let done = false;

    const take = (result: WorkerResult): boolean => {
      let other = 0;
      for (let line = 0; line < result.status.length; line += 1) {
        const status = result.status[line]!;
        if (status === OTHER_LINE) {
          const bytes = result.others[other++]![1];
          if (!verifier.pushOther(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) return false;
          continue;
        }
        const base = Buffer.from(result.hashes.buffer, result.hashes.byteOffset + line * 96, 96);
        const ok = verifier.pushRecord({
          problem: status === 0 ? null : LINE_PROBLEMS[status - 1]!,
          seq: result.seq[line]!,
          hash: base.subarray(0, 32), prevHash: base.subarray(32, 64), leaf: base.subarray(64, 96),
        });
        if (!ok) return false;
      }
      return true;
    };

    const dispatch = (bytes: Buffer): void => {
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      const owned = new Uint8Array(bytes.length);
      owned.set(bytes);
      inFlight.push(new Promise((resolve) => waiting.set(id, resolve)));
      const task: WorkerTask = { id, org: verifier.org ?? '', bytes: owned };
      worker.postMessage(task, [owned.buffer]);
    };

    // The header comes first, on this thread: workers need its organisation.
    const first = Buffer.allocUnsafe(Math.max(blockBytes, 64 * 1024));
    const firstRead = readSync(fd, first, 0, first.length, null);
    const headerEnd = first.subarray(0, firstRead).indexOf(10);
    const headerBytes = first.subarray(0, headerEnd === -1 ? firstRead : headerEnd);
    if (!verifier.pushOther(Buffer.from(headerBytes))) return verifier.finish();
    carry = Buffer.from(first.subarray(headerEnd === -1 ? firstRead : headerEnd + 1, firstRead));
    let eof = firstRead === 0;

    while (!done) {
      // Read at least a block, and on until the block holds a whole line.
      while (!eof && (carry.length < blockBytes || carry.indexOf(10) === -1)) {
        const chunk = Buffer.allocUnsafe(blockBytes);
        const read = readSync(fd, chunk, 0, chunk.length, null);
        if (read === 0) eof = true;
        else carry = carry.length === 0 ? chunk.subarray(0, read) : Buffer.concat([carry, chunk.subarray(0, read)]);
      }
      if (carry.length > 0) {
        const cut = eof ? carry.length : carry.lastIndexOf(10) + 1;
        if (cut > 0) {
          dispatch(carry.subarray(0, cut));
          carry = Buffer.from(carry.subarray(cut));
        }
      }
      const drain = eof && carry.length === 0;
      while (inFlight.length > 0 && (drain || inFlight.length >= workers.length * 2)) {
        if (!take(await inFlight.shift()!)) {
          done = true;
          break;
        }
      }
      if (drain) done = true;
    }
    return verifier.finish();
  } finally {
    closeSync(fd);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
