import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, tempDir, type TestApp } from '../support/testApp.js';
import { axiru } from '../support/cli.js';

let t: TestApp;
const dir = tempDir('axiru-cli-mode-');

beforeAll(async () => {
  t = await createTestApp({ dataDir: dir.path });
});
afterAll(async () => {
  await t.close();
  dir.remove();
});


describe('axiru orgs create --mode', () => {
  it('creates an organisation in observe mode, sealed as its first mode record', async () => {
    const { out, code } = await axiru('orgs', 'create', '--data', dir.path, '--name', 'Trial', '--mode', 'observe',
      '--policy', new URL('../../../examples/acme.axiru', import.meta.url).pathname);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Created org_\w+ \(Trial\) with v3 live, in observe mode; /);
    const decisionKey = out.find((line) => line.startsWith('AXIRU_DECISION_KEY='))!.split('=')[1]!;
    const adminKey = out.find((line) => line.startsWith('AXIRU_ADMIN_KEY='))!.split('=')[1]!;
    const org = json<{ id: string; mode: string }>(await t.get('/api/org', adminKey));
    expect(org.mode).toBe('observe');
    const decided = json<{ decision: { outcome: string; enforced: boolean; would_be: { outcome: string } } }>(
      await t.decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400 }, { key: decisionKey }));
    expect(decided.decision).toMatchObject({ outcome: 'allow', enforced: false, would_be: { outcome: 'pending_approval' } });
    const records = await t.app.store.ledger.scan(org.id, 0, 100);
    expect(records.map((record) => record.kind)).toEqual(['policy', 'policy', 'org', 'decision']);
    expect(JSON.parse(records[2]!.body)).toEqual({ action: 'mode', mode: 'observe', previous_mode: 'enforce', reason: 'created in observe mode' });
  });

  it('refuses an unknown mode and creates nothing', async () => {
    const before = (await t.app.store.organisations.list()).length;
    const { err, code } = await axiru('orgs', 'create', '--data', dir.path, '--name', 'Bad', '--mode', 'maybe');
    expect(code).not.toBe(0);
    expect(err.join('\n')).toContain('--mode must be observe or enforce');
    expect((await t.app.store.organisations.list()).length).toBe(before);
  });
});

