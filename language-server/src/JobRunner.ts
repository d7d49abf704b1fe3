// Runs jobs (jobs.ts) one at a time, in order, either in a worker thread or inline.
//
// The static analysis of a large policy takes seconds and a replay of 100,000 refunds most of
// one, both synchronous CPU work: on the main thread they would hold up every keystroke's
// diagnostics and every completion. In a worker they run beside the editor, and a job made
// pointless by a newer edit is cancelled for real: a running worker is terminated, not
// politely asked, and a fresh one takes the next job. A worker whose memory is worth more than
// the rest of a job (the history it keeps, HistoryCache.ts; the analysis' kept answers) is made
// with `stopOnCancel` false: a cancelled job is then told so through memory shared with the
// worker, and a job that can stop early (the rule analysis, between rules) does; the others run
// to their end. Either way the result is dropped.
import { Worker } from 'node:worker_threads';
import { runJob, type Job, type JobResult } from './jobs.js';

export interface Task<T> {
  readonly promise: Promise<T>;
  /** Drops the job: a queued one never runs, a running one is stopped. Its promise rejects with Cancelled. */
  cancel(): void;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export interface JobRunner {
  run<J extends Job>(job: J): Task<JobResult<J>>;
  dispose(): void;
}

interface Entry {
  readonly id: number;
  readonly job: Job;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export class WorkerJobRunner implements JobRunner {
  private worker: Worker | null = null;
  /** Shared with the worker: the id of the running job the caller dropped. */
  private dropped: Int32Array | null = null;
  private readonly queue: Entry[] = [];
  private running: Entry | null = null;
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly script: URL,
    private readonly log: (message: string) => void = () => {},
    private readonly stopOnCancel = true,
  ) {}

  run<J extends Job>(job: J): Task<JobResult<J>> {
    const id = this.nextId++;
    let entry!: Entry;
    const promise = new Promise<JobResult<J>>((resolve, reject) => {
      entry = { id, job, resolve: resolve as (value: unknown) => void, reject };
    });
    // A cancelled or failed job's rejection is the caller's to handle; never an unhandled rejection here.
    promise.catch(() => {});
    if (this.disposed) entry.reject(new Cancelled());
    else {
      this.queue.push(entry);
      this.pump();
    }
    return { promise, cancel: () => this.cancel(id) };
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.queue.splice(0)) entry.reject(new Cancelled());
    this.stopWorker();
  }

  private cancel(id: number): void {
    const queued = this.queue.findIndex((e) => e.id === id);
    if (queued >= 0) {
      this.queue.splice(queued, 1)[0]!.reject(new Cancelled());
      return;
    }
    if (this.running?.id === id) {
      if (!this.stopOnCancel) {
        if (this.dropped !== null) Atomics.store(this.dropped, 0, id);
        return this.running.reject(new Cancelled());
      }
      this.stopWorker();
      this.pump();
    }
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.running = entry;
    this.ensureWorker().postMessage({ id: entry.id, job: entry.job });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Job ids start at 1, so the 0 the memory starts with drops nothing.
    this.dropped = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(this.script, { workerData: { dropped: this.dropped } });
    worker.on('message', (reply: Reply) => {
      const entry = this.running;
      if (!entry || entry.id !== reply.id) return;
      this.running = null;
      if (reply.ok) entry.resolve(reply.value);
      else entry.reject(new Error(reply.error ?? 'the job failed'));
      this.pump();
    });
    worker.on('error', (error) => {
      this.log(`background worker failed: ${error.stack ?? error.message}`);
      this.failRunning(worker, error);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker && code !== 0) this.failRunning(worker, new Error(`the background worker exited with code ${code}`));
    });
    // The worker must never keep the server alive after `exit`.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failRunning(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const entry = this.running;
    this.running = null;
    entry?.reject(error);
    void worker.terminate();
    this.pump();
  }

  private stopWorker(): void {
    const worker = this.worker;
    const entry = this.running;
    this.worker = null;
    this.running = null;
    entry?.reject(new Cancelled());
    if (worker) void worker.terminate();
  }
}

/**
 * Runs jobs on the calling thread, one per macrotask. For tests and for hosts without worker
 * threads; cancelling stops a job that has not started and discards the result of one that has.
 */
export class InlineJobRunner implements JobRunner {
  private chain: Promise<unknown> = Promise.resolve();

  run<J extends Job>(job: J): Task<JobResult<J>> {
    let cancelled = false;
    const promise = this.chain.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled) throw new Cancelled();
      const result = await runJob(job, () => cancelled);
      if (cancelled) throw new Cancelled();
      return result;
    });
    this.chain = promise.catch(() => {});
    promise.catch(() => {});
    return {
      promise,
      cancel: () => {
        cancelled = true;
      },
    };
  }

  dispose(): void {}
}
