// Where the server's CPU goes per decision: `axiru serve` on a fresh data folder under
// node --cpu-prof, 10 connections of POST /api/decision for BENCH_DURATION seconds (default
// 10), then the profile's self time grouped by where the code lives, scaled to microseconds
// per decision with the CPU the process used (from /proc, all threads; the profile covers the
// main thread only, so the groups add up to less than the total).
//
//   node bench/server/profile.mjs [--bin path/to/axiru.js] [--out DIR]
// --bin profiles another build (e.g. the one before a change, for a before/after comparison).

import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decisionRequest } from './requests.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({ options: { bin: { type: 'string' }, out: { type: 'string' } } });
const BIN = args.bin ?? join(ROOT, 'compiler/bin/axiru.js');
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const out = args.out ?? mkdtempSync(join(tmpdir(), 'axiru-profile-'));
const dataDir = mkdtempSync(join(tmpdir(), 'axiru-profile-data-'));

const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', out, BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'warn'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Capacity, not the per-key rate limit, is what this profiles (as in run.mjs).
    env: { ...process.env, AXIRU_RATE_LIMITS: JSON.stringify({ decision_per_key: { rate_per_second: 1e9, burst: 1e9 }, decision_per_org: { rate_per_second: 1e9, burst: 1e9 } }) },
  });
const exited = new Promise((resolve) => child.once('exit', resolve));
const lines = [];
const url = await new Promise((resolve) => createInterface({ input: child.stdout }).on('line', (line) => {
  lines.push(line);
  const match = /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/.exec(line);
  if (match) resolve(match[1]);
}));
const key = lines.find((line) => line.startsWith('AXIRU_DECISION_KEY=')).split('=')[1];
const requests = Array.from({ length: 500 }, (_, i) => ({
  method: 'POST', path: '/api/decision', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  body: JSON.stringify(decisionRequest(i + 1)),
}));
const cpu = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const run = (duration) => new Promise((resolve, reject) => autocannon({ url, connections: 10, requests, duration }, (e, r) => (e ? reject(e) : resolve(r))));
await run(2);
const before = cpu();
const result = await run(DURATION);
const cpuSeconds = cpu() - before;
const loadEnded = performance.now();
child.kill('SIGTERM');
await exited;
// The profile covers the whole process (start-up included); only the measured load counts: the
// samples of the DURATION seconds that ended when the shutdown began (its length measured here).
const shutdownUs = (performance.now() - loadEnded) * 1000;
rmSync(dataDir, { recursive: true, force: true });

const decisions = result['2xx'];
if (result.non2xx > 0) console.log(`note: ${result.non2xx} answers were not 2xx; the figures below include them`);
// One profile per thread (the WAL checkpointer is a worker): the main thread's has the most samples.
const profiles = readdirSync(out).filter((name) => name.endsWith('.cpuprofile') && name.includes(`.${child.pid}.`))
  .map((name) => ({ name, profile: JSON.parse(readFileSync(join(out, name), 'utf8')) }))
  .sort((a, b) => b.profile.samples.length - a.profile.samples.length);
const { name: file, profile } = profiles[0];
// Self time per node: samples × the mean interval.
const windowEnd = profile.endTime - shutdownUs;
const windowStart = windowEnd - DURATION * 1e6;
const selfUs = new Map();
let at = profile.startTime;
for (const [index, id] of profile.samples.entries()) {
  const delta = profile.timeDeltas[index];
  at += delta;
  if (at < windowStart || at > windowEnd) continue;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? delta));
}
const groups = new Map();
const functions = new Map();
function group(frame) {
  const url = frame.url;
  if (frame.functionName === '(garbage collector)') return 'garbage collection';
  if (frame.functionName === '(idle)' || frame.functionName === '(program)') return frame.functionName;
  if (url === '') return `native: ${frame.functionName || '(anonymous)'}`;
  if (url.includes('better-sqlite3')) return 'better-sqlite3 (JS side)';
  const inRepo = /\/(runtime|server|compiler)\/(?:dist|src)\/(.*)$/.exec(url);
  if (inRepo) return `${inRepo[1]}/${inRepo[2]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return url;
}
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const name = group(node.callFrame);
  groups.set(name, (groups.get(name) ?? 0) + us);
  const fn = `${node.callFrame.functionName || '(anonymous)'} ${name}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}
const busy = [...groups].filter(([name]) => name !== '(idle)').reduce((sum, [, us]) => sum + us, 0);
console.log(`${decisions} decisions in ${DURATION} s (${(result.requests.average).toFixed(0)} req/s, p99 ${result.latency.p99} ms); `
  + `server CPU ${((cpuSeconds * 1e6) / decisions).toFixed(0)} µs per decision (all threads); main thread busy ${(busy / decisions).toFixed(0)} µs per decision`);
console.log('main-thread self time per decision, by where the code lives:');
for (const [name, us] of [...groups].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`  ${(us / decisions).toFixed(1).padStart(7)} µs  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${name}`);
}
console.log('top functions:');
for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`  ${(us / decisions).toFixed(1).padStart(7)} µs  ${name}`);
}
console.log(`profile: ${join(out, file)}`);
