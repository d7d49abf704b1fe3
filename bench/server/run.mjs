// npm run bench:server — POST /api/decision with durable sealing against a bare fastify route
// (a) and against the durable-append baseline (e, bench/server/append.mjs: the same engine,
// durability and group commit appending a ~1 KB SHA-256-chained record, nothing else).
// (c) measures the decision service without HTTP (bench/server/sealing.mjs), which bounds (b);
// (d) the same route refused at validation, i.e. everything in (b) before sealing. The scale
// test runs (b) against a ledger of N earlier decisions of one organisation (10,000
// customers), generated once by bench/server/largeLedger.mjs and cached in .bench-tmp/.
//
// Both servers are real processes on loopback, benchmarked one after the other in this run
// with autocannon: 10 connections, a warm-up, then 10 s measured. (a) is a hello-world fastify
// POST route (the ceiling of the HTTP stack); (b) is `axiru serve` on a fresh data folder, so
// every 200 is a decision sealed with synchronous=FULL. Afterwards the server is stopped and
// its ledger is checked: every intent_id answered with 200 must be there, once, and every
// chain must verify.
//
// Options: --json FILE writes the figures as JSON; --large N sets the scale test's ledger size
// (default 1,000,000); --cpu-prof DIR runs the (b) server at 10 connections under node
// --cpu-prof, writing its profile to DIR; --quick is the same code and checks on a short run for
// CI (1 s warm-up, 1 s measured, a 2,000-record ledger): its figures mean nothing. Env:
// BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 10;
// the second load is always 50), BENCH_KEEP=1 keeps data folders.
//
// --engine postgres (or --database-url URL) measures the same on PostgreSQL instead:
// bench/server/postgres.mjs.

import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { largeLedger } from './largeLedger.mjs';
import { cannon as cannonAt, processCpuSeconds, startProcess, stop, summary } from './processes.mjs';
import { appendRequests, decisionBody, decisionRequest } from './requests.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    json: { type: 'string' }, large: { type: 'string' }, quick: { type: 'boolean' }, 'cpu-prof': { type: 'string' },
    engine: { type: 'string' }, 'database-url': { type: 'string' },
  },
});
if (args.quick) {
  // Set in the environment, so that sealing.mjs, started from here, runs as short.
  process.env.BENCH_DURATION ??= '1';
  process.env.BENCH_WARMUP ??= '1';
}
if (args.engine !== undefined && !['sqlite', 'postgres'].includes(args.engine)) {
  throw new Error(`--engine: sqlite (the default) or postgres, not ${args.engine}`);
}
if (args.engine === 'postgres' || args['database-url'] !== undefined) {
  // The PostgreSQL figures are a run of their own (bench/server/postgres.mjs).
  if (args.engine === 'sqlite') throw new Error('--database-url is for --engine postgres');
  const { benchPostgres } = await import('./postgres.mjs');
  await benchPostgres({ databaseUrl: args['database-url'] ?? null, json: args.json ?? null });
  process.exit();
}
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MANY = 50;
const LARGE = Number(args.large ?? (args.quick ? 2_000 : 1_000_000));
if (!Number.isInteger(LARGE) || LARGE < 1) throw new Error('--large: a positive whole number of records');

const cannon = (options) => cannonAt({ connections: CONNECTIONS, ...options });

async function benchHello(connections) {
  const server = await startProcess([join(ROOT, 'bench/server/hello.mjs')], /^listening (http:\/\/127\.0\.0\.1:\d+)$/);
  try {
    const options = {
      url: `${server.url}/hello`, method: 'POST', headers: { 'content-type': 'application/json' }, body: decisionBody(), connections,
    };
    await cannon({ ...options, duration: WARMUP });
    return summary(await cannon({ ...options, duration: DURATION }));
  } finally {
    await stop(server);
  }
}

/** (e): the durable-append baseline, on a fresh data folder; checks its chain afterwards. */
async function benchAppend(connections) {
  const dataDir = mkdtempSync(join(tmpdir(), 'axiru-bench-append-'));
  const server = await startProcess([join(ROOT, 'bench/server/append.mjs')], /^listening (http:\/\/127\.0\.0\.1:\d+) /, { BENCH_APPEND_DATA: dataDir });
  let result;
  const { requests, counted } = appendRequests();
  try {
    await cannon({ url: server.url, requests, duration: WARMUP, connections });
    const cpuBefore = processCpuSeconds(server.child.pid);
    const measured = await cannon({ url: server.url, requests, duration: DURATION, connections });
    result = summary(measured);
    result.cpuMicrosPerAppend = ((processCpuSeconds(server.child.pid) - cpuBefore) * 1e6) / measured.requests.total;
  } finally {
    await stop(server);
  }
  const db = new Database(join(dataDir, 'axiru.sqlite'), { readonly: true });
  result.appended = db.prepare('SELECT COUNT(*) FROM ledger').pluck().get();
  result.recordBytes = Math.round(db.prepare('SELECT AVG(LENGTH(body) + 200) FROM ledger').pluck().get());
  db.close();
  result.acknowledged = counted.acknowledged;
  if (process.env.BENCH_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  return result;
}

/**
 * (b) at `connections`, on a fresh data folder unless `existing` ({ dataDir, key }) names one;
 * with `refused`, (d) too; with `verify`, every chain is verified afterwards.
 */
async function benchDecision(connections, { existing = null, refused: measureRefused = false, verifyChains = true, cpuProfDir = null } = {}) {
  const dataDir = existing?.dataDir ?? mkdtempSync(join(tmpdir(), 'axiru-bench-'));
  const nodeFlags = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [];
  const server = await startProcess(
    [...nodeFlags, join(ROOT, 'compiler/bin/axiru.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn'],
    /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/,
    // Capacity, not the per-key rate limit, is what this measures.
    { AXIRU_RATE_LIMITS: JSON.stringify({ decision_per_key: { rate_per_second: 1e9, burst: 1e9 }, decision_per_org: { rate_per_second: 1e9, burst: 1e9 } }) },
  );
  const key = existing?.key ?? server.lines.find((line) => line.startsWith('AXIRU_DECISION_KEY='))?.split('=')[1];
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
    await cannon({ url: server.url, requests, duration: WARMUP, connections });
    const cpuBefore = processCpuSeconds(server.child.pid);
    const measured = await cannon({ url: server.url, requests, duration: DURATION, connections });
    result = summary(measured);
    result.cpuMicrosPerDecision = ((processCpuSeconds(server.child.pid) - cpuBefore) * 1e6) / measured.requests.total;
    // Group-commit figures from the server's own metrics (whole run, warm-up included).
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    result.batches = value('axiru_group_commit_batch_size_count');
    result.meanBatch = value('axiru_group_commit_batch_size_sum') / result.batches;
    result.meanCommitMs = (value('axiru_group_commit_duration_seconds_sum') / value('axiru_group_commit_duration_seconds_count')) * 1000;
    result.lagAfter = {
      intents: Number(/^axiru_projection_lag_records\{projection="intents"\} (\S+)$/m.exec(metrics)?.[1] ?? NaN),
      merkle: Number(/^axiru_projection_lag_records\{projection="merkle"\} (\S+)$/m.exec(metrics)?.[1] ?? NaN),
    };
    if (measureRefused) {
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
    }
  } finally {
    await stop(server);
  }

  const acknowledged = responses.map((body) => JSON.parse(body).intent_id);
  // The server is stopped: check its ledger directly.
  const db = new Database(join(dataDir, 'axiru.sqlite'), { readonly: true });
  // By the (org_id, intent_id) index: without the organisation the lookup would scan the whole
  // ledger for every acknowledged decision, which on the scale test's million records never ends.
  const has = db.prepare("SELECT COUNT(*) FROM ledger WHERE org_id IN (SELECT id FROM organisations) AND intent_id = ? AND kind = 'decision'").pluck();
  const missing = acknowledged.filter((id) => has.get(id) !== 1).length;
  const sealed = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision'").pluck().get() - (existing?.records ?? 0);
  db.close();
  const verify = !verifyChains ? { code: 0, reports: [] } : await new Promise((resolve) => {
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
const loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`axiru server benchmark: ${CONNECTIONS} and ${MANY} connections, ${WARMUP} s warm-up, ${DURATION} s measured; `
  + `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average at start ${loadAverage}`);

// The scale test's ledger first: generated once (and timed), then only copied.
console.log(`scale test ledger: ${LARGE} earlier decisions of one organisation (10,000 customers)…`);
const ledger = await largeLedger(LARGE, (line) => console.log(`  ${line}`));
console.log(`  ${ledger.cached ? 'cached' : 'generated'}: generation took ${ledger.seconds} s`);

const hello = await benchHello(CONNECTIONS);
console.log(`(a) fastify hello-world POST: ${hello.rps.toFixed(0)} req/s, p50 ${ms(hello.p50)}, p99 ${ms(hello.p99)}`);
const append = await benchAppend(CONNECTIONS);
console.log(`(e) durable append (~${append.recordBytes} B chained records, group commit, fsync before the answer), ${CONNECTIONS} connections: `
  + `${append.rps.toFixed(0)} req/s, p50 ${ms(append.p50)}, p99 ${ms(append.p99)}, ${append.cpuMicrosPerAppend.toFixed(0)} µs of server CPU each`);
const append50 = await benchAppend(MANY);
console.log(`(e) durable append, ${MANY} connections: ${append50.rps.toFixed(0)} req/s, p50 ${ms(append50.p50)}, p99 ${ms(append50.p99)}`);
const decision = await benchDecision(CONNECTIONS, { refused: true, cpuProfDir: args['cpu-prof'] ?? null });
console.log(`(b) POST /api/decision (sealed, durable), ${CONNECTIONS} connections: ${decision.rps.toFixed(0)} req/s, p50 ${ms(decision.p50)}, p99 ${ms(decision.p99)}, max ${ms(decision.max)}`);
console.log(`    server CPU: ${decision.cpuMicrosPerDecision.toFixed(0)} µs per decision (all threads, from /proc)`);
console.log(`    group commit: ${decision.batches} transactions, ${decision.meanBatch.toFixed(1)} decisions each on average, `
  + `${decision.meanCommitMs.toFixed(2)} ms per transaction (sealing + durable commit); projection lag at the end: `
  + `intents ${decision.lagAfter.intents}, merkle ${decision.lagAfter.merkle} records`);
console.log(`(d) the same route refused at validation (400, nothing sealed): ${decision.refused.rps.toFixed(0)} req/s, `
  + `${decision.refused.cpuMicros.toFixed(0)} µs of server CPU each: HTTP, JSON, the key lookup and the schema`);
const decision50 = await benchDecision(MANY);
console.log(`(b) POST /api/decision, ${MANY} connections: ${decision50.rps.toFixed(0)} req/s, p50 ${ms(decision50.p50)}, p99 ${ms(decision50.p99)}, max ${ms(decision50.max)}, `
  + `${decision50.cpuMicrosPerDecision.toFixed(0)} µs of server CPU each, ${decision50.meanBatch.toFixed(1)} decisions per transaction`);
const largeDir = mkdtempSync(join(tmpdir(), 'axiru-bench-large-'));
cpSync(ledger.dir, largeDir, { recursive: true });
const large = await benchDecision(CONNECTIONS, { existing: { dataDir: largeDir, key: ledger.key, records: LARGE }, verifyChains: false });
console.log(`(b) with ${LARGE} earlier records, ${CONNECTIONS} connections: ${large.rps.toFixed(0)} req/s, p50 ${ms(large.p50)}, p99 ${ms(large.p99)}, `
  + `${large.cpuMicrosPerDecision.toFixed(0)} µs of server CPU each`);
const sealing = await benchSealing();
console.log(`(c) the decision service alone, no HTTP (${CONNECTIONS} concurrent callers): ${sealing.decisions_per_s} decisions/s, `
  + `${sealing.cpu_us_per_decision} µs of CPU each (all threads); fsync of a 40 KB write: p50 ${sealing.fsync_ms_p50} ms, p90 ${sealing.fsync_ms_p90} ms`);

const figures = {
  load_average: loadAverage,
  connections: CONNECTIONS,
  a_rps: Math.round(hello.rps),
  e_rps: Math.round(append.rps),
  e50_rps: Math.round(append50.rps),
  e_p99_ms: append.p99,
  b_rps: Math.round(decision.rps),
  b_p50_ms: decision.p50,
  b_p99_ms: decision.p99,
  b50_rps: Math.round(decision50.rps),
  b50_p99_ms: decision50.p99,
  b_cpu_us: Math.round(decision.cpuMicrosPerDecision),
  e_cpu_us: Math.round(append.cpuMicrosPerAppend),
  d_rps: Math.round(decision.refused.rps),
  d_cpu_us: Math.round(decision.refused.cpuMicros),
  c_rps: sealing.decisions_per_s,
  c_cpu_us: sealing.cpu_us_per_decision,
  ratio_b_e: +(decision.rps / append.rps).toFixed(3),
  ratio_b_a: +(decision.rps / hello.rps).toFixed(3),
  large_records: LARGE,
  large_generation_s: ledger.seconds,
  b_large_rps: Math.round(large.rps),
  b_large_p99_ms: large.p99,
  ratio_large: +(large.rps / decision.rps).toFixed(3),
};
console.log(`ratio b/e: ${figures.ratio_b_e} (target >= 0.5); b/a: ${figures.ratio_b_a}; p99 at ${CONNECTIONS} / ${MANY} connections: `
  + `${ms(decision.p99)} / ${ms(decision50.p99)} (target < 20 ms); ratio large/empty: ${figures.ratio_large} (target >= 0.8)`);
const failures = [];
for (const [name, run] of [[`b at ${CONNECTIONS}`, decision], [`b at ${MANY}`, decision50], ['b large', large]]) {
  const chainsOk = run.verify.code === 0 && run.verify.reports.every((report) => report.ok);
  console.log(`ledger (${name}): ${run.acknowledged} decisions acknowledged with 200, ${run.sealed} sealed (the difference: requests still in flight when a phase ended), `
    + `${run.missing} acknowledged but missing, non-2xx ${run.non2xx}, errors ${run.errors}; `
    + (run.verify.reports.length === 0 ? 'chains not verified (scale test)' : `chains ${chainsOk ? 'verify' : 'DO NOT verify'} (${run.verify.reports.map((r) => `${r.records} records`).join(', ')})`));
  // Sealed may exceed acknowledged by the requests autocannon abandoned when a phase ended
  // (sealed, but their responses were not read); it may never be lower.
  if (run.missing > 0 || run.sealed < run.acknowledged) failures.push(`${name}: acknowledged decisions missing from the ledger`);
  if (!chainsOk) failures.push(`${name}: chain verification failed`);
  if (run.non2xx > 0 || run.errors > 0) failures.push(`${name}: non-2xx responses or errors`);
}
if (process.env.BENCH_KEEP !== '1') rmSync(largeDir, { recursive: true, force: true });
if (append.errors > 0 || append.non2xx > 0 || append.appended < append.acknowledged) failures.push('the append baseline lost or refused appends');
if (!decision.refused.statusOk) failures.push('the refused requests were not all refused');
if (figures.ratio_b_e < 0.5) console.log('note: below the b/e >= 0.5 target');
if (decision.p99 >= 20 || decision50.p99 >= 20) console.log('note: p99 above the 20 ms target');
if (figures.ratio_large < 0.8) console.log('note: below the large/empty >= 0.8 target');
if (args.json) writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join('; ')}`);
  process.exitCode = 1;
}
