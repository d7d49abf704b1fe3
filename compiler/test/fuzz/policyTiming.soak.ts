// The time bound of the policy checker: no input of at most 64 KB takes more than 1 s to check
// (compile + format). Run by `npm run test:soak`, not by the CI suite: it measures time, and the
// CI machine is shared. The inputs are the soak fuzz's (policyFuzz.test.ts with
// AXIRU_POLICY_FUZZ_COUNT, 20,000 in the soak) and the regression corpus. Time is this
// process's CPU time (process.cpuUsage), so waiting for a core does not count; a calibration
// makes the bound mean the same on a slower machine: compiling examples/acme.axiru is timed
// first, and the 1 s bound is scaled by how much slower that is than REFERENCE_MS (what it
// takes on an unloaded 2-core machine).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, formatPolicy } from '@axiru/compiler';
import { ACME } from '../helpers/paths.js';
import { mutants } from './policyMutations.js';

const REFERENCE_MS = Number(process.env['AXIRU_ACME_REFERENCE_MS'] ?? 20);
const COUNT = Number(process.env['AXIRU_POLICY_TIMING_COUNT'] ?? process.env['AXIRU_POLICY_FUZZ_COUNT'] ?? 3_000);
const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));
const SEED = Number(process.env['AXIRU_POLICY_FUZZ_SEED'] ?? 1919);

/** Milliseconds of CPU (user + system) that `run` took. */
function cpuMs(run: () => void): number {
  const started = process.cpuUsage();
  run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function median(run: () => void, times: number): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) samples.push(cpuMs(run));
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

describe('time to check one policy input', () => {
  it('stays under 1 s per input of at most 64 KB (scaled by a calibration)', () => {
    const acme = readFileSync(ACME, 'utf8');
    median(() => compile(acme), 10);
    const calibration = median(() => compile(acme), 30);
    const scale = Math.max(1, calibration / REFERENCE_MS);
    const slowest: Array<{ ms: number; compile: number; format: number; what: string; size: number }> = [];
    const time = (text: string, what: string) => {
      const compileMs = cpuMs(() => compile(text));
      const formatMs = cpuMs(() => formatPolicy(text));
      slowest.push({ ms: compileMs + formatMs, compile: compileMs, format: formatMs, what, size: text.length });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
    };
    let n = 0;
    for (const mutant of mutants(SEED, COUNT)) time(mutant.text, `#${n++} ${mutant.base} [${mutant.mutations.join('+')}]`);
    const corpusFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.axiru'));
    for (const file of corpusFiles) time(readFileSync(join(CORPUS, file), 'utf8'), `corpus/${file}`);
    console.log(`calibration: acme ${calibration.toFixed(1)} ms of CPU (reference ${REFERENCE_MS} ms, scale ${scale.toFixed(2)}); slowest of ${COUNT} mutants and ${corpusFiles.length} corpus inputs:\n`
      + slowest.map((s) => `  ${s.ms.toFixed(0)} ms (compile ${s.compile.toFixed(0)}, format ${s.format.toFixed(0)})  ${s.size} chars  ${s.what}`).join('\n'));
    expect(slowest[0]!.ms).toBeLessThanOrEqual(1000 * scale);
  }, 3_600_000);
});
