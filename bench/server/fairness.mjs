// npm run bench:fairness — fair share between organisations on the sealing path (issue 19).
//
// One `axiru serve` process on loopback, with two organisations on acme: the flood sends
// decisions on FLOOD connections (default 50, autocannon, as fast as the server answers: the
// server's full capacity; rate limits are lifted so the flood reaches the sealing path rather
// than a 429), while the quiet organisation sends 20 decisions a second, open loop (one every
// 50 ms whatever the answers), on a connection of its own. Printed: the quiet organisation's
// p50/p99/max and refusals, alone first and then under the flood, and the flood's throughput.
// Target: quiet p99 under 50 ms under the flood, none refused. Afterwards every quiet decision
// answered 200 must be in the ledger once, and the chains must verify.
//
// Options: --quick (CI: 2 s, figures meaningless), --json FILE. Env: BENCH_DURATION (s, default
// 20), BENCH_FLOOD_CONNECTIONS (default 50), BENCH_QUIET_RATE (per second, default 20).

import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { decisionRequest } from './requests.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AXIRU = join(ROOT, 'compiler/bin/axiru.js');
const UNLIMITED = JSON.stringify({ decision_per_key: { rate_per_second: 1e9, burst: 1e9 }, decision_per_org: { rate_per_second: 1e9, burst: 1e9 } });

function quantile(sorted, q) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function startServer(dataDir) {
  const child = spawn(process.execPath, [AXIRU, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, AXIRU_RATE_LIMITS: UNLIMITED },
  });
  const lines = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    exited.then(({ code, signal }) => reject(new Error(`axiru serve exited early (${code ?? signal})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const match = /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/.exec(line);
      if (match) resolve({ child, url: match[1], lines, exited });
    });
  });
}

/** A second organisation, created by the CLI next to the running server; its decision key. */
function createOrg(dataDir, name) {
  const run = spawnSync(process.execPath, [AXIRU, 'orgs', 'create', '--data', dataDir, '--name', name, '--policy', join(ROOT, 'examples/acme.axiru'), '--live'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`axiru orgs create failed: ${run.stderr}`);
  const key = run.stdout.split('\n').find((line) => line.startsWith('AXIRU_DECISION_KEY='))?.split('=')[1];
  if (!key) throw new Error(`no decision key in: ${run.stdout}`);
  return key;
}

/** `rate` decisions a second for `seconds`, open loop, on one keep-alive connection of their own. */
async function quietTraffic(url, key, rate, seconds, firstN) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const latencies = [];
  const statuses = new Map();
  const intents = [];
  const sends = [];
  const started = performance.now();
  const total = Math.max(1, Math.round(rate * seconds));
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const payload = JSON.stringify(decisionRequest(firstN + i));
    const t0 = performance.now();
    sends.push(new Promise((resolve) => {
      const req = request({
        hostname, port, path: '/api/decision', method: 'POST', agent,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          latencies.push(performance.now() - t0);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          if (response.statusCode === 200) intents.push(JSON.parse(Buffer.concat(chunks).toString('utf8')).intent_id);
          resolve();
        });
      });
      req.on('error', () => {
        statuses.set('error', (statuses.get('error') ?? 0) + 1);
        resolve();
      });
      req.end(payload);
    }));
  }
  await Promise.all(sends);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok = statuses.get(200) ?? 0;
  return {
    sent: total, ok, refused: total - ok, statuses: Object.fromEntries(statuses), intents,
    p50_ms: +quantile(latencies, 0.5).toFixed(2), p99_ms: +quantile(latencies, 0.99).toFixed(2), max_ms: +latencies[latencies.length - 1].toFixed(2),
  };
}

/** quietTraffic on a thread of its own, so the flood's client (autocannon, on this thread) cannot delay its sends or its timing. */
function quietTrafficThread(...args) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: args });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function flood(url, key, connections, seconds) {
  const requests = Array.from({ length: 500 }, (_, i) => ({
    method: 'POST', path: '/api/decision',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(decisionRequest(1_000_000 + i)),
  }));
  return new Promise((resolve, reject) => {
    autocannon({ url, requests, connections, pipelining: 1, duration: seconds }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * The whole measurement; resolves with its figures. `seconds` is the flood's length (the quiet
 * organisation sends throughout it, after `seconds / 4` alone as the baseline).
 */
export async function measureFairness({ seconds = 20, floodConnections = 50, quietRate = 20, keep = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'axiru-bench-fairness-'));
  const server = await startServer(dataDir);
  try {
    const floodKey = server.lines.find((line) => line.startsWith('AXIRU_DECISION_KEY='))?.split('=')[1];
    if (!floodKey) throw new Error('the server printed no decision key');
    const quietKey = createOrg(dataDir, 'Quiet');
    const alone = await quietTrafficThread(server.url, quietKey, quietRate, Math.max(1, seconds / 4), 1);
    // The quiet traffic starts once the flood is running and ends before it does.
    const flooding = flood(server.url, floodKey, floodConnections, seconds);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, seconds * 100)));
    const underFlood = await quietTrafficThread(server.url, quietKey, quietRate, Math.max(1, seconds - 2 * Math.min(1, seconds / 10)), 100_000);
    const floodResult = await flooding;
    server.child.kill('SIGTERM');
    await server.exited;

    const db = new Database(join(dataDir, 'axiru.sqlite'), { readonly: true });
    const has = db.prepare("SELECT COUNT(*) FROM ledger WHERE kind = 'decision' AND intent_id = ?").pluck();
    const missing = [...alone.intents, ...underFlood.intents].filter((id) => has.get(id) !== 1).length;
    db.close();
    const verify = spawnSync(process.execPath, [AXIRU, 'audit', 'verify', '--data', dataDir], { encoding: 'utf8' });
    const chainsOk = verify.status === 0 && verify.stdout.trim().split('\n').every((line) => JSON.parse(line).ok === true);
    const strip = ({ intents, ...rest }) => rest;
    return {
      load_average: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      flood_connections: floodConnections,
      flood_rps: Math.round(floodResult.requests.average),
      flood_p99_ms: floodResult.latency.p99,
      flood_non2xx: floodResult.non2xx,
      flood_errors: floodResult.errors + floodResult.timeouts,
      quiet_rate: quietRate,
      quiet_alone: strip(alone),
      quiet: strip(underFlood),
      quiet_p50_ms: underFlood.p50_ms,
      quiet_p99_ms: underFlood.p99_ms,
      quiet_refused: underFlood.refused + alone.refused,
      quiet_missing_from_ledger: missing,
      chains_verify: chainsOk,
    };
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (keep) console.error(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

if (!isMainThread) {
  parentPort.postMessage(await quietTraffic(...workerData));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({ options: { json: { type: 'string' }, quick: { type: 'boolean' } } });
  const seconds = Number(process.env.BENCH_DURATION ?? (args.quick ? 2 : 20));
  const figures = await measureFairness({
    seconds,
    floodConnections: Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 50),
    quietRate: Number(process.env.BENCH_QUIET_RATE ?? 20),
    keep: process.env.BENCH_KEEP === '1',
  });
  console.log(`axiru fairness benchmark: load average ${figures.load_average}; ${seconds} s`);
  console.log(`quiet organisation alone, ${figures.quiet_rate}/s: p50 ${figures.quiet_alone.p50_ms} ms, p99 ${figures.quiet_alone.p99_ms} ms, refused ${figures.quiet_alone.refused}`);
  console.log(`flood, ${figures.flood_connections} connections: ${figures.flood_rps} decisions/s, p99 ${figures.flood_p99_ms} ms`);
  console.log(`quiet organisation under the flood, ${figures.quiet_rate}/s: p50 ${figures.quiet_p50_ms} ms, p99 ${figures.quiet_p99_ms} ms, max ${figures.quiet.max_ms} ms, `
    + `refused ${figures.quiet.refused} of ${figures.quiet.sent} (target: p99 < 50 ms, none refused)`);
  console.log(`ledger: ${figures.quiet_missing_from_ledger} acknowledged quiet decisions missing; chains ${figures.chains_verify ? 'verify' : 'DO NOT verify'}`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
  const failures = [];
  if (figures.quiet_refused > 0) failures.push('quiet requests refused');
  if (figures.quiet_missing_from_ledger > 0) failures.push('acknowledged decisions missing');
  if (!figures.chains_verify) failures.push('chain verification failed');
  if (figures.flood_errors > 0 || figures.flood_non2xx > 0) failures.push('the flood had errors or non-2xx answers');
  if (figures.quiet_p99_ms >= 50) console.log('note: quiet p99 above the 50 ms target');
  if (failures.length > 0) {
    console.error(`FAILED: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
}
