// Corpus-driven fuzz of the compiler: mutations of every example and invalid example, up to
// 64 KB, through compile() and formatPolicy(). Nothing may throw; every diagnostic is well
// formed. Time per input is not asserted here (the suite shares the machine); the work that
// bounds it is (helpers/parseWork.ts): one parser pass, at most MAX_SYNTAX_ERRORS errors, a cap
// on the rules errors unwind through, re-sync scans linear in the input. The soak test
// policyTiming.soak.ts measures CPU time per input against the 1 s bound.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, formatPolicy } from '@axiru/compiler';
import { MAX_SYNTAX_ERRORS, policyParser, type ParseWork } from '../../src/syntax/PolicyParser.js';
import { expectBoundedWork } from '../helpers/parseWork.js';
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

  // Inputs that once threw or took seconds, kept forever (corpus/*.axiru).
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.axiru')).sort()) {
    it(`regression: ${file}`, () => {
      const text = readFileSync(join(CORPUS, file), 'utf8');
      const result = compile(text);
      expect(result.ok).toBe(false);
      expect(result.diagnostics.length).toBeGreaterThan(0);
      expectBoundedWork(text, policyParser().work);
      expect(typeof formatPolicy(text)).toBe('object');
    }, 300_000);
  }

  it('compiles and formats every mutant without throwing', () => {
    let largest = 0;
    let withErrors = 0;
    let stopped = 0;
    for (const mutant of mutants(SEED, COUNT)) {
      expect(mutant.text.length).toBeLessThanOrEqual(MAX_INPUT);
      largest = Math.max(largest, mutant.text.length);
      let result;
      let work: ParseWork | undefined;
      try {
        result = compile(mutant.text);
        work = { ...policyParser().work };
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
      // The work bounds: at most MAX_SYNTAX_ERRORS parser errors (and the one saying so), one
      // pass, bounded unwinding, re-sync work linear in the input.
      expect(result.diagnostics.filter((d) => d.code === 'AX1001').length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS + 1);
      expectBoundedWork(mutant.text, work!);
      if (result.diagnostics.some((d) => d.message.startsWith(`more than ${MAX_SYNTAX_ERRORS} syntax errors`))) stopped += 1;
    }
    // The campaign reached both sides: near-limit inputs, and inputs with errors.
    expect(largest).toBeGreaterThan(32 * 1024);
    expect(withErrors).toBeGreaterThan(COUNT / 4);
    // ... and inputs with so many syntax errors that the parser stopped.
    expect(stopped).toBeGreaterThan(0);
  }, 600_000);
});
