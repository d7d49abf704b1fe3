// Corpus-driven fuzz of the compiler: mutations of every example and invalid example, up to
// 64 KB, through compile() and formatPolicy(). Nothing may throw; every diagnostic is well
// formed. Time per input is not asserted here (the suite shares the machine); the soak test
// policyTiming.soak.ts measures it against the 1 s bound with a calibration.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, formatPolicy } from '@axiru/compiler';
import { corpus, MAX_INPUT, mutants } from './policyMutations.js';

const SEED = Number(process.env['AXIRU_POLICY_FUZZ_SEED'] ?? 1919);
const COUNT = Number(process.env['AXIRU_POLICY_FUZZ_COUNT'] ?? 400);
const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));

describe(`policy fuzz (seed ${SEED}, ${COUNT} inputs)`, () => {
  it('covers every example, valid and invalid', () => {
    const files = corpus().map((f) => f.file);
    expect(files.filter((f) => f.startsWith('invalid/')).length).toBeGreaterThan(10);
    expect(files.filter((f) => !f.startsWith('invalid/')).length).toBeGreaterThan(3);
  });

  // Inputs that once threw, kept forever (corpus/*.axiru).
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.axiru')).sort()) {
    it(`regression: ${file}`, () => {
      const text = readFileSync(join(CORPUS, file), 'utf8');
      const result = compile(text);
      expect(result.ok).toBe(false);
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expect(typeof formatPolicy(text)).toBe('object');
    }, 300_000);
  }

  it('compiles and formats every mutant without throwing', () => {
    let largest = 0;
    let withErrors = 0;
    for (const mutant of mutants(SEED, COUNT)) {
      expect(mutant.text.length).toBeLessThanOrEqual(MAX_INPUT);
      largest = Math.max(largest, mutant.text.length);
      let result;
      try {
        result = compile(mutant.text);
        const formatted = formatPolicy(mutant.text);
        expect(formatted.text === null || typeof formatted.text === 'string').toBe(true);
      } catch (error) {
        if (process.env['AXIRU_POLICY_FUZZ_DUMP']) writeFileSync(process.env['AXIRU_POLICY_FUZZ_DUMP'], mutant.text);
        if (process.env['AXIRU_POLICY_FUZZ_DUMP']) console.log((error as Error).stack);
        throw new Error(`${mutant.base} [${mutant.mutations.join('+')}] threw: ${String(error)}`);
      }
      for (const d of result.diagnostics) {
        expect(d.code).toMatch(/^AX\d{4}$/);
        if (d.span) expect(d.span.end).toBeLessThanOrEqual(mutant.text.length);
      }
      if (!result.ok) withErrors += 1;
    }
    // The campaign reached both sides: near-limit inputs, and inputs with errors.
    expect(largest).toBeGreaterThan(32 * 1024);
    expect(withErrors).toBeGreaterThan(COUNT / 4);
  }, 600_000);
});
