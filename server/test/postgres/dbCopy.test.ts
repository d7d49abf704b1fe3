// `axiru db copy`: a SQLite installation (decisions, an approval, a webhook endpoint with its
// sealed secret) into an empty PostgreSQL database; the chains verify with the same hashes,
// a server on PostgreSQL opens the secrets and carries the chain on, and a non-empty target
// is refused.

import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { axiru } from '../support/cli.js';
import { UNLIMITED_RATE_LIMITS } from '../support/serverProcess.js';
import { SEED_REQUEST, tempDir } from '../support/testApp.js';
import { freshDatabase } from '../support/testDatabase.js';

describe('axiru db copy', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('copies every table; the chains verify with identical heads; a server on PostgreSQL carries on; a second copy is refused', async () => {
    const sqliteApp = await buildApp({ dataDir: dir.path, checkpointIntervalMs: 0, rateLimits: UNLIMITED_RATE_LIMITS });
    await sqliteApp.ready();
    const demo = await bootstrap(sqliteApp.store);
    const auth = (key: string) => ({ authorization: `Bearer ${key}` });
    for (let i = 0; i < 12; i += 1) {
      const answer = await sqliteApp.inject({ method: 'POST', url: '/api/decision', headers: auth(demo.decisionKey!), payload: { ...SEED_REQUEST, amount_cents: 1000 + i } });
      expect(answer.statusCode).toBe(200);
    }
    const hook = await sqliteApp.inject({ method: 'POST', url: '/api/webhooks', headers: auth(demo.adminKey!), payload: { url: 'https://hooks.example/axiru', events: ['intent.pending_approval'] } });
    expect(hook.statusCode).toBe(201);
    await sqliteApp.close();
    const before = await axiru('audit', 'verify', '--data', dir.path);
    expect(before.code).toBe(0);

    const url = await freshDatabase();
    const copy = await axiru('db', 'copy', '--data', dir.path, '--database-url', url);
    expect(copy.err.join('\n')).toContain('AXIRU_SECRETS_KEY');
    expect(copy.code).toBe(0);
    const report = JSON.parse(copy.out[0]!) as { copied: Record<string, number>; chains: Array<{ org_id: string; seq: number; hash: string }> };
    expect(report.copied['ledger']).toBeGreaterThanOrEqual(12);
    expect(report.copied['webhook_endpoints']).toBe(1);

    // The same verification, record for record, on the copy.
    const after = await axiru('audit', 'verify', '--data', dir.path, '--database-url', url);
    expect(after.code).toBe(0);
    expect(after.out).toEqual(before.out);

    // A server on the copy opens the sealed secrets and appends to the same chain.
    const pgApp = await buildApp({ dataDir: dir.path, databaseUrl: url, checkpointIntervalMs: 0, rateLimits: UNLIMITED_RATE_LIMITS });
    try {
      await pgApp.ready();
      const hooks = await pgApp.inject({ method: 'GET', url: '/api/webhooks', headers: auth(demo.adminKey!) });
      expect(hooks.statusCode).toBe(200);
      expect(hooks.body).toContain('https://hooks.example/axiru');
      const next = await pgApp.inject({ method: 'POST', url: '/api/decision', headers: auth(demo.decisionKey!), payload: SEED_REQUEST });
      expect(next.statusCode).toBe(200);
      expect((await pgApp.store.ledger.head(demo.orgId!))!.seq).toBe(report.chains[0]!.seq + 1);
    } finally {
      await pgApp.close();
    }
    const again = await axiru('audit', 'verify', '--data', dir.path, '--database-url', url);
    expect(again.code).toBe(0);

    const refused = await axiru('db', 'copy', '--data', dir.path, '--database-url', url);
    expect(refused.code).not.toBe(0);
    expect(refused.err.join('\n')).toMatch(/not empty/);
  });
});
