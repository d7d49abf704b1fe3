// npm run bench:audit — offline verification of a 1,000,000-record exported audit bundle.
//
// Generates the bundle (bench/audit/generate.mjs; BENCH_AUDIT_RECORDS to change the size), then,
// in this one process and run: (1) the ceiling, plain SHA-256 over the same bytes, measured two
// ways: one streaming hash of the whole file, and one hash per line (the least any verifier of
// per-record hashes does; with crypto.hash, the cheapest one-shot hash Node has, where it
// exists); (2) `verifyBundleFile` on this thread and `verifyBundleParallel`, which is what
// `axiru audit verify-export` runs. The ceilings and the parallel verification each take the
// fastest of BENCH_RUNS runs (default 3). Prints records/s, seconds and the ratios to both ceilings;
// the target (at least 1/2) is judged against the whole-file one. BENCH_KEEP=1 keeps the bundle;
// BENCH_AUDIT_BUNDLE=FILE measures an existing bundle (FILE.pem its key) instead of generating one.
// `--quick` (npm run bench:audit -- --quick): 2,000 records and one run of each, the same code and
// checks, for CI; its figures mean nothing.

import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyBundleFile } from '../../server/dist/audit/BundleVerifier.js';
import { verifyBundleParallel } from '../../server/dist/audit/verifyBundleParallel.js';
import { parsePublicKeys } from '../../server/dist/audit/checkpoint.js';

const QUICK = process.argv.includes('--quick');
const existing = process.env.BENCH_AUDIT_BUNDLE;
const dir = mkdtempSync(join(tmpdir(), 'axiru-bench-audit-'));
const bundle = existing ?? join(dir, 'bundle.jsonl');
function headerOf(file) {
  const fd = openSync(file, 'r');
  try {
    const start = Buffer.alloc(4096);
    const read = readSync(fd, start, 0, start.length, 0);
    return JSON.parse(start.subarray(0, read).toString('utf8').split('\n')[0]);
  } finally {
    closeSync(fd);
  }
}
const RECORDS = existing ? headerOf(bundle).records : Number(process.env.BENCH_AUDIT_RECORDS ?? (QUICK ? 2_000 : 1_000_000));

/** Seconds of the fastest of RUNS runs of `work` (the ceilings and the verification alike). */
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3));
function best(work) {
  let fastest = Infinity;
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}
async function bestAsync(work) {
  let fastest = Infinity;
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    await work();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

function eachChunk(file, work) {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) return;
      work(chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
}

try {
  let started = performance.now();
  if (!existing) {
    execFileSync(process.execPath, [fileURLToPath(new URL('./generate.mjs', import.meta.url)), bundle, '--records', String(RECORDS)], { stdio: 'inherit' });
  }
  const bytes = statSync(bundle).size;
  if (!existing) console.log(`generated ${RECORDS} records, ${(bytes / 1e6).toFixed(0)} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // Warm the page cache so that both measurements read from memory.
  eachChunk(bundle, () => undefined);

  const wholeSeconds = best(() => {
    const whole = crypto.createHash('sha256');
    eachChunk(bundle, (chunk) => whole.update(chunk));
    whole.digest();
  });

  // The cheapest one-shot form: crypto.hash answering a latin1 string (a Buffer answer costs
  // more than hashing a 1 KB line; the verifier asks for strings too).
  const hashLine = typeof crypto.hash === 'function'
    ? (line) => crypto.hash('sha256', line, 'binary')
    : (line) => crypto.createHash('sha256').update(line).digest('binary');
  let lines = 0;
  const perLineSeconds = best(() => {
    let carry = Buffer.alloc(0);
    lines = 0;
    eachChunk(bundle, (chunk) => {
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      let newline = data.indexOf(10, start);
      while (newline !== -1) {
        hashLine(data.subarray(start, newline));
        lines += 1;
        start = newline + 1;
        newline = data.indexOf(10, start);
      }
      carry = Buffer.from(data.subarray(start));
    });
  });

  const trustedKeys = parsePublicKeys(readFileSync(`${bundle}.pem`, 'utf8'));
  started = performance.now();
  const single = verifyBundleFile(bundle, { trustedKeys });
  const singleSeconds = (performance.now() - started) / 1000;
  if (!single.ok || single.records !== RECORDS) throw new Error(`verification failed: ${JSON.stringify(single)}`);

  let report;
  const verifySeconds = await bestAsync(async () => {
    report = await verifyBundleParallel(bundle, { trustedKeys });
    if (!report.ok || report.records !== RECORDS) throw new Error(`verification failed: ${JSON.stringify(report)}`);
  });

  const rate = (seconds) => Math.round(RECORDS / seconds);
  console.log(JSON.stringify({
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`, node: process.version,
    records: RECORDS, bytes, lines, checkpoints: report.checkpoints,
    ceiling_whole_file_sha256: { seconds: +wholeSeconds.toFixed(2), records_per_s: rate(wholeSeconds), mb_per_s: Math.round(bytes / 1e6 / wholeSeconds) },
    ceiling_per_line_sha256: { seconds: +perLineSeconds.toFixed(2), records_per_s: rate(perLineSeconds) },
    verify_one_thread: { seconds: +singleSeconds.toFixed(2), records_per_s: rate(singleSeconds) },
    verify: { seconds: +verifySeconds.toFixed(2), records_per_s: rate(verifySeconds), workers: availableParallelism() },
    load_average: loadavg().map((load) => +load.toFixed(2)),
    ratio_to_whole_file_ceiling: +(wholeSeconds / verifySeconds).toFixed(3),
    ratio_to_per_line_ceiling: +(perLineSeconds / verifySeconds).toFixed(3),
  }, null, 2));
} finally {
  if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${bundle}`);
}
