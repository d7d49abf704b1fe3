import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { createTestApp, tempDir, type TestApp } from '../support/testApp.js';
import { axiru } from '../support/cli.js';

let t: TestApp;
const dir = tempDir('axiru-cli-');

beforeAll(async () => {
  t = await createTestApp({ dataDir: dir.path });
});
afterAll(async () => {
  await t.close();
  dir.remove();
});


describe('axiru keys', () => {
  it('lists keys without ever showing them', async () => {
    const { out, code } = await axiru('keys', 'list', '--data', dir.path);
    expect(code).toBe(0);
    expect(out).toHaveLength(2);
    expect(out.join('\n')).not.toContain(t.demo.decisionKey);
    expect(out.join('\n')).toContain('sk_test_…');
    const jsonLines = (await axiru('keys', 'list', '--data', dir.path, '--json')).out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(jsonLines.map((key) => key['kind']).sort()).toEqual(['admin', 'decision']);
    expect(jsonLines[0]).not.toHaveProperty('key_hash');
  });

  it('creates a key, prints it once, and the server accepts it at once', async () => {
    const { out, code } = await axiru('keys', 'create', '--data', dir.path, '--kind', 'admin', '--label', 'ci');
    expect(code).toBe(0);
    const line = out.find((text) => text.startsWith('AXIRU_ADMIN_KEY='));
    const key = line!.slice('AXIRU_ADMIN_KEY='.length);
    expect(key).toMatch(/^sk_test_[0-9A-Za-z]{43}$/);
    expect((await t.get('/api/policies', key)).statusCode).toBe(200);
    const live = await axiru('keys', 'create', '--data', dir.path, '--live');
    expect(live.out.find((text) => text.startsWith('AXIRU_DECISION_KEY='))).toMatch(/=sk_live_[0-9A-Za-z]{43}$/);
  });

  it('revokes a key; the server refuses it from then on', async () => {
    const created = await axiru('keys', 'create', '--data', dir.path, '--kind', 'decision');
    const key = created.out.find((text) => text.startsWith('AXIRU_DECISION_KEY='))!.split('=')[1]!;
    const id = /key_[0-9a-f]+/.exec(created.out[0]!)![0];
    expect((await t.decide({ source: 'support_tool', amount_cents: 100 }, { key })).statusCode).toBe(200);
    const revoked = await axiru('keys', 'revoke', id, '--data', dir.path);
    expect(revoked.code).toBe(0);
    expect(revoked.out[0]).toContain(`Revoked ${id}`);
    expect((await t.decide({ source: 'support_tool', amount_cents: 100 }, { key })).statusCode).toBe(401);
    expect((await axiru('keys', 'list', '--data', dir.path)).out.find((text) => text.startsWith(id))).toContain('revoked');
    expect((await axiru('keys', 'revoke', 'key_nope', '--data', dir.path)).code).toBe(1);
  });

  it('asks for --org when there are several organisations', async () => {
    const other = await t.addOrg('Second');
    const ambiguous = await axiru('keys', 'create', '--data', dir.path);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err[0]).toContain('pass --org');
    const scoped = await axiru('keys', 'create', '--data', dir.path, '--org', other.id);
    expect(scoped.code).toBe(0);
    expect((await axiru('keys', 'list', '--data', dir.path, '--org', other.id)).out).toHaveLength(3);
    expect((await axiru('keys', 'create', '--data', dir.path, '--org', 'org_nope')).code).toBe(1);
  });

  it('refuses a folder without a database instead of creating one', async () => {
    const empty = tempDir();
    try {
      const result = await axiru('keys', 'list', '--data', empty.path);
      expect(result.code).toBe(1);
      expect(result.err[0]).toContain('no Axiru database');
    } finally {
      empty.remove();
    }
  });
});

describe('axiru audit verify', () => {
  it('reports every chain and exits 0 when all verify', async () => {
    await t.decide({ source: 'support_tool', amount_cents: 100 });
    const { out, code } = await axiru('audit', 'verify', '--data', dir.path);
    expect(code).toBe(0);
    const reports = out.map((line) => JSON.parse(line) as { org_id: string; ok: boolean; records: number; first_bad_seq: number | null });
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((report) => report.ok && report.first_bad_seq === null)).toBe(true);
    const only = await axiru('audit', 'verify', '--data', dir.path, '--org', t.demo.id);
    expect(only.out).toHaveLength(1);
    expect(JSON.parse(only.out[0]!)).toMatchObject({ org_id: t.demo.id, ok: true });
  });

  it('names the first bad seq and exits 1 after tampering', async () => {
    const raw = new Database(databaseFile(dir.path));
    raw.exec('DROP TRIGGER ledger_refuses_update');
    raw.prepare("UPDATE ledger SET actor = 'forged' WHERE org_id = ? AND seq = 3").run(t.demo.id);
    raw.close();
    const { out, code } = await axiru('audit', 'verify', '--data', dir.path, '--org', t.demo.id);
    expect(code).toBe(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ ok: false, first_bad_seq: 3 });
  });
});

describe('axiru orgs', () => {
  it('creates an organisation with a live policy and prints its keys once', async () => {
    const { out, code } = await axiru('orgs', 'create', '--data', dir.path, '--name', 'Acme EU', '--currency', 'EUR',
      '--policy', new URL('../../../examples/acme.axiru', import.meta.url).pathname);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Created org_\w+ \(Acme EU\) with v3 live/);
    const key = out.find((line) => line.startsWith('AXIRU_DECISION_KEY='))!.split('=')[1]!;
    const response = await t.decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 100 }, { key });
    expect(response.statusCode).toBe(200);
    expect((await axiru('orgs', 'list', '--data', dir.path)).out.some((line) => line.includes('Acme EU  eur  v3 live'))).toBe(true);
  });

  it('refuses a policy that does not compile, creating nothing', async () => {
    const before = (await axiru('orgs', 'list', '--data', dir.path)).out.length;
    const bad = tempDir();
    try {
      const file = `${bad.path}/bad.axiru`;
      (await import('node:fs')).writeFileSync(file, 'policy "x" version 1\nrule a:\n  refunds over $5 require nobody\n');
      const result = await axiru('orgs', 'create', '--data', dir.path, '--name', 'Bad', '--policy', file);
      expect(result.code).toBe(1);
      expect(result.err[0]).toContain('bad.axiru:3:');
    } finally {
      bad.remove();
    }
    expect((await axiru('orgs', 'list', '--data', dir.path)).out.length).toBe(before);
  });
});
