import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeRulesReport } from '../src/analysis/index.js';
import { checkPolicy, finishAnalysis, finishCompile } from '../src/compileInStages.js';
import { compile } from '../src/compile.js';
import { IncrementalParser } from '../src/syntax/IncrementalParser.js';
import { buildPolicy } from './helpers/generatePolicy.js';
import { EXAMPLES, exampleFiles } from './helpers/paths.js';

// An editor runs stage 2 without the analysis, analyses the IR on another thread, and puts the
// two together: the result must be compile()'s, diagnostics and IR alike.
function inPieces(text: string) {
  const checked = checkPolicy(text, new IncrementalParser().parse(text));
  const compiled = finishCompile(checked, { analysis: false });
  const analysis = compiled.ir === null ? { findings: [], inconclusive: [] } : analyzeRulesReport(compiled.ir);
  return finishAnalysis(checked, compiled, analysis);
}

function expectSame(text: string): void {
  const whole = compile(text);
  const pieces = inPieces(text);
  expect(pieces.diagnostics).toEqual(whole.diagnostics);
  expect(pieces.ir).toEqual(whole.ir);
  expect(pieces.ok).toBe(whole.ok);
  expect(pieces.examples).toEqual(whole.examples);
}

describe('finishAnalysis', () => {
  test.each(exampleFiles())('%s: the same result as compile()', (file) => {
    expectSame(readFileSync(join(EXAMPLES, file), 'utf8'));
  });

  test('generated policies: the same result as compile()', () => {
    for (let seed = 1; seed <= 40; seed++) expectSame(buildPolicy(seed, { examples: true }));
  });

  test('an impossible rule: the error, and neither the rule analysis nor the examples', () => {
    const text = [
      'policy "p" version 1',
      'roles support_lead',
      'otherwise allow',
      'rule never:',
      '  block refunds over $100 when amount under $50',
      'rule shadowed:',
      '  flag refunds over $500',
      'rule wide:',
      '  block refunds over $10',
      '',
    ].join('\n');
    const pieces = inPieces(text);
    expect(pieces.diagnostics.map((d) => d.code)).toContain('AX1011');
    expect(pieces.diagnostics.map((d) => d.code)).not.toContain('AX2002');
    expect(pieces.ir).toBeNull();
    expectSame(text);
  });

  test('a policy with warnings of the analysis: they come from the analysis given', () => {
    const text = ['policy "p" version 1', 'roles support_lead', 'otherwise allow', 'rule narrow:', '  flag refunds over $500', 'rule wide:', '  block refunds over $10', ''].join('\n');
    const checked = checkPolicy(text, new IncrementalParser().parse(text));
    const compiled = finishCompile(checked, { analysis: false });
    expect(compiled.diagnostics.map((d) => d.code)).not.toContain('AX2002');
    const result = finishAnalysis(checked, compiled, analyzeRulesReport(compiled.ir!));
    expect(result.diagnostics.map((d) => d.code)).toContain('AX2002');
    // An analysis with nothing to say gives nothing: the warnings are the ones handed in.
    expect(finishAnalysis(checked, compiled, { findings: [], inconclusive: [] }).diagnostics.map((d) => d.code)).not.toContain('AX2002');
  });
});
