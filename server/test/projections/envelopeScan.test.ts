import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merkleProjection } from '../../src/projections/merkleProjection.js';
import { listsProjection } from '../../src/projections/listsProjection.js';
import { intentsProjection } from '../../src/projections/intentsProjection.js';
import { ProjectionSession } from '../../src/projections/ProjectionSession.js';
import type { Repositories } from '../../src/repositories/types.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

// A catch-up reads record bodies only for the projections that fold them: the Merkle tree
// folds hashes, the lists view only `list` records.

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ projections: { background: false } });
  const put = await t.app.inject({
    method: 'PUT', url: '/api/lists/vip', headers: { authorization: `Bearer ${t.demo.adminKey}` }, payload: { values: ['cus_1'] },
  });
  expect(put.statusCode, put.body).toBe(200);
  for (const amount of [1000, 2000, 3000]) expect((await t.decide({ source: 'support_tool', amount_cents: amount })).statusCode).toBe(200);
});
afterAll(async () => {
  await t.close();
});

/** The transaction's repositories, with the ledger's two scans counted. */
function counting(tx: Repositories, calls: string[]): Repositories {
  const ledger = Object.create(tx.ledger) as Repositories['ledger'];
  Object.assign(ledger, {
    scan: (...args: Parameters<Repositories['ledger']['scan']>) => { calls.push('scan'); return tx.ledger.scan(...args); },
    scanEnvelopes: (...args: Parameters<Repositories['ledger']['scanEnvelopes']>) => {
      calls.push(`envelopes:${args[3].join(',')}`);
      return tx.ledger.scanEnvelopes(...args);
    },
  });
  return { ...tx, ledger };
}

describe('the envelope scan', () => {
  it('carries the body of the named kinds only, and otherwise the same records as scan', async () => {
    const org = t.demo.id;
    const full = await t.app.store.ledger.scan(org, 0, 1000);
    const lists = await t.app.store.ledger.scanEnvelopes(org, 0, 1000, ['list']);
    const none = await t.app.store.ledger.scanEnvelopes(org, 0, 1000, []);
    expect(full.some((record) => record.kind === 'list')).toBe(true);
    expect(full.some((record) => record.kind === 'decision')).toBe(true);
    expect(lists.map((record) => ({ ...record, body: null }))).toEqual(full.map((record) => ({ ...record, body: null })));
    for (const [index, record] of lists.entries()) expect(record.body).toBe(record.kind === 'list' ? full[index]!.body : null);
    expect(none.every((record) => record.body === null)).toBe(true);
    await expect(t.app.store.ledger.scanEnvelopes(org, 0, 1, ["list') OR ('1"])).rejects.toThrow(/not a record kind/);
  });

  it('is what a catch-up of the Merkle tree and the lists view uses; the intents view needs every body', async () => {
    const org = t.demo.id;
    const head = (await t.app.store.ledger.head(org))!.seq;
    const treeAndLists: string[] = [];
    await t.app.store.transaction(async (tx) => {
      const session = new ProjectionSession(counting(tx, treeAndLists), [merkleProjection, listsProjection]);
      await session.catchUp(org);
      await session.finish();
    });
    expect(treeAndLists).toEqual(['envelopes:list']);
    expect(await t.app.store.merkle.size(org)).toBe(head);
    expect(await t.app.store.projections.cursor('lists', org)).toBe(head);

    const all: string[] = [];
    await t.app.store.transaction(async (tx) => {
      const session = new ProjectionSession(counting(tx, all), [intentsProjection, merkleProjection]);
      await session.catchUp(org);
      await session.finish();
    });
    expect(all[0]).toBe('scan');
    expect(await t.app.store.projections.cursor('intents', org)).toBe(head);
  });
});
