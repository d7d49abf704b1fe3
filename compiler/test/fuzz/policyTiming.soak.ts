// The time bound of the policy checker: no input of at most 64 KB takes more than 1 s to check
// (compile + format). Run by `npm run test:soak`, not by the CI suite: it measures time, and the
// CI machine is shared. Time is this process's CPU time (process.cpuUsage), so waiting for a
// core does not count; a calibration makes the bound mean the same on a slower machine:
// compiling examples/acme.axiru is timed first, and the 1 s bound is scaled by how much slower
// that is than REFERENCE_MS (what it takes on an unloaded 2-core machine).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, formatPolicy } from '@axiru/compiler';
import { ACME } from '../helpers/paths.js';
import { mutants } from './policyMutations.js';

const REFERENCE_MS = Number(process.env['AXIRU_ACME_REFERENCE_MS'] ?? 20);
const COUNT = Number(process.env['AXIRU_POLICY_TIMING_COUNT'] ?? 3_000);
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
    const slowest: Array<{ ms: number; what: string; size: number }> = [];
    for (const mutant of mutants(SEED, COUNT)) {
      const ms = cpuMs(() => {
        compile(mutant.text);
        formatPolicy(mutant.text);
      });
      slowest.push({ ms, what: `${mutant.base} [${mutant.mutations.join('+')}]`, size: mutant.text.length });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
    }
    console.log(`calibration: acme ${calibration.toFixed(1)} ms of CPU (reference ${REFERENCE_MS} ms, scale ${scale.toFixed(2)}); slowest of ${COUNT}:\n`
      + slowest.map((s) => `  ${s.ms.toFixed(0)} ms  ${s.size} chars  ${s.what}`).join('\n'));
    expect(slowest[0]!.ms).toBeLessThanOrEqual(1000 * scale);
  }, 3_600_000);
});
