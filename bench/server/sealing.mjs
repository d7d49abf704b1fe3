// Part (c) of npm run bench:server: the decision service without HTTP. The same application as
// `axiru serve`, on a fresh data folder, but its DecisionService is called directly by
// BENCH_CONNECTIONS concurrent callers, so what is measured is validation-free sealing alone:
// facts (with the intents view brought up to the head in the sealing transaction, as a policy
// with facts needs), evaluation, the hash-chained record, the group commit and its WAL fsync,
// and the background catch-up of the projections (Merkle trees) that shares the writer. It bounds what the HTTP server can reach, whatever the HTTP stack costs.
//
// Also measured in the same folder: the latency of the fsync itself (a 40 KB write and
// fdatasync, like a batch's WAL frames), since with C requests in flight and each one waiting
// for one fsync, no server can answer more than C / fsync-latency requests a second.
//
// Prints one JSON line. Run by bench/server/run.mjs in a process of its own.

import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../server/dist/app.js';
import { bootstrap } from '../../server/dist/services/bootstrap.js';
import { decisionRequest } from './requests.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_MS = Number(process.env.BENCH_DURATION ?? 10) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP ?? 3) * 1000;

const dataDir = mkdtempSync(join(tmpdir(), 'axiru-bench-sealing-'));
try {
  const app = await buildApp({ dataDir, checkpointIntervalMs: 1000, maxBatch: 256, logLevel: 'silent' });
  await app.ready();
  const demo = await bootstrap(app.store);
  const org = await app.store.organisations.get(demo.orgId);
  let n = 0;

  /** Decides for `ms` with CONNECTIONS callers, each sending its next request once answered. */
  async function run(ms) {
    const until = performance.now() + ms;
    let decided = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        n += 1;
        const result = await app.decisions.decide({ org, keyId: 'bench', body: decisionRequest(n), idempotencyKey: undefined });
        if (result.statusCode !== 200) throw new Error(`decision answered ${result.statusCode}: ${result.body}`);
        decided += 1;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { decided, seconds, cpuMicros: used.user + used.system };
  }

  await run(WARMUP_MS);
  const measured = await run(DURATION_MS);
  await app.close();

  const fsyncMs = fsyncLatencies(join(dataDir, 'fsync-probe'), 300);
  console.log(JSON.stringify({
    decisions_per_s: Math.round(measured.decided / measured.seconds),
    cpu_us_per_decision: Math.round(measured.cpuMicros / measured.decided),
    fsync_ms_p50: +fsyncMs[Math.floor(fsyncMs.length / 2)].toFixed(3),
    fsync_ms_p90: +fsyncMs[Math.floor(fsyncMs.length * 0.9)].toFixed(3),
  }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

/** Sorted durations (ms) of `count` fdatasyncs, each after a 40 KB write. */
function fsyncLatencies(file, count) {
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(40 * 1024, 1);
  const times = [];
  try {
    for (let i = 0; i < count; i += 1) {
      writeSync(fd, page, 0, page.length, (i % 256) * page.length);
      const started = process.hrtime.bigint();
      fdatasyncSync(fd);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    closeSync(fd);
  }
  return times.sort((a, b) => a - b);
}
