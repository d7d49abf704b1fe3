import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// WAL checkpoints copy committed pages into the database file and fsync it. Run inline they
// land inside whichever request's commit happens to cross the threshold and dominate p99, so
// automatic checkpoints are off (openSqlite) and this thread, with its own connection, runs
// PASSIVE checkpoints on a timer. PASSIVE never blocks the writer: it copies what it can and
// the writer restarts the WAL from the beginning once everything was copied.
//
// The worker is a small CommonJS script passed as source, so it runs unchanged from the
// TypeScript sources under test and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('wal_autocheckpoint = 0');
let stopped = false;
function checkpoint() {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', busy: result.busy, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') checkpoint();
  if (message === 'stop' && !stopped) {
    stopped = true;
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ type: 'stopped' });
    parentPort.close();
  }
});
`;

export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export interface CheckpointerEvents {
  onCheckpoint?(result: CheckpointResult): void;
  onError?(message: string): void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private stopping: Promise<void> | null = null;

  constructor(file: string, intervalMs: number, private readonly events: CheckpointerEvents = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, driver } });
    // The timer thread must never keep a finished process alive.
    this.worker.unref();
    this.worker.on('message', (message: { type: string } & Partial<CheckpointResult> & { message?: string }) => {
      if (message.type === 'checkpoint') {
        this.events.onCheckpoint?.({ busy: message.busy ?? 0, log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
      } else if (message.type === 'error') {
        this.events.onError?.(message.message ?? 'unknown checkpoint error');
      }
    });
    this.worker.on('error', (error) => this.events.onError?.(error.message));
  }

  /** Asks for a checkpoint now (still on the worker thread). */
  request(): void {
    this.worker.postMessage('checkpoint');
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('stop');
    });
    return this.stopping;
  }
}
