// verifyBundleFile on several cores. This thread reads the header line, then hands out block
// indexes; each worker reads its blocks of the file itself (LineBlockReader.ts) and checks
// them on its own: every record line (JSON, canonical form, record hash, leaf hash), and the
// order, links and Merkle subtrees within each run of records (LineBlockChecker.ts). This
// thread takes the answers in bundle order through the same BundleVerifier, which checks where
// each run starts, the checkpoints and the end. It reads no record and hashes little: a few
// tree nodes per run, and each checkpoint's root. The first bad record is the same as with
// one thread.

import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BundleVerifier, verifyBundleFile, type BundleReport, type VerifyOptions } from './BundleVerifier.js';
import type { BlockEntry } from './LineBlockChecker.js';
import { bad } from './recordLineCheck.js';
import type { WorkerResult, WorkerSetup } from './verifyWorker.js';

const WORKER_FILE = fileURLToPath(new URL('./verifyWorker.js', import.meta.url));
/** Blocks handed to each worker ahead of the one it is on, so that it never waits for this thread. */
const AHEAD = 2;

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
  // Workers read by position, which needs a regular file (not a pipe).
  if (count <= 0 || !parallelVerificationAvailable() || !statSync(file).isFile()) return verifyBundleFile(file, options);
  const blockBytes = parallel.blockBytes ?? 4 * 1024 * 1024;
  // As verifyBundleFile: a bundle that fails the fast check is verified again strictly, so
  // that the first bad position is the one the strict check names.
  const report = await verifyOnce(file, options, count, blockBytes);
  return report.ok || options.strict ? report : verifyOnce(file, { ...options, strict: true }, count, blockBytes);
}

async function verifyOnce(file: string, options: VerifyOptions, count: number, blockBytes: number): Promise<BundleReport> {
  const verifier = new BundleVerifier(options);
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readFirstLine(fd, size);
    if (header === null) return verifier.finish();
    if (!verifier.push(header.line)) return verifier.finish();
    const setup: WorkerSetup = {
      fd, size, dataStart: header.next, blockBytes, org: verifier.org ?? '', strict: options.strict === true,
      heldSizes: (options.heldCheckpoints ?? []).map((checkpoint) => checkpoint.tree_size),
    };
    await takeBlocks(verifier, setup, Math.ceil(size / blockBytes), count);
    return verifier.finish();
  } finally {
    closeSync(fd);
  }
}

/** Runs the workers over every block and feeds their answers to the verifier in order. */
async function takeBlocks(verifier: BundleVerifier, setup: WorkerSetup, blocks: number, count: number): Promise<void> {
  const workers = Array.from({ length: Math.max(1, Math.min(count, blocks)) }, () => new Worker(WORKER_FILE, { workerData: setup }));
  const answers = new Map<number, readonly BlockEntry[]>();
  let nextBlock = 0;
  let failed: Error | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;
  const give = (worker: Worker): void => {
    if (nextBlock < blocks) worker.postMessage(nextBlock++);
  };
  for (const worker of workers) {
    worker.on('message', (result: WorkerResult) => {
      answers.set(result.block, result.entries);
      give(worker);
      wake?.();
    });
    worker.on('error', (error) => {
      failed ??= error;
      wake?.();
    });
    worker.on('exit', (code) => {
      if (!stopping) failed ??= new Error(`a verification worker stopped early (exit code ${code})`);
      wake?.();
    });
    for (let i = 0; i < AHEAD; i += 1) give(worker);
  }
  try {
    for (let block = 0; block < blocks; block += 1) {
      let entries = answers.get(block);
      while (entries === undefined) {
        if (failed) throw failed;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = null;
        entries = answers.get(block);
      }
      answers.delete(block);
      if (!take(verifier, entries)) return;
    }
  } finally {
    // Terminated before the file descriptor they read is closed.
    stopping = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function take(verifier: BundleVerifier, entries: readonly BlockEntry[]): boolean {
  for (const entry of entries) {
    switch (entry.kind) {
      case 'run':
        if (!verifier.pushRun(entry)) return false;
        break;
      case 'other':
        if (!verifier.pushOther(Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength))) return false;
        break;
      case 'bad':
        if (!verifier.pushRecord(bad(entry.problem, entry.seq))) return false;
        break;
    }
  }
  return true;
}

/** The first line (without its newline) and where the next one starts; null for an empty file. */
function readFirstLine(fd: number, size: number): { line: Buffer; next: number } | null {
  if (size === 0) return null;
  let buffer = Buffer.allocUnsafe(Math.min(size, 64 * 1024));
  let filled = 0;
  for (;;) {
    const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
    if (read === 0) return { line: buffer.subarray(0, filled), next: filled };
    const newline = buffer.indexOf(10, filled);
    filled += read;
    if (newline !== -1 && newline < filled) return { line: buffer.subarray(0, newline), next: newline + 1 };
    if (filled === size) return { line: buffer.subarray(0, filled), next: filled };
    if (filled === buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.min(size, buffer.length * 2));
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
  }
}
