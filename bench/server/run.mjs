// npm run bench:server — POST /api/decision with durable sealing against a bare fastify route.
// (c) measures the decision service without HTTP (bench/server/sealing.mjs), which bounds (b);
// (d) the same route refused at validation, i.e. everything in (b) before sealing.
//
// Both servers are real processes on loopback, benchmarked one after the other in this run
// with autocannon: 10 connections, a warm-up, then 10 s measured. (a) is a hello-world fastify
// POST route (the ceiling of the HTTP stack); (b) is `axiru serve` on a fresh data folder, so
// every 200 is a decision sealed with synchronous=FULL. Afterwards the server is stopped and
// its ledger is checked: every intent_id answered with 200 must be there, once, and every
// chain must verify.
//
// Options (env): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS
// (default 10), BENCH_KEEP=1 keeps the data folder.

import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { decisionRequest } from './requests.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/** Starts a process and resolves once a stdout line matches `ready`. */
function startProcess(args, ready, env = {}) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    exited.then(({ code, signal }) => reject(new Error(`${args.join(' ')} exited early (${code ?? signal})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = ready.exec(line);
      if (match) resolve({ child, url: match[1], lines, exited });
    });
  });
}

async function stop(server) {
  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  if (code !== 0 && signal !== 'SIGTERM') throw new Error(`server exited with ${code ?? signal}`);
}

/** User + system CPU seconds a process has used so far (all its threads), from /proc. */
function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, pipelining: 1, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

function summary(result) {
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

let counter = 0;
function decisionBody() {
  counter += 1;
  return JSON.stringify(decisionRequest(counter));
}

async function benchHello() {
  const server = await startProcess([join(ROOT, 'bench/server/hello.mjs')], /^listening (http:\/\/127\.0\.0\.1:\d+)$/);
  try {
    const options = {
      url: `${server.url}/hello`, method: 'POST', headers: { 'content-type': 'application/json' }, body: decisionBody(),
    };
    await cannon({ ...options, duration: WARMUP });
    return summary(await cannon({ ...options, duration: DURATION }));
  } finally {
    await stop(server);
  }
}

async function benchDecision() {
  const dataDir = mkdtempSync(join(tmpdir(), 'axiru-bench-'));
  const server = await startProcess(
    [join(ROOT, 'compiler/bin/axiru.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn'],
    /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/,
    // Capacity, not the per-key rate limit, is what this measures.
    { AXIRU_RATE_LIMITS: JSON.stringify({ decision_per_key: { rate_per_second: 1e9, burst: 1e9 }, decision_per_org: { rate_per_second: 1e9, burst: 1e9 } }) },
  );
  const key = server.lines.find((line) => line.startsWith('AXIRU_DECISION_KEY='))?.split('=')[1];
  if (!key) throw new Error('the server printed no decision key');
  // Pre-built requests (autocannon cycles through them on every connection): per-request
  // setupRequest would make the client, not the server, the bottleneck. Response bodies are
  // kept as they are and parsed after the run, for the same reason.
  const responses = [];
  const onResponse = (status, body) => {
    if (status >= 200 && status < 300) responses.push(body);
  };
  const requests = Array.from({ length: 500 }, () => ({
    method: 'POST',
    path: '/api/decision',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: decisionBody(),
    onResponse,
  }));
  let result;
  try {
    await cannon({ url: server.url, requests, duration: WARMUP });
    const cpuBefore = processCpuSeconds(server.child.pid);
    const measured = await cannon({ url: server.url, requests, duration: DURATION });
    result = summary(measured);
    result.cpuMicrosPerDecision = ((processCpuSeconds(server.child.pid) - cpuBefore) * 1e6) / measured.requests.total;
    // Group-commit figures from the server's own metrics (whole run, warm-up included).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    result.batches = value('axiru_group_commit_batch_size_count');
    result.meanBatch = value('axiru_group_commit_batch_size_sum') / result.batches;
    result.meanCommitMs = (value('axiru_group_commit_duration_seconds_sum') / value('axiru_group_commit_duration_seconds_count')) * 1000;
    // (d) Everything before sealing: the same route, authenticated, refused by validation
    // (amount_cents -1 is a 400), so HTTP, JSON parsing, the key lookup and the schema run and
    // nothing is sealed. These requests are not counted with (b).
    const refusedBody = JSON.stringify({ ...decisionRequest(1), amount_cents: -1 });
    const refused = [{ method: 'POST', path: '/api/decision', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: refusedBody }];
    await cannon({ url: server.url, requests: refused, duration: 1 });
    const refusedCpuBefore = processCpuSeconds(server.child.pid);
    const refusedRun = await cannon({ url: server.url, requests: refused, duration: Math.max(1, DURATION / 2) });
    result.refused = {
      rps: refusedRun.requests.average,
      statusOk: refusedRun['2xx'] === 0 && refusedRun.non2xx === refusedRun.requests.total,
      cpuMicros: ((processCpuSeconds(server.child.pid) - refusedCpuBefore) * 1e6) / refusedRun.requests.total,
    };
  } finally {
    await stop(server);
  }

  const acknowledged = responses.map((body) => JSON.parse(body).intent_id);
  // The server is stopped: check its ledger directly.
  const db = new Database(join(dataDir, 'axiru.sqlite'), { readonly: true });
  const has = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision' AND intent_id = ?").pluck();
  const missing = acknowledged.filter((id) => has.get(id) !== 1).length;
  const sealed = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision'").pluck().get();
  db.close();
  const verify = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'compiler/bin/axiru.js'), 'audit', 'verify', '--data', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => resolve({ code, reports: out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) }));
  });
  if (process.env.BENCH_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  return { ...result, acknowledged: acknowledged.length, sealed, missing, verify };
}

/** (c): bench/server/sealing.mjs in a process of its own; its one JSON line. */
function benchSealing() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench/server/sealing.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`sealing benchmark exited with ${code}`))));
  });
}

const ms = (value) => `${value.toFixed(2)} ms`;
console.log(`axiru server benchmark: ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s measured; `
  + `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);
const hello = await benchHello();
console.log(`(a) fastify hello-world POST: ${hello.rps.toFixed(0)} req/s, p50 ${ms(hello.p50)}, p99 ${ms(hello.p99)}`);
const decision = await benchDecision();
console.log(`(b) POST /api/decision (sealed, synchronous=FULL): ${decision.rps.toFixed(0)} req/s, p50 ${ms(decision.p50)}, p99 ${ms(decision.p99)}, max ${ms(decision.max)}`);
console.log(`    server CPU: ${decision.cpuMicrosPerDecision.toFixed(0)} µs per decision (all threads, from /proc)`);
console.log(`    group commit: ${decision.batches} transactions, ${decision.meanBatch.toFixed(1)} decisions each on average, `
  + `${decision.meanCommitMs.toFixed(2)} ms per transaction (sealing + durable commit)`);
console.log(`(d) the same route refused at validation (400, nothing sealed): ${decision.refused.rps.toFixed(0)} req/s, `
  + `${decision.refused.cpuMicros.toFixed(0)} µs of server CPU each: HTTP, JSON, the key lookup and the schema`);
const sealing = await benchSealing();
console.log(`(c) the decision service alone, no HTTP (${CONNECTIONS} concurrent callers): ${sealing.decisions_per_s} decisions/s, `
  + `${sealing.cpu_us_per_decision} µs of CPU each (all threads); fsync of a 40 KB write: p50 ${sealing.fsync_ms_p50} ms, p90 ${sealing.fsync_ms_p90} ms`);
const ratio = decision.rps / hello.rps;
// What a third of (a) leaves per decision: the machine's cores, less nothing for the client.
const budget = (availableParallelism() * 1e6) / (hello.rps / 3);
console.log(`at a/3 = ${(hello.rps / 3).toFixed(0)} decisions/s, the ${availableParallelism()} cores allow at most ${budget.toFixed(0)} µs of CPU per decision `
  + `(server and load generator together); (c) alone uses ${sealing.cpu_us_per_decision} µs`);
console.log(`ratio b/a: ${ratio.toFixed(3)} (target >= 0.333); p99 target < 20 ms`);
const chainsOk = decision.verify.code === 0 && decision.verify.reports.every((report) => report.ok);
console.log(`ledger: ${decision.acknowledged} decisions acknowledged with 200, ${decision.sealed} sealed (the difference: requests still in flight when a phase ended), `
  + `${decision.missing} acknowledged but missing, non-2xx ${decision.non2xx}, errors ${decision.errors}; `
  + `chains ${chainsOk ? 'verify' : 'DO NOT verify'} (${decision.verify.reports.map((r) => `${r.records} records`).join(', ')})`);
const failures = [];
// Sealed may exceed acknowledged by the requests autocannon abandoned when a phase ended
// (sealed, but their responses were not read); it may never be lower.
if (decision.missing > 0 || decision.sealed < decision.acknowledged) failures.push('acknowledged decisions missing from the ledger');
if (!chainsOk) failures.push('chain verification failed');
if (decision.non2xx > 0 || decision.errors > 0) failures.push('non-2xx responses or errors');
if (!decision.refused.statusOk) failures.push('the refused requests were not all refused');
if (ratio < 1 / 3) console.log('note: below the b >= a/3 target');
if (decision.p99 >= 20) console.log('note: p99 above the 20 ms target');
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exitCode = 1;
}
