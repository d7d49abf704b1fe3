// The background worker's entry point: runs one job per message and answers with its result.
// See JobRunner.ts for why this work is off the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type Job } from './jobs.js';

const port = parentPort;
if (!port) throw new Error('worker.js runs as a worker thread of the language server');

// The id of the job the runner has dropped, written by it while a job runs (JobRunner.ts).
const dropped = (workerData as { dropped?: Int32Array } | undefined)?.dropped;

port.on('message', (message: { id: number; job: Job }) => {
  const cancelled = dropped === undefined ? undefined : () => Atomics.load(dropped, 0) === message.id;
  runJob(message.job, cancelled).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
