import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../support/people.js';
import { axiru } from '../support/cli.js';
import { createTestApp, json, tempDir, type DecisionJson, type TestApp } from '../support/testApp.js';

let t: TestApp;
const dir = tempDir('axiru-cli-lists-');

beforeAll(async () => {
  t = await createTestApp({ dataDir: dir.path });
});
afterAll(async () => {
  await t.close();
  dir.remove();
});

describe('axiru lists', () => {
  it('sets, adds, removes and shows values, each change sealed with actor cli', async () => {
    const set = await axiru('lists', 'set', 'vip_customers', 'cus_1', 'cus_2', '--data', dir.path);
    expect(set.err).toEqual([]);
    expect(JSON.parse(set.out[0]!)).toMatchObject({ list: { name: 'vip_customers', version: 1, size: 2 }, changed: true, added: ['cus_1', 'cus_2'] });
    const file = join(dir.path, 'more.json');
    writeFileSync(file, JSON.stringify(['cus_3', 'cus_1']));
    const add = await axiru('lists', 'add', 'vip_customers', '--file', file, '--data', dir.path);
    expect(JSON.parse(add.out[0]!)).toMatchObject({ list: { version: 2, size: 3 }, added: ['cus_3'] });
    const remove = await axiru('lists', 'remove', 'vip_customers', 'cus_2', '--data', dir.path);
    expect(JSON.parse(remove.out[0]!)).toMatchObject({ list: { version: 3, size: 2 }, removed: ['cus_2'] });

    expect((await axiru('lists', 'show', 'vip_customers', '--data', dir.path)).out).toEqual(['cus_1', 'cus_3']);
    const shown = await axiru('lists', 'show', '--data', dir.path);
    expect(shown.out).toHaveLength(1);
    expect(shown.out[0]).toMatch(/^vip_customers {2}v3 {2}2 values {2}/);
    const history = JSON.parse((await axiru('lists', 'show', 'vip_customers', '--json', '--data', dir.path)).out[0]!) as { history: Array<{ actor: string; action: string }> };
    expect(history.history.map((change) => [change.action, change.actor])).toEqual([['remove', 'cli'], ['add', 'cli'], ['set', 'cli']]);
    // The running server sees the changes (the API reads the same sealed state).
    const api = json<{ values: string[]; list: { version: number } }>(await t.get('/api/lists/vip_customers', t.demo.adminKey));
    expect(api).toMatchObject({ values: ['cus_1', 'cus_3'], list: { version: 3 } });
  });

  it('a running server decides on a change made from the command line at once', async () => {
    await axiru('lists', 'set', 'blocked_customers', '--data', dir.path);
    const published = await post(t, '/api/policies', t.demo.adminKey, {
      source: 'policy "acme-refunds" version 20\nsources support_tool\nlists blocked_customers\n\n'
        + 'rule blocked:\n  block refunds when customer in list blocked_customers\n  because "Blocked customer"\n',
    });
    expect(published.statusCode, published.body).toBe(201);
    expect((await post(t, '/api/policies/v20/activate', t.demo.adminKey)).statusCode).toBe(200);
    const decide = async () => json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 100, customer_id: 'cus_bad' })).decision.outcome;
    expect(await decide()).toBe('allow');
    await axiru('lists', 'add', 'blocked_customers', 'cus_bad', '--data', dir.path);
    expect(await decide()).toBe('block');
    await axiru('lists', 'remove', 'blocked_customers', 'cus_bad', '--data', dir.path);
    expect(await decide()).toBe('allow');
  });

  it('says what is wrong with a bad name, value, file or a value not in the list', async () => {
    const cases: Array<[string[], string]> = [
      [['lists', 'set', '9lives', 'x'], 'list name "9lives"'],
      [['lists', 'add', 'vip_customers', 'a\tb'], 'value "a\\tb"'],
      [['lists', 'add', 'vip_customers'], 'give the values to add'],
      [['lists', 'add', 'vip_customers', '--file', join(dir.path, 'missing.json')], '--file: cannot read'],
      [['lists', 'remove', 'vip_customers', 'cus_nobody'], 'does not hold "cus_nobody"'],
      [['lists', 'remove', 'no_such_list', 'x'], 'no list named "no_such_list"'],
      [['lists', 'show', 'no_such_list'], 'no list named "no_such_list"'],
    ];
    for (const [args, message] of cases) {
      const result = await axiru(...args, '--data', dir.path);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err.join('\n'), args.join(' ')).toContain(message);
    }
  });
});
