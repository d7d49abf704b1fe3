import { copyFileSync, mkdtempSync, rmSync, appendFileSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hitsText } from '../src/features/historyText.js';
import { HitCounts } from '../src/HitCounts.js';
import { InlineJobRunner } from '../src/JobRunner.js';
import { policyDocument } from '../src/PolicyDocument.js';
import { Events } from './helpers/events.js';
import { HISTORY, LENS_POLICY } from './helpers/paths.js';

const URI = 'file:///lens.axiru';

function setup(paths: string[] | null) {
  const changes = new Events<string>();
  const replays = new Events<number>();
  const counts = new HitCounts({
    runner: new InlineJobRunner(),
    historyPaths: async () => paths,
    changed: changes.push,
    replayed: (_, __, report) => replays.push(report.refunds),
    delay: 1,
  });
  return { counts, changes, replays };
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup) step();
  cleanup = [];
});

describe('hit counts', () => {
  it('replay each compiled version over the configured history', async () => {
    const { counts, replays } = setup([HISTORY]);
    cleanup.push(() => counts.dispose());
    counts.checked(policyDocument(LENS_POLICY, URI, 1));
    await replays.next(() => true);
    const view = counts.view(URI);
    expect(view.state).toBe('ready');
    if (view.state !== 'ready') return;
    expect(hitsText(view.report, 'bots')).toBe('matched 2 of 6 refunds in the last 30 days · $360 · would decide 1');
    expect(view.stale).toBe(false);

    // A new meaning replays; the counts follow it.
    counts.checked(policyDocument(LENS_POLICY.replace('over $50', 'over $5'), URI, 2));
    await replays.next(() => true, 1);
    const after = counts.view(URI);
    expect(after.state === 'ready' && hitsText(after.report, 'bots')).toBe('matched 3 of 6 refunds in the last 30 days · $368 · would decide 2');
  });

  it('never replay for a change that keeps the meaning', async () => {
    const { counts, replays } = setup([HISTORY]);
    cleanup.push(() => counts.dispose());
    counts.checked(policyDocument(LENS_POLICY, URI, 1));
    await replays.next(() => true);
    counts.checked(policyDocument(`# reformatted\n${LENS_POLICY}`, URI, 2));
    // Asking for the report waits for any replay due: none is.
    await counts.report(URI);
    expect(replays.all).toHaveLength(1);
  });

  it('keep the last counts, marked stale, while the policy has errors', async () => {
    const { counts, replays } = setup([HISTORY]);
    cleanup.push(() => counts.dispose());
    counts.checked(policyDocument(LENS_POLICY, URI, 1));
    await replays.next(() => true);
    counts.checked(policyDocument(LENS_POLICY.replace('finance_manager\n\nrule bots', 'finance_mgr\n\nrule bots'), URI, 2));
    expect(counts.view(URI)).toMatchObject({ state: 'ready', stale: true });
  });

  it('replay again when the history file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axiru-history-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const copy = join(dir, 'refunds.jsonl');
    copyFileSync(HISTORY, copy);
    const { counts, replays } = setup([copy]);
    cleanup.push(() => counts.dispose());
    counts.checked(policyDocument(LENS_POLICY, URI, 1));
    expect(await replays.next(() => true)).toBe(6);
    appendFileSync(copy, readFileSync(HISTORY, 'utf8').split('\n')[0]!.replace('re_1', 're_7') + '\n');
    utimesSync(copy, new Date(), new Date(Date.now() + 5000));
    counts.filesChanged([copy]);
    expect(await replays.next(() => true, 1)).toBe(7);
  });

  it('say how to configure history, or why it cannot be read', async () => {
    const unconfigured = setup(null);
    cleanup.push(() => unconfigured.counts.dispose());
    unconfigured.counts.checked(policyDocument(LENS_POLICY, URI, 1));
    await unconfigured.changes.next(() => true);
    expect(unconfigured.counts.view(URI)).toEqual({ state: 'unconfigured' });

    const missing = setup(['/no/such/history.csv']);
    cleanup.push(() => missing.counts.dispose());
    missing.counts.checked(policyDocument(LENS_POLICY, URI, 1));
    expect(await missing.counts.report(URI)).toBeNull();
    expect(missing.counts.view(URI)).toEqual({ state: 'failed', message: 'cannot read the history file /no/such/history.csv' });
  });

  it('wait for a policy that compiles', async () => {
    const { counts, changes } = setup([HISTORY]);
    cleanup.push(() => counts.dispose());
    counts.checked(policyDocument('policy "p" version 1\nrule r: refunds over $1 require nobody\n', URI, 1));
    await changes.next(() => true);
    expect(counts.view(URI)).toEqual({ state: 'unavailable', message: 'the policy has errors; fix them to replay history' });
  });

  it('give the whole report to the replay command', async () => {
    const { counts } = setup([HISTORY]);
    cleanup.push(() => counts.dispose());
    counts.checked(policyDocument(LENS_POLICY, URI, 1));
    const report = await counts.report(URI);
    expect(report).toMatchObject({ policy: 'lens-fixture', refunds: 6, by_outcome: { pending_approval: { count: 3 } } });
  });
});
