// Lists on PostgreSQL from the command line: `axiru db copy` carries a SQLite installation's
// lists (values, versions and the records that made them), and `axiru lists --database-url`
// reads and changes them there, each change sealed in the copied chain; `axiru db rebuild`
// folds the same lists back from that chain.

import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { axiru } from '../support/cli.js';
import { UNLIMITED_RATE_LIMITS } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';
import { freshDatabase } from '../support/testDatabase.js';

describe('axiru lists on PostgreSQL', () => {
  const dir = tempDir('axiru-pg-lists-');
  afterAll(() => dir.remove());

  it('copies the lists with axiru db copy, then shows and changes them with --database-url', async () => {
    const sqliteApp = await buildApp({ dataDir: dir.path, checkpointIntervalMs: 0, rateLimits: UNLIMITED_RATE_LIMITS });
    await sqliteApp.ready();
    await bootstrap(sqliteApp.store);
    await sqliteApp.close();
    expect((await axiru('lists', 'set', 'vip_customers', 'cus_b', 'cus_A', 'cus_a', '--data', dir.path)).code).toBe(0);
    expect((await axiru('lists', 'remove', 'vip_customers', 'cus_b', '--data', dir.path)).code).toBe(0);

    const url = await freshDatabase();
    const copy = await axiru('db', 'copy', '--data', dir.path, '--database-url', url);
    expect(copy.code, copy.err.join('\n')).toBe(0);
    const report = JSON.parse(copy.out[0]!) as { copied: Record<string, number> };
    expect(report.copied).toMatchObject({ lists: 1, list_values: 2, list_versions: 2 });

    const pg = ['--data', dir.path, '--database-url', url];
    expect((await axiru('lists', 'show', 'vip_customers', ...pg)).out).toEqual(['cus_A', 'cus_a']);
    const add = await axiru('lists', 'add', 'vip_customers', 'cus_c', 'cus_a', ...pg);
    expect(add.code, add.err.join('\n')).toBe(0);
    expect(JSON.parse(add.out[0]!)).toMatchObject({ list: { name: 'vip_customers', version: 3, size: 3 }, changed: true, added: ['cus_c'] });
    const shown = JSON.parse((await axiru('lists', 'show', 'vip_customers', '--json', ...pg)).out[0]!) as {
      values: string[]; history: Array<{ action: string; actor: string; version: number }>;
    };
    expect(shown.values).toEqual(['cus_A', 'cus_a', 'cus_c']);
    expect(shown.history.map((change) => [change.action, change.actor, change.version])).toEqual([['add', 'cli', 3], ['remove', 'cli', 2], ['set', 'cli', 1]]);
    // The SQLite installation is untouched by changes made on the copy.
    expect((await axiru('lists', 'show', 'vip_customers', '--data', dir.path)).out).toEqual(['cus_A', 'cus_a']);
    expect((await axiru('audit', 'verify', ...pg)).code).toBe(0);
    // The projection folds back to the same lists from the copied and extended chain.
    const rebuilt = await axiru('db', 'rebuild', '--projection', 'lists', ...pg);
    expect(rebuilt.code, rebuilt.err.join('\n')).toBe(0);
    const again = JSON.parse((await axiru('lists', 'show', 'vip_customers', '--json', ...pg)).out[0]!) as typeof shown & { list: { version: number } };
    expect(again).toMatchObject({ values: ['cus_A', 'cus_a', 'cus_c'], list: { version: 3 } });
  });
});
