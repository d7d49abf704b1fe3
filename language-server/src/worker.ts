// The background worker's entry point: runs one job per message and answers with its result.
// See JobRunner.ts for why this work is off the main thread.
import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './jobs.js';

const port = parentPort;
if (!port) throw new Error('worker.js runs as a worker thread of the language server');

port.on('message', (message: { id: number; job: Job }) => {
  runJob(message.job).then(
    (value) => port.postMessage({ id: message.id, ok: true, value }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
