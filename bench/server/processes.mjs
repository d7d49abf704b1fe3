// What the server benchmarks share: starting a process and waiting for its ready line, stopping
// it, reading its CPU time from /proc, and running autocannon without its tables.

import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a node process and resolves once a stdout line matches `ready` (its group 1 is the URL). */
export function startProcess(args, ready, env = {}) {
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

export async function stop(server) {
  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  if (code !== 0 && signal !== 'SIGTERM') throw new Error(`server exited with ${code ?? signal}`);
}

/** User + system CPU seconds a process has used so far (all its threads), from /proc. */
export function processCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One autocannon run; `url` may be a list, over which the connections are spread in turn. */
export function cannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ pipelining: 1, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

export function summary(result) {
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
