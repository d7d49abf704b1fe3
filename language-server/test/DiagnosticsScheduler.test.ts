import { afterEach, describe, expect, it } from 'vitest';
import { compile, LineIndex } from '@axiru/compiler';
import type { Diagnostic } from 'vscode-languageserver';
import { DiagnosticsScheduler, type StatusEvent } from '../src/DiagnosticsScheduler.js';
import { DocumentStore } from '../src/DocumentStore.js';
import { toLspDiagnostics } from '../src/features/diagnostics.js';
import { InlineJobRunner } from '../src/JobRunner.js';
import { Events } from './helpers/events.js';
import { LENS_POLICY } from './helpers/paths.js';
import { Texts } from './helpers/texts.js';

const URI = 'file:///p.axiru';
const WITH_ERROR = 'policy "p" version 1\nroles a\nrule r:\n  refunds over $1 require b\n';

interface Published {
  readonly uri: string;
  readonly version: number;
  readonly diagnostics: Diagnostic[];
}

function setup(options: { checkDelay?: number } = {}) {
  const texts = new Texts();
  const published = new Events<Published>();
  const statuses = new Events<StatusEvent>();
  const checked: number[] = [];
  const scheduler = new DiagnosticsScheduler({
    store: new DocumentStore(texts),
    runner: new InlineJobRunner(),
    publish: (uri, version, diagnostics) => published.push({ uri, version, diagnostics }),
    status: statuses.push,
    checked: (document) => checked.push(document.version),
    checkDelay: options.checkDelay ?? 1,
    compileDelay: 1,
    analysisDelay: 1,
  });
  const edit = (text: string, uri = URI) => {
    const version = texts.set(uri, text);
    scheduler.changed(uri);
    return version;
  };
  return { texts, published, statuses, checked, scheduler, edit };
}

const expected = (text: string) => toLspDiagnostics(compile(text).diagnostics, new LineIndex(text), URI);

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

describe('two stages', () => {
  it('publishes a file with errors once: with errors the analysis has nothing to add', async () => {
    const { published, statuses, scheduler, edit } = setup();
    dispose = () => scheduler.dispose();
    const version = edit(WITH_ERROR);
    const status = await statuses.next((s) => s.version === version);
    expect(status).toMatchObject({ state: 'checked', final: true });
    expect(published.all).toEqual([{ uri: URI, version, diagnostics: expected(WITH_ERROR) }]);
    expect(published.all[0]!.diagnostics.map((d) => d.code)).toEqual(['AX1003']);
  });

  it('publishes the check at once, then the analysis warnings: exactly the CLI’s diagnostics', async () => {
    const { published, statuses, scheduler, edit } = setup();
    dispose = () => scheduler.dispose();
    const version = edit(LENS_POLICY);
    await statuses.next((s) => s.state === 'analysed');
    expect(statuses.all.map((s) => [s.state, s.final])).toEqual([
      ['checked', false],
      ['compiled', false],
      ['analysing', false],
      ['analysed', true],
    ]);
    expect(published.all.map((p) => [p.version, p.diagnostics.map((d) => d.code)])).toEqual([
      [version, []],
      [version, ['AX2003']],
    ]);
    expect(published.all[1]!.diagnostics).toEqual(expected(LENS_POLICY));
  });
});

describe('three stages', () => {
  it('publishes a failing example a moment after the check, with the IR: still exactly the CLI’s diagnostics', async () => {
    const { published, statuses, checked, scheduler, edit } = setup();
    dispose = () => scheduler.dispose();
    const failing = LENS_POLICY.replace('} expect pending_approval by high_value', '} expect block');
    const version = edit(failing);
    await statuses.next((s) => s.state === 'analysed');
    expect(statuses.all.map((s) => [s.state, s.final])).toEqual([
      ['checked', false],
      ['compiled', false],
      ['analysing', false],
      ['analysed', true],
    ]);
    // The check has no example results; the compile adds the failure; the analysis its warning.
    expect(published.all.map((p) => p.version)).toEqual([version, version, version]);
    expect(published.all[0]!.diagnostics).toEqual([]);
    expect(published.all[1]!.diagnostics.map((d) => d.code)).toEqual(['AX1023']);
    expect(published.all[1]!.diagnostics).toEqual(toLspDiagnostics(compile(failing, { analysis: false }).diagnostics, new LineIndex(failing), URI));
    expect(published.all[2]!.diagnostics).toEqual(expected(failing));
    expect(checked).toEqual([version]);
  });

  it('skips the compile of a version a newer edit replaced', async () => {
    const { statuses, checked, scheduler, edit } = setup({ checkDelay: 0 });
    dispose = () => scheduler.dispose();
    const first = edit(LENS_POLICY);
    await statuses.next((s) => s.state === 'checked' && s.version === first);
    const second = edit(`${LENS_POLICY}# later\n`);
    await statuses.next((s) => s.state === 'compiled' && s.version === second);
    expect(statuses.all.filter((s) => s.state === 'compiled').map((s) => s.version)).toEqual([second]);
    expect(checked).toEqual([second]);
  });
});

describe('edits', () => {
  it('check a burst of edits once, on the latest text', async () => {
    const { statuses, checked, scheduler, edit } = setup({ checkDelay: 50 });
    dispose = () => scheduler.dispose();
    for (let i = 1; i <= 5; i++) edit(`${WITH_ERROR}# edit ${i}\n`);
    await statuses.next((s) => s.state === 'checked');
    expect(checked).toEqual([5]);
  });

  it('wait for edits still queued in the protocol, and check the latest once', async () => {
    const { statuses, checked, scheduler, edit } = setup({ checkDelay: 0 });
    dispose = () => scheduler.dispose();
    // Like vscode-jsonrpc: one message per turn of the event loop, each queued after the handler's own work.
    const versions = [1, 2, 3, 4].map((i) => `${WITH_ERROR}# edit ${i}\n`);
    const deliver = (i: number) => {
      edit(versions[i]!);
      if (i + 1 < versions.length) setImmediate(() => deliver(i + 1));
    };
    deliver(0);
    await statuses.next((s) => s.state === 'checked');
    expect(checked).toEqual([4]);
  });

  it('cancel an analysis made pointless by a newer version', async () => {
    const { published, statuses, scheduler, edit } = setup();
    dispose = () => scheduler.dispose();
    const first = edit(LENS_POLICY);
    await statuses.next((s) => s.state === 'analysing' && s.version === first);
    const second = edit(`${LENS_POLICY}# a comment\n`);
    await statuses.next((s) => s.state === 'analysed' && s.version === second);
    expect(statuses.all.filter((s) => s.state === 'analysed').map((s) => s.version)).toEqual([second]);
    expect(published.all.map((p) => p.version)).toEqual([first, second, second]);
  });

  it('stop when the document closes', async () => {
    const { texts, statuses, scheduler, edit } = setup();
    dispose = () => scheduler.dispose();
    const version = edit(LENS_POLICY);
    await statuses.next((s) => s.state === 'analysing' && s.version === version);
    scheduler.closed(URI);
    texts.delete(URI);
    // Jobs run in order: once another document's analysis is done, the closed one's is settled too.
    const other = 'file:///other.axiru';
    edit(LENS_POLICY, other);
    await statuses.next((s) => s.state === 'analysed' && s.uri === other);
    expect(statuses.all.filter((s) => s.uri === URI).map((s) => s.state)).toEqual(['checked', 'compiled', 'analysing']);
  });
});
