import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// WAL checkpoints copy committed pages into the database file and fsync it. Run inline they
// land inside whichever request's commit happens to cross the threshold and dominate p99, so
// automatic checkpoints are off (openSqlite) and this thread, with its own connection, runs
// PASSIVE checkpoints, which never block the writer. It picks its moments so that the
// checkpoint's own writes and fsyncs compete with request commits as little as possible:
//  - when the writer has been idle for a whole interval (PRAGMA data_version did not move),
//    which lets the checkpoint complete and the writer restart the WAL from its beginning;
//  - under sustained load, only when the WAL file has outgrown `maxWalBytes`, and then at
//    most once per `maxWalAgeMs`, which bounds the WAL without checkpointing continuously.
//
// The worker is a small CommonJS script passed as source, so it runs unchanged from the
// TypeScript sources under test and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('wal_autocheckpoint = 0');
const wal = workerData.file + '-wal';
let stopped = false;
let lastVersion = db.pragma('data_version', { simple: true });
let dirty = true;
let lastCheckpoint = Date.now();
function walBytes() {
  try { return fs.statSync(wal).size; } catch { return 0; }
}
function checkpoint(reason) {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    lastCheckpoint = Date.now();
    dirty = result.busy !== 0 || result.checkpointed < result.log;
    parentPort.postMessage({ type: 'checkpoint', reason, busy: result.busy, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
}
function tick() {
  const version = db.pragma('data_version', { simple: true });
  const idle = version === lastVersion;
  lastVersion = version;
  if (!idle) dirty = true;
  if (idle && dirty) checkpoint('idle');
  else if (!idle && walBytes() > workerData.maxWalBytes && Date.now() - lastCheckpoint >= workerData.maxWalAgeMs) checkpoint('size');
}
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') checkpoint('requested');
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
  readonly reason: string;
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

  constructor(
    file: string,
    intervalMs: number,
    private readonly events: CheckpointerEvents = {},
    limits: { maxWalBytes?: number; maxWalAgeMs?: number } = {},
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = {
      file, intervalMs, driver, maxWalBytes: limits.maxWalBytes ?? 64 * 1024 * 1024, maxWalAgeMs: limits.maxWalAgeMs ?? 2000,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.on('message', (message: { type: string; message?: string } & Partial<CheckpointResult>) => {
      if (message.type === 'checkpoint') {
        this.events.onCheckpoint?.({
          reason: message.reason ?? 'unknown', busy: message.busy ?? 0, log: message.log ?? 0, checkpointed: message.checkpointed ?? 0,
        });
      } else if (message.type === 'error') {
        this.events.onError?.(message.message ?? 'unknown checkpoint error');
      }
    });
    this.worker.on('error', (error) => this.events.onError?.(error.message));
    // The timer thread must never keep a finished process alive. After the listeners: adding a
    // 'message' listener references the worker's port again.
    this.worker.unref();
  }

  /** Asks for a checkpoint now (still on the worker thread). */
  request(): void {
    this.worker.postMessage('checkpoint');
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      // Referenced while it winds down: otherwise a process with nothing else left to do would
      // end with this promise unsettled (and exit code 13) instead of closing the database.
      this.worker.ref();
      this.worker.postMessage('stop');
    });
    return this.stopping;
  }
}
