// Replay throughput against its ceiling, in one run: node examples/history/dist/measureReplay.js
//   [--history FILE] [--policy POLICY.axiru] [--runs N] [--quick]
// Without --history it measures examples/history/out/unified_payments.csv, generating it first
// when missing (100,000 refunds, 90 days, seed 7: `npm run gen:history`'s defaults), and keeps it
// for the next run. `--quick` measures a 1,000-refund history kept in .bench-tmp/replay instead:
// the same code, for CI; its figures mean nothing.
// Each measurement runs in its own child process so that its peak RSS is its own:
// - parse: the same CSV through csv-parse alone (streaming, arrays, nothing else): the ceiling;
// - replay: `replay()` of the same file through the policy (reading, facts, time order, decisions).
// Rates are CSV data rows per second for both, so they compare directly.

import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { compile, replay } from '@axiru/compiler';
import { loadPolicy } from '@axiru/runtime';
import { cachedHistory, type HistorySize } from './cachedHistory.js';

interface Measurement {
  readonly rows: number;
  readonly refunds: number;
  readonly seconds: number;
  readonly maxRssMb: number;
}

const here = dirname(fileURLToPath(import.meta.url));

async function parseOnly(file: string): Promise<Measurement> {
  const start = performance.now();
  let rows = 0;
  const parser = createReadStream(file).pipe(parse({ bom: true }));
  await new Promise<void>((resolve, reject) => {
    parser.on('readable', () => {
      while (parser.read() !== null) rows++;
    });
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  const seconds = (performance.now() - start) / 1000;
  return { rows: rows - 1, refunds: 0, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function replayOnly(file: string, policyPath: string): Promise<Measurement> {
  const start = performance.now();
  const result = compile(readFileSync(policyPath, 'utf8'), { fileName: policyPath, examples: false });
  if (!result.ir) throw new Error(`${policyPath} does not compile`);
  const report = await replay(loadPolicy(result.ir), [file]);
  const seconds = (performance.now() - start) / 1000;
  return { rows: 0, refunds: report.refunds, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function child(mode: 'parse' | 'replay', file: string, policy: string): Measurement {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, '--history', file, '--policy', policy], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Measurement;
}

const { values } = parseArgs({
  options: {
    history: { type: 'string' },
    policy: { type: 'string', default: join(here, '..', '..', 'acme.axiru') },
    runs: { type: 'string', default: '1' },
    child: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const policy = values.policy;

/** The history to measure: the one named, else the cached generated one (made on first use). */
async function historyFile(): Promise<string> {
  if (values.history !== undefined) {
    if (existsSync(values.history)) return values.history;
    process.stderr.write(`bench:replay: ${values.history} does not exist; make one with: npm run gen:history -- --refunds 100000 --out DIR (or leave out --history)\n`);
    process.exit(1);
  }
  const root = join(here, '..', '..', '..');
  const [dir, size]: [string, HistorySize] = values.quick
    ? [join(root, '.bench-tmp', 'replay', 'history-1000'), { refunds: 1_000, days: 30, seed: 7 }]
    : [join(here, '..', 'out'), { refunds: 100_000, days: 90, seed: 7 }];
  return cachedHistory(dir, size, (line) => process.stdout.write(`${line}\n`));
}
const file = values.child === undefined ? await historyFile() : (values.history as string);

if (values.child === 'parse') process.stdout.write(JSON.stringify(await parseOnly(file)));
else if (values.child === 'replay') process.stdout.write(JSON.stringify(await replayOnly(file, policy)));
else {
  const runs = Math.max(1, Number(values.runs));
  const mb = statSync(file).size / 1e6;
  const rate = (rows: number, m: Measurement) => Math.round(rows / m.seconds);
  for (let i = 0; i < runs; i++) {
    const p = child('parse', file, policy);
    const r = child('replay', file, policy);
    process.stdout.write(
      [
        `${file}: ${mb.toFixed(1)} MB, ${p.rows.toLocaleString('en-US')} CSV rows, ${r.refunds.toLocaleString('en-US')} refunds (${policy})`,
        `  csv-parse only  ${p.seconds.toFixed(2)} s  ${rate(p.rows, p).toLocaleString('en-US')} rows/s  peak RSS ${p.maxRssMb.toFixed(0)} MB`,
        `  replay          ${r.seconds.toFixed(2)} s  ${rate(p.rows, r).toLocaleString('en-US')} rows/s  peak RSS ${r.maxRssMb.toFixed(0)} MB  (${((100 * p.seconds) / r.seconds).toFixed(0)}% of the parse-only rate)`,
      ].join('\n') + '\n',
    );
  }
}
