// The per-organisation cache of decoded sealed decisions answers every window exactly as reading
// the ledger does, while decisions keep being sealed, windows move, widen and narrow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTraffic } from '../../src/services/sealedTraffic.js';
import { SealedTrafficCache } from '../../src/services/SealedTrafficCache.js';
import { post } from '../support/people.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

const DAY = 86_400_000;
const START = Date.parse('2026-03-01T00:00:00.000Z');
let t: TestApp;

async function decideAt(ms: number, amount: number): Promise<void> {
  t.now = new Date(ms);
  const response = await t.decide({ source: 'support_tool', amount_cents: amount, customer_tenure_days: 400, customer_id: `cus_${amount % 3}` });
  expect(response.statusCode, response.body).toBe(200);
}

const seqs = (list: ReadonlyArray<{ seq: number }>) => list.map((d) => d.seq);

beforeAll(async () => {
  t = await createTestApp({ now: new Date(START) });
  for (let day = 0; day < 40; day += 2) await decideAt(START + day * DAY, 1000 + day * 100);
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('SealedTrafficCache', () => {
  it('answers each window as the ledger does, catching up with new decisions and older windows', async () => {
    const cache = new SealedTrafficCache();
    const { store } = t.app;
    const org = t.demo.id;
    const check = async (sinceDay: number, untilDay: number) => {
      const [since, until] = [START + sinceDay * DAY, START + untilDay * DAY];
      const cached = await cache.window(store, org, since, until);
      const direct = await readTraffic(store, org, since, until);
      expect(seqs(cached), `days ${sinceDay}..${untilDay}`).toEqual(seqs(direct));
      expect(cached).toEqual(direct);
      return cached.length;
    };
    expect(await check(20, 40)).toBe(10);
    // A decision sealed later, a decision sealed with an earlier received time, a control block.
    await decideAt(START + 41 * DAY, 9100);
    await decideAt(START + 25 * DAY + 1, 9200);
    expect((await post(t, '/api/controls/kill-switch', t.demo.adminKey, { scope: 'org', reason: 'drill' })).statusCode).toBe(201);
    await decideAt(START + 42 * DAY, 9300);
    expect(await check(20, 45)).toBe(13);
    // Wider than held: the older decisions are read once and merged in seq order.
    expect(await check(5, 45)).toBe(20);
    expect(await check(0, 45)).toBe(23);
    // Narrower, and a window in the middle.
    expect(await check(30, 35)).toBe(3);
    expect(await check(10, 12)).toBe(1);
    expect(cache.size()).toBe(23);
    // Concurrent questions while new decisions arrive never duplicate or lose one.
    await decideAt(START + 43 * DAY, 9400);
    const [a, b] = await Promise.all([
      cache.window(store, org, START, START + 50 * DAY),
      cache.window(store, org, START, START + 50 * DAY),
    ]);
    expect(seqs(a)).toEqual(seqs(await readTraffic(store, org, START, START + 50 * DAY)));
    expect(seqs(b)).toEqual(seqs(a));
    expect(a[a.length - 2]!.control).toBe(true);
  });

  it('drops decisions older than its horizon before a window, and reads them again when asked', async () => {
    const cache = new SealedTrafficCache({ horizonMs: 5 * DAY });
    const { store } = t.app;
    const org = t.demo.id;
    await cache.window(store, org, START, START + 50 * DAY);
    const all = cache.size();
    // A window starting on day 20 keeps only what is at most 5 days older than it.
    const recent = await cache.window(store, org, START + 20 * DAY, START + 50 * DAY);
    expect(cache.size()).toBeLessThan(all);
    expect(seqs(recent)).toEqual(seqs(await readTraffic(store, org, START + 20 * DAY, START + 50 * DAY)));
    const again = await cache.window(store, org, START, START + 50 * DAY);
    expect(seqs(again)).toEqual(seqs(await readTraffic(store, org, START, START + 50 * DAY)));
    expect(cache.size()).toBe(all);
  });

  it('keeps at most maxEntries, dropping the least recently asked organisation', async () => {
    const other = await t.addOrg('Other');
    t.now = new Date(START + 10 * DAY);
    expect((await t.decide({ source: 'support_tool', amount_cents: 500, customer_tenure_days: 400 }, { key: other.decisionKey })).statusCode).toBe(200);
    const cache = new SealedTrafficCache({ maxEntries: 5 });
    const { store } = t.app;
    await cache.window(store, t.demo.id, START, START + 50 * DAY);
    expect(cache.size()).toBeGreaterThan(5);
    // The organisation asked last is always kept; the other one goes.
    const answer = await cache.window(store, other.id, START, START + 50 * DAY);
    expect(answer).toHaveLength(1);
    expect(cache.size()).toBe(1);
  });
});
