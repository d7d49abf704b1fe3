import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AnalysisCancelled, compile } from '@axiru/compiler';
import { afterEach, describe, expect, it } from 'vitest';
import { runJob } from '../src/jobs.js';
import { Cancelled, InlineJobRunner, WorkerJobRunner, type JobRunner } from '../src/JobRunner.js';
import { policyDocument } from '../src/PolicyDocument.js';
import { built } from './helpers/built.js';
import { HISTORY, LENS_POLICY } from './helpers/paths.js';

let runner: JobRunner | undefined;
afterEach(() => runner?.dispose());

describe.each([
  ['in a worker thread', () => new WorkerJobRunner(built('worker.js'))],
  ['inline', () => new InlineJobRunner()],
])('jobs %s', (_, make) => {
  it('analyse a policy exactly as the compiler does', async () => {
    runner = make();
    const result = await runner.run({ kind: 'analyse', text: LENS_POLICY }).promise;
    expect(result.diagnostics.map((d) => d.code)).toEqual(['AX2003']);
    expect(result.ir?.policy).toBe('lens-fixture');
  });

  it('analyse successive versions of a document, parsed item by item, exactly as the compiler does whole', async () => {
    runner = make();
    const acme = readFileSync(fileURLToPath(new URL('../../examples/acme.axiru', import.meta.url)), 'utf8');
    const versions = [
      acme,
      // One rule's threshold changed, a rule added, a syntax error, the error fixed, the first text again.
      acme.replace(/over \$(\d+)/, (_, dollars: string) => `over $${Number(dollars) + 13}`),
      `${acme}\nrule late_extra:\n  flag refunds over $9,000 when reason is fraudulent\n`,
      `${acme}\nrule late_extra:\n  flag refunds over when reason is\n`,
      `${acme}\nrule late_extra:\n  flag refunds over $9,000 when reason is fraudulent\n`,
      acme,
    ];
    for (const text of versions) {
      const result = await runner.run({ kind: 'analyse', text, uri: 'file:///acme.axiru' }).promise;
      const whole = compile(text);
      expect(result.diagnostics).toEqual(whole.diagnostics);
      expect(result.ir).toEqual(whole.ir);
    }
  });

  it('replay history through a policy', async () => {
    runner = make();
    const ir = policyDocument(LENS_POLICY).compiled.ir!;
    const report = await runner.run({ kind: 'replay', ir, paths: [HISTORY] }).promise;
    expect(report.rules['high_value']).toMatchObject({ matched: 2, decided: 2, amount: { usd: 50_000 } });
  });

  it('cancel a job, running or queued, and go on with the next', async () => {
    runner = make();
    const running = runner.run({ kind: 'analyse', text: LENS_POLICY });
    const queued = runner.run({ kind: 'analyse', text: LENS_POLICY });
    const next = runner.run({ kind: 'analyse', text: 'policy "p" version 1\n' });
    running.cancel();
    queued.cancel();
    await expect(running.promise).rejects.toBeInstanceOf(Cancelled);
    await expect(queued.promise).rejects.toBeInstanceOf(Cancelled);
    expect((await next.promise).ir?.policy).toBe('p');
  });

  it('report a failing job and stay usable', async () => {
    runner = make();
    const ir = policyDocument(LENS_POLICY).compiled.ir!;
    await expect(runner.run({ kind: 'replay', ir, paths: ['/no/such/file.jsonl'] }).promise).rejects.toThrow(/no\/such\/file/);
    expect((await runner.run({ kind: 'analyse', text: LENS_POLICY }).promise).diagnostics).toHaveLength(1);
  });
});

describe('a worker that keeps what it holds (the history)', () => {
  it('lets a cancelled job run to its end, rejects it as cancelled, and runs the next one', async () => {
    runner = new WorkerJobRunner(built('worker.js'), () => {}, false);
    const ir = policyDocument(LENS_POLICY).compiled.ir!;
    const running = runner.run({ kind: 'replay', ir, paths: [HISTORY] });
    const next = runner.run({ kind: 'replay', ir, paths: [HISTORY] });
    // The first job went to the worker at once, so this cancels a running job: the worker is
    // not stopped, and the result it sends is dropped.
    running.cancel();
    await expect(running.promise).rejects.toBeInstanceOf(Cancelled);
    expect((await next.promise).rules['high_value']).toMatchObject({ matched: 2, decided: 2 });
  });
});

describe('a worker that keeps the analysis answers', () => {
  it('stops a dropped rule analysis between rules and runs the next job', async () => {
    runner = new WorkerJobRunner(built('worker.js'), () => {}, false);
    const big = policyDocument(generatedPolicy(400)).compiled.ir!;
    const small = policyDocument(LENS_POLICY).compiled.ir!;
    const running = runner.run({ kind: 'analyseRules', ir: big });
    const next = runner.run({ kind: 'analyseRules', ir: small });
    running.cancel();
    await expect(running.promise).rejects.toBeInstanceOf(Cancelled);
    // The worker is the same one, and its answer is the analysis of the second policy.
    expect((await next.promise).findings.map((f) => f.kind)).toEqual(['currency_gap']);
  });
});

describe('runJob', () => {
  it('stops the rule analysis once the caller has dropped it, and not before', async () => {
    const ir = policyDocument(generatedPolicy(50)).compiled.ir!;
    let asked = 0;
    await expect(runJob({ kind: 'analyseRules', ir }, () => ++asked > 10)).rejects.toBeInstanceOf(AnalysisCancelled);
    expect(asked).toBe(11);
    const whole = await runJob({ kind: 'analyseRules', ir }, () => false);
    expect(whole).toEqual(await runJob({ kind: 'analyseRules', ir }));
  });
});

/** A policy of `count` simple rules, each its own threshold. */
function generatedPolicy(count: number): string {
  const lines = ['policy "generated" version 1', 'roles support_lead', 'otherwise require support_lead'];
  for (let i = 0; i < count; i++) lines.push(`rule r${i}:`, `  ${i % 2 === 0 ? 'flag' : 'block'} refunds over $${100 + i * 7} when reason is fraudulent`);
  return `${lines.join('\n')}\n`;
}
