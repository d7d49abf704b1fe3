// npm run bench:server -- --engine postgres (or --database-url URL): the server benchmark on
// PostgreSQL, all in one run on one cluster with fsync and synchronous_commit on:
//
// - (e) the durable-append baseline (bench/server/append.mjs through the server's own
//   PostgresStore: a ~1 KB SHA-256-chained record per request, the organisation's advisory lock
//   in the sealing transaction, group commit), at 10 and at 30 connections;
// - (b) `POST /api/decision` on one `axiru serve --database-url`, at 10 and at 30 connections;
// - (b3) the same on three `axiru serve` processes on one database, 30 connections spread over
//   them in turn (10 each), one organisation, so every decision goes through the same chain.
//
// Each phase has a fresh database. Afterwards every intent answered with 200 is looked for in
// the ledger (exactly once) and every chain is verified with `axiru audit verify
// --database-url`; a missing decision, a bad chain or a non-2xx answer fails the run.
//
// Without --database-url a throwaway cluster is started as the tests start theirs
// (server/src/storage/postgres/throwawayCluster.ts: initdb and pg_ctl on a temporary folder and
// a free loopback port, as the `postgres` OS user when run as root) and removed at the end. With
// --database-url URL, the databases are made on that server (its user must be allowed to
// CREATE DATABASE) and dropped at the end. `--quick`: 1 s warm-up and 1 s measured, the same
// code and checks; its figures mean nothing.

import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres, redactUrl } from '../../server/dist/storage/postgres/openPostgres.js';
import { startCluster, withDatabase } from '../../server/dist/storage/postgres/throwawayCluster.js';
import { cannon, processCpuSeconds, ROOT, startProcess, stop, summary } from './processes.mjs';
import { appendRequests, decisionBody } from './requests.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SERVERS = 3;
/** The load of the several-server phase: CONNECTIONS per server. */
const SPREAD = CONNECTIONS * SERVERS;
const SECRETS_KEY = randomBytes(32).toString('base64');
const UNLIMITED = JSON.stringify({ decision_per_key: { rate_per_second: 1e9, burst: 1e9 }, decision_per_org: { rate_per_second: 1e9, burst: 1e9 } });
const AXIRU = join(ROOT, 'compiler/bin/axiru.js');

const ms = (value) => `${value.toFixed(2)} ms`;

/**
 * CPU seconds of the whole PostgreSQL cluster so far: the postmaster and its children (the
 * backends serving the servers, the WAL writer, the checkpointer). Backends live as long as
 * their pooled connections, which outlast a measured phase. Null for a server we did not start.
 */
function clusterCpuSeconds(postmasterPid) {
  if (postmasterPid === null) return null;
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(name) === postmasterPid || Number(fields[1]) === postmasterPid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/** Runs `axiru` with the benchmark's secrets key; its exit code and stdout. */
function axiru(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AXIRU, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, AXIRU_SECRETS_KEY: SECRETS_KEY } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

export async function benchPostgres({ databaseUrl, json }) {
  const loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const cluster = databaseUrl ? null : await startCluster({ fast: false, settings: { synchronous_commit: 'on' } });
  const adminUrl = databaseUrl ?? cluster.url;
  const postmasterPid = cluster ? Number(readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) : null;
  const admin = openPostgres(adminUrl, { max: 1 });
  const prefix = `axiru_bench_${randomBytes(4).toString('hex')}_`;
  const made = [];
  const scratch = mkdtempSync(join(tmpdir(), 'axiru-bench-pg-'));
  const version = (await admin.unsafe('SHOW server_version'))[0].server_version;
  console.log(`axiru server benchmark on PostgreSQL ${version} (${cluster ? 'a throwaway cluster, fsync on' : redactUrl(adminUrl)}, `
    + `synchronous_commit ${(await admin.unsafe('SHOW synchronous_commit'))[0].synchronous_commit}): ${CONNECTIONS} and ${SPREAD} connections, `
    + `${WARMUP} s warm-up, ${DURATION} s measured; ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; `
    + `load average at start ${loadAverage}`);

  async function freshDatabase(label) {
    const name = `${prefix}${label}`;
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    made.push(name);
    return withDatabase(adminUrl, name);
  }

  /** (e) at `connections` on a fresh database; its appended records are counted afterwards. */
  async function benchAppend(connections) {
    const url = await freshDatabase(`append${connections}`);
    const server = await startProcess([join(ROOT, 'bench/server/append.mjs')], /^listening (http:\/\/127\.0\.0\.1:\d+) /, {
      BENCH_APPEND_DATA: mkdtempSync(join(scratch, 'append-')), BENCH_APPEND_DATABASE_URL: url, AXIRU_SECRETS_KEY: SECRETS_KEY,
    });
    const { requests, counted } = appendRequests();
    let result;
    try {
      await cannon({ url: server.url, requests, duration: WARMUP, connections });
      const cpuBefore = processCpuSeconds(server.child.pid);
      const dbBefore = clusterCpuSeconds(postmasterPid);
      const measured = await cannon({ url: server.url, requests, duration: DURATION, connections });
      result = summary(measured);
      result.cpuMicros = ((processCpuSeconds(server.child.pid) - cpuBefore) * 1e6) / measured.requests.total;
      result.dbCpuMicros = dbBefore === null ? null : ((clusterCpuSeconds(postmasterPid) - dbBefore) * 1e6) / measured.requests.total;
    } finally {
      await stop(server);
    }
    const db = openPostgres(url, { max: 1 });
    try {
      const [row] = await db.unsafe('SELECT COUNT(*)::int AS n, AVG(LENGTH(body) + 200)::int AS bytes FROM ledger');
      result.appended = row.n;
      result.recordBytes = row.bytes;
    } finally {
      await db.end();
    }
    result.acknowledged = counted.acknowledged;
    return result;
  }

  /** (b) on `serverCount` servers of one fresh database, `connections` spread over them in turn. */
  async function benchDecision(serverCount, connections) {
    const url = await freshDatabase(`decide${serverCount}x${connections}`);
    const env = { AXIRU_SECRETS_KEY: SECRETS_KEY, AXIRU_RATE_LIMITS: UNLIMITED };
    const serve = () => startProcess(
      [AXIRU, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', mkdtempSync(join(scratch, 'serve-')), '--database-url', url, '--log-level', 'warn'],
      /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/, env);
    // The first creates the demo organisation and prints its keys; the others find it.
    const servers = [await serve()];
    try {
      for (let i = 1; i < serverCount; i += 1) servers.push(await serve());
    } catch (error) {
      await Promise.all(servers.map(stop));
      throw error;
    }
    const key = servers[0].lines.find((line) => line.startsWith('AXIRU_DECISION_KEY='))?.split('=')[1];
    const responses = [];
    const requests = Array.from({ length: 500 }, () => ({
      method: 'POST', path: '/api/decision', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: decisionBody(),
      onResponse: (status, body) => { if (status >= 200 && status < 300) responses.push(body); },
    }));
    const urls = servers.map((server) => server.url);
    let result;
    try {
      if (!key) throw new Error('the first server printed no decision key');
      await cannon({ url: urls, requests, duration: WARMUP, connections });
      const cpuBefore = servers.map((server) => processCpuSeconds(server.child.pid));
      const dbBefore = clusterCpuSeconds(postmasterPid);
      const measured = await cannon({ url: urls, requests, duration: DURATION, connections });
      result = summary(measured);
      const serverCpu = servers.reduce((sum, server, i) => sum + processCpuSeconds(server.child.pid) - cpuBefore[i], 0);
      result.cpuMicros = (serverCpu * 1e6) / measured.requests.total;
      result.dbCpuMicros = dbBefore === null ? null : ((clusterCpuSeconds(postmasterPid) - dbBefore) * 1e6) / measured.requests.total;
      let batches = 0;
      let batched = 0;
      for (const server of servers) {
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
        batches += value('axiru_group_commit_batch_size_count');
        batched += value('axiru_group_commit_batch_size_sum');
      }
      result.meanBatch = batched / batches;
    } finally {
      await Promise.all(servers.map(stop));
    }

    const acknowledged = responses.map((body) => JSON.parse(body).intent_id);
    const db = openPostgres(url, { max: 1 });
    let counts;
    try {
      const rows = await db.unsafe("SELECT intent_id, COUNT(*)::int AS n FROM ledger WHERE kind = 'decision' GROUP BY intent_id");
      counts = new Map(rows.map((row) => [row.intent_id, row.n]));
    } finally {
      await db.end();
    }
    const missing = acknowledged.filter((id) => counts.get(id) !== 1).length;
    const sealed = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const verify = await axiru(['audit', 'verify', '--database-url', url, '--data', mkdtempSync(join(scratch, 'verify-'))]);
    const reports = verify.out.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    return { ...result, acknowledged: acknowledged.length, sealed, missing, verify: { code: verify.code, reports } };
  }

  const failures = [];
  try {
    const append = await benchAppend(CONNECTIONS);
    const appendSpread = await benchAppend(SPREAD);
    for (const [connections, run] of [[CONNECTIONS, append], [SPREAD, appendSpread]]) {
      console.log(`(e) durable append on PostgreSQL (~${run.recordBytes} B chained records, group commit, synchronous commit), ${connections} connections: `
        + `${run.rps.toFixed(0)} req/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, ${run.cpuMicros.toFixed(0)} µs of server CPU`
        + `${run.dbCpuMicros === null ? '' : ` and ${run.dbCpuMicros.toFixed(0)} µs of PostgreSQL CPU`} each`);
      if (run.errors > 0 || run.non2xx > 0 || run.appended < run.acknowledged) failures.push(`(e) at ${connections}: appends lost or refused`);
    }
    const one = await benchDecision(1, CONNECTIONS);
    const oneSpread = await benchDecision(1, SPREAD);
    const three = await benchDecision(SERVERS, SPREAD);
    const runs = [[`1 server, ${CONNECTIONS} connections`, one], [`1 server, ${SPREAD} connections`, oneSpread], [`${SERVERS} servers, ${SPREAD} connections (${CONNECTIONS} each)`, three]];
    for (const [name, run] of runs) {
      console.log(`(b) POST /api/decision on PostgreSQL, ${name}: ${run.rps.toFixed(0)} req/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, max ${ms(run.max)}; `
        + `${run.cpuMicros.toFixed(0)} µs of server CPU${run.dbCpuMicros === null ? '' : ` and ${run.dbCpuMicros.toFixed(0)} µs of PostgreSQL CPU`} each, `
        + `${run.meanBatch.toFixed(1)} decisions per transaction`);
      const chainsOk = run.verify.code === 0 && run.verify.reports.length > 0 && run.verify.reports.every((report) => report.ok);
      console.log(`    ledger: ${run.acknowledged} acknowledged with 200, ${run.sealed} sealed (the difference: requests in flight when the phase ended), `
        + `${run.missing} acknowledged but not there exactly once, non-2xx ${run.non2xx}, errors ${run.errors}; `
        + `chains ${chainsOk ? 'verify' : 'DO NOT verify'} (${run.verify.reports.map((r) => `${r.records} records`).join(', ')})`);
      if (run.missing > 0 || run.sealed < run.acknowledged) failures.push(`${name}: acknowledged decisions missing from the ledger`);
      if (!chainsOk) failures.push(`${name}: chain verification failed`);
      if (run.non2xx > 0 || run.errors > 0) failures.push(`${name}: non-2xx responses or errors`);
    }
    const figures = {
      engine: 'postgres',
      postgres_version: version,
      load_average: loadAverage,
      connections: CONNECTIONS,
      spread_connections: SPREAD,
      e_rps: Math.round(append.rps), e_p50_ms: append.p50, e_p99_ms: append.p99,
      e_cpu_us: Math.round(append.cpuMicros), e_db_cpu_us: append.dbCpuMicros === null ? null : Math.round(append.dbCpuMicros),
      e_spread_rps: Math.round(appendSpread.rps), e_spread_p99_ms: appendSpread.p99,
      b_rps: Math.round(one.rps), b_p50_ms: one.p50, b_p99_ms: one.p99,
      b_cpu_us: Math.round(one.cpuMicros), b_db_cpu_us: one.dbCpuMicros === null ? null : Math.round(one.dbCpuMicros),
      b_spread_rps: Math.round(oneSpread.rps), b_spread_p50_ms: oneSpread.p50, b_spread_p99_ms: oneSpread.p99,
      b3_rps: Math.round(three.rps), b3_p50_ms: three.p50, b3_p99_ms: three.p99,
      b3_cpu_us: Math.round(three.cpuMicros), b3_db_cpu_us: three.dbCpuMicros === null ? null : Math.round(three.dbCpuMicros),
      ratio_b_e: +(one.rps / append.rps).toFixed(3),
      ratio_b3_e: +(three.rps / appendSpread.rps).toFixed(3),
      ratio_b3_b1: +(three.rps / oneSpread.rps).toFixed(3),
    };
    console.log(`ratio b/e (1 server, ${CONNECTIONS} connections): ${figures.ratio_b_e}; b3/e at ${SPREAD} connections: ${figures.ratio_b3_e}; `
      + `${SERVERS} servers / 1 server at ${SPREAD} connections: ${figures.ratio_b3_b1}`);
    if (json) writeFileSync(json, `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    if (!cluster) {
      for (const name of made) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`FAILED: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}
