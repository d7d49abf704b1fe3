import { describe, expect, it } from 'vitest';
import { codeLenses } from '../src/features/codeLenses.js';
import type { HistoryView } from '../src/features/historyText.js';
import { runJob } from '../src/jobs.js';
import { policyDocument } from '../src/PolicyDocument.js';
import { HISTORY, LENS_POLICY } from './helpers/paths.js';

const titles = (text: string, history: HistoryView) => codeLenses(policyDocument(text), history).map((l) => [l.range.start.line, l.command!.title]);

describe('hit counts above rules', () => {
  it('counts what each rule would have matched and decided over real history', async () => {
    const document = policyDocument(LENS_POLICY);
    const report = await runJob({ kind: 'replay', ir: document.compiled.ir!, paths: [HISTORY] });
    const lenses = codeLenses(document, { state: 'ready', report, stale: false });
    expect(lenses.map((l) => [l.range.start.line, l.command!.title])).toEqual([
      [5, 'matched 2 of 6 refunds in the last 30 days · $500 · would decide 2'],
      [8, 'matched 2 of 6 refunds in the last 30 days · $360 · would decide 1'],
      [11, 'matched 2 of 6 refunds in the last 30 days · $13 · would decide 2'],
      [14, '▶ run examples'],
      [14, '✓ passes: pending_approval by high_value'],
    ]);
    expect(lenses[0]!.command).toMatchObject({ command: 'axiru.replay', arguments: [document.uri] });
    expect(lenses[3]!.command).toMatchObject({ command: 'axiru.runExamples', arguments: [document.uri] });
  });

  it('says the counts are from the last version that compiled', () => {
    const report = { refunds: 6, from: null, to: null, rules: { high_value: { matched: 2, decided: 2, amount: { usd: 50_000 } } } };
    const broken = LENS_POLICY.replace('rule tiny:', 'rule tiny:\n  oops\nrule tinier:');
    const lens = titles(broken, { state: 'ready', report, stale: true });
    expect(lens[0]).toEqual([5, 'matched 2 of 6 refunds · $500 · would decide 2 (last version that compiled)']);
    expect(lens).toContainEqual([13, 'not in the last replay: fix the errors to replay']);
  });

  it('says how to configure history, once', () => {
    const lenses = codeLenses(policyDocument(LENS_POLICY), { state: 'unconfigured' });
    expect(lenses[0]!.command).toEqual({
      title: 'hit counts: set axiru.history to a Stripe refund history (CSV or JSONL)',
      command: 'workbench.action.openSettings',
      arguments: ['axiru.history'],
    });
    expect(lenses.map((l) => l.range.start.line)).toEqual([5, 14, 14]);
  });

  it('says nothing before the settings are read', () => {
    expect(titles(LENS_POLICY, { state: 'starting' })).toEqual([
      [14, '▶ run examples'],
      [14, '✓ passes: pending_approval by high_value'],
    ]);
  });

  it('shows progress on every rule, and problems once', () => {
    expect(titles(LENS_POLICY, { state: 'pending' }).slice(0, 3)).toEqual([
      [5, 'replaying history…'],
      [8, 'replaying history…'],
      [11, 'replaying history…'],
    ]);
    expect(titles(LENS_POLICY, { state: 'failed', message: 'cannot read the history file /nope.csv' })[0]).toEqual([5, 'hit counts unavailable: cannot read the history file /nope.csv']);
    expect(titles(LENS_POLICY, { state: 'unavailable', message: 'the policy has errors' }).slice(0, 2)).toEqual([
      [5, 'hit counts: the policy has errors'],
      [14, '▶ run examples'],
    ]);
  });
});

describe('examples', () => {
  it('says how a failing example fails', () => {
    const failing = LENS_POLICY.replace('expect pending_approval by high_value', 'expect block');
    expect(titles(failing, { state: 'unconfigured' }).at(-1)).toEqual([14, '✗ fails: decides pending_approval by high_value, expected block']);
  });

  it('says examples wait for a policy without errors', () => {
    const broken = LENS_POLICY.replace('require finance_manager', 'require finance_manger');
    expect(titles(broken, { state: 'unconfigured' }).at(-1)).toEqual([14, 'examples run once the policy has no errors']);
  });
});
