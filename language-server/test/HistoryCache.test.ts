// Hit counts kept between edits must be the replay engine's, to the byte: every report here is
// compared with a fresh replay() of the same files, after edits to the policy, to its facts and
// to the history file.
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, HistorySnapshot, IncrementalReplay, replay, type ReplayReport } from '@axiru/compiler';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import { generateHistory, type GenerateSummary } from '../../examples/history/generateHistory.js';
import { HistoryCache } from '../src/HistoryCache.js';
import { generatePolicy } from '../bench/generatePolicy.js';
import { HISTORY, LENS_POLICY } from './helpers/paths.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const COMPILER_FIXTURES = fileURLToPath(new URL('../../compiler/test/history/fixtures/', import.meta.url));

function irOf(text: string): PolicyIR {
  const result = compile(text, { analysis: false, examples: false });
  if (!result.ir) throw new Error(`fixture does not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return result.ir;
}

const example = (name: string) => readFileSync(join(EXAMPLES, name), 'utf8');

/** Both reports as the editor and `axiru replay --format json` would see them. */
async function expectSameAsReplay(report: ReplayReport, ir: PolicyIR, paths: readonly string[]): Promise<void> {
  const fresh = await replay(loadPolicy(ir), [...paths]);
  expect(JSON.stringify(report)).toBe(JSON.stringify(fresh));
}

let dir: string;
let generated: GenerateSummary;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'axiru-ls-history-'));
  generated = await generateHistory({ refunds: 2_000, days: 60, seed: 5, outDir: join(dir, 'generated') });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('incremental replay', () => {
  it('reports what replay() reports, for policies with facts, `on missing` and every outcome', async () => {
    const histories = [[generated.files.refunds], [generated.files.payments], [HISTORY], [join(COMPILER_FIXTURES, 'payments_export.csv'), join(COMPILER_FIXTURES, 'refunds.jsonl')]];
    const policies = ['acme.axiru', 'ai-support-desk.axiru', 'marketplace.axiru', 'saas-subscriptions.axiru'].map((name) => irOf(example(name)));
    policies.push(irOf(LENS_POLICY), irOf(generatePolicy(60, 3)));
    for (const paths of histories) {
      const replays = new IncrementalReplay(await HistorySnapshot.read(paths));
      // One engine for all policies in turn: what carries over from one to the next must not leak.
      for (const ir of policies) await expectSameAsReplay(replays.replay(loadPolicy(ir)), ir, paths);
      for (const ir of [...policies].reverse()) await expectSameAsReplay(replays.replay(loadPolicy(ir)), ir, paths);
    }
  });

  it('evaluates only the conditions an edit changed', async () => {
    const paths = [generated.files.refunds];
    const snapshot = await HistorySnapshot.read(paths);
    const replays = new IncrementalReplay(snapshot);
    const text = generatePolicy(40, 9);
    replays.replay(loadPolicy(irOf(text)));
    const first = replays.conditionsEvaluated;
    expect(first).toBeGreaterThan(30); // distinct conditions of 40 rules

    // A new threshold in one rule: one condition evaluated again, the report still replay()'s.
    const edited = text.replace(/^(rule r7:\n {2}.*?)[$€](\d+)/m, (_, head: string, amount: string) => `${head}$${Number(amount) + 1}`);
    expect(edited).not.toBe(text);
    const ir = irOf(edited);
    const report = replays.replay(loadPolicy(ir));
    expect(replays.conditionsEvaluated).toBe(first + 1);
    await expectSameAsReplay(report, ir, paths);

    // A change of outcome or name alone changes no condition: nothing is evaluated.
    const renamed = edited.replace('rule r7:', 'rule seventh:');
    const renamedIr = irOf(renamed);
    await expectSameAsReplay(replays.replay(loadPolicy(renamedIr)), renamedIr, paths);
    expect(replays.conditionsEvaluated).toBe(first + 1);
    expect(snapshot.factDerivations).toBe(1);
  });

  it('derives the facts again when the policy needs other facts, and evaluates every condition again', async () => {
    const paths = [generated.files.refunds];
    const snapshot = await HistorySnapshot.read(paths);
    const replays = new IncrementalReplay(snapshot);
    const base = `policy "facts" version 1
roles support_lead
rule big:
  refunds over $100 require support_lead
rule repeat:
  flag refunds when customer refunds in last 30 days at least 2
`;
    const ir = irOf(base);
    await expectSameAsReplay(replays.replay(loadPolicy(ir)), ir, paths);
    expect(snapshot.factDerivations).toBe(1);
    const evaluated = replays.conditionsEvaluated;

    // Another window is another fact: inputs derived again, and the old results do not carry over.
    const wider = irOf(base.replace('last 30 days', 'last 7 days'));
    const report = replays.replay(loadPolicy(wider));
    expect(snapshot.factDerivations).toBe(2);
    expect(replays.conditionsEvaluated).toBe(evaluated + 2);
    await expectSameAsReplay(report, wider, paths);
    expect(report.rules['repeat']!.matched).not.toBe((await replay(loadPolicy(ir), paths)).rules['repeat']!.matched);

    // And back: the facts of the first version are derived again, not mixed up with the second's.
    await expectSameAsReplay(replays.replay(loadPolicy(ir)), ir, paths);
    expect(snapshot.factDerivations).toBe(3);
  });
});

describe('history cache', () => {
  it('reads the files once while they stay the same, and again when one is edited', async () => {
    const path = join(dir, 'edited.jsonl');
    copyFileSync(HISTORY, path);
    const cache = new HistoryCache();
    const ir = irOf(LENS_POLICY);
    const first = await cache.replay(ir, [path]);
    expect(first.refunds).toBe(6);
    expect(cache.fileReads).toBe(1);

    const edited = irOf(LENS_POLICY.replace('over $50', 'over $5'));
    await expectSameAsReplay(await cache.replay(edited, [path]), edited, [path]);
    expect(cache.fileReads).toBe(1);

    // A refund appended to the file: read again, and counted.
    const line = readFileSync(HISTORY, 'utf8').split('\n')[0]!.replace('"re_1"', '"re_appended"').replace('"ch_1"', '"ch_appended"');
    appendFileSync(path, `${line}\n`);
    const after = await cache.replay(edited, [path]);
    expect(cache.fileReads).toBe(2);
    expect(after.refunds).toBe(7);
    await expectSameAsReplay(after, edited, [path]);
  });

  it('reads again a file rewritten to the same size, by its modification time', async () => {
    const path = join(dir, 'rewritten.jsonl');
    copyFileSync(HISTORY, path);
    const cache = new HistoryCache();
    const ir = irOf(LENS_POLICY);
    const before = await cache.replay(ir, [path]);
    // Same length, another amount: only the modification time tells.
    const text = readFileSync(path, 'utf8');
    const changed = text.replace('"amount":20000', '"amount":90000');
    expect(changed.length).toBe(text.length);
    writeFileSync(path, changed);
    // A file system with coarse timestamps could give the rewrite the same time: move it on.
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const after = await cache.replay(ir, [path]);
    expect(cache.fileReads).toBe(2);
    expect(after.cfo.refunded).not.toEqual(before.cfo.refunded);
    await expectSameAsReplay(after, ir, [path]);
  });

  it('reports a missing file, then reads it once it appears', async () => {
    const path = join(dir, 'later.jsonl');
    const cache = new HistoryCache();
    const ir = irOf(LENS_POLICY);
    await expect(cache.replay(ir, [path])).rejects.toThrow(/no such file/);
    copyFileSync(HISTORY, path);
    expect((await cache.replay(ir, [path])).refunds).toBe(6);
  });
});
