// A worker of verifyBundleParallel: told a block's index, reads that block of the bundle
// itself (LineBlockReader.ts, by position from the file descriptor the main thread opened) and
// answers with what LineBlockChecker.ts makes of its lines: runs of records with their Merkle
// subtrees, other lines, and the first bad record if any.

import { parentPort, workerData } from 'node:worker_threads';
import { LineBlockChecker, type BlockEntry } from './LineBlockChecker.js';
import { LineBlockReader } from './LineBlockReader.js';

export interface WorkerSetup {
  /** Open for reading; the main thread closes it once every worker has stopped. */
  readonly fd: number;
  readonly size: number;
  /** Where the line after the header starts. */
  readonly dataStart: number;
  readonly blockBytes: number;
  readonly org: string;
  readonly strict: boolean;
  /** Tree sizes of the checkpoints held outside the bundle: runs end there. */
  readonly heldSizes: readonly number[];
}

export interface WorkerResult {
  readonly block: number;
  readonly entries: readonly BlockEntry[];
}

if (parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  const reader = new LineBlockReader(setup.fd, setup.size, setup.dataStart, setup.blockBytes);
  const checker = new LineBlockChecker(setup.org, setup.strict, setup.heldSizes);
  port.on('message', (block: number) => {
    const { bytes, start, end } = reader.read(block);
    const result: WorkerResult = { block, entries: checker.check(bytes, start, end) };
    port.postMessage(result);
  });
}
