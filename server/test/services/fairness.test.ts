import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/storage/sqlite/SqliteDatabase.js';
import { createTestApp, json, type DecisionJson, type TestApp } from '../support/testApp.js';
import { join } from 'node:path';

// Fair share on the sealing path, asserted by structure rather than by time (the real-time
// p99 is measured by `npm run bench:fairness` and test/services/fairness.soak.ts): while one
// organisation keeps thousands of decisions waiting, another's decision is sealed by the first
// or second batch composed after it arrived, and none of its requests is refused.

const MAX_BATCH = 256;
/** DecisionService's default cap of one organisation per batch: an eighth of maxBatch. */
const PER_ORG = MAX_BATCH / 8;

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const request = (n: number) => ({ source: 'support_tool', amount_cents: 1000 + (n % 500), customer_id: `cus_${n % 100}` });

describe('fair share between organisations on the sealing path', () => {
  it("seals a quiet organisation's decisions within two batches of their arrival while another floods", async () => {
    t = await createTestApp({ maxBatch: MAX_BATCH });
    const app = t;
    const quiet = await app.addOrg('Quiet');
    const reader = new Database(join(app.dataDir, DATABASE_FILE), { readonly: true });
    try {
      const lastRowid = () => (reader.prepare('SELECT max(rowid) AS id FROM ledger').get() as { id: number }).id;
      const rowidOf = (intentId: string) =>
        (reader.prepare("SELECT rowid AS id FROM ledger WHERE intent_id = ? AND kind = 'decision'").get(intentId) as { id: number }).id;
      const floodOrg = (rowid: number) => (reader.prepare('SELECT org_id FROM ledger WHERE rowid = ?').get(rowid) as { org_id: string }).org_id;

      // The flood: 3,000 requests always outstanding (a new one as each is answered).
      let stop = false;
      let sent = 0;
      let answered = 0;
      const floodStatuses = new Map<number, number>();
      const flood = Array.from({ length: 3000 }, async () => {
        while (!stop) {
          const response = await app.decide(request(sent++));
          answered += 1;
          floodStatuses.set(response.statusCode, (floodStatuses.get(response.statusCode) ?? 0) + 1);
        }
      });

      const observed: Array<{ status: number; backlog: number; floodSealedBetween: number }> = [];
      for (let n = 0; n < 20; n += 1) {
        // 20 decisions a second; the assertion below does not depend on this pacing.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const backlog = sent - answered;
        const before = lastRowid();
        const response = await app.decide(request(n), { key: quiet.decisionKey });
        const status = response.statusCode;
        let floodSealedBetween = -1;
        if (status === 200) {
          const own = rowidOf(json<DecisionJson>(response).intent_id);
          floodSealedBetween = 0;
          for (let rowid = before + 1; rowid < own; rowid += 1) if (floodOrg(rowid) === app.demo.id) floodSealedBetween += 1;
        }
        observed.push({ status, backlog, floodSealedBetween });
      }
      stop = true;
      await Promise.all(flood);

      expect(observed.map((entry) => entry.status)).toEqual(Array(20).fill(200));
      expect([...floodStatuses.keys()]).toEqual([200]);
      for (const { backlog, floodSealedBetween } of observed) {
        // The flood had thousands waiting when the quiet request arrived (FIFO would seal all of
        // them first), yet at most the batches already composed (two in flight, PER_ORG of the
        // flood each) and PER_ORG more in its own batch were sealed ahead of it.
        expect(backlog).toBeGreaterThan(1000);
        expect(floodSealedBetween).toBeGreaterThanOrEqual(0);
        expect(floodSealedBetween).toBeLessThanOrEqual(3 * PER_ORG);
      }
    } finally {
      reader.close();
    }
  });

  it("refuses the flooding organisation's excess with 429 and none of another organisation's requests", async () => {
    // A small organisation bucket, so the flood runs into it within the test.
    const limits = {
      decision_per_key: { rate_per_second: 1e6, burst: 1e6 },
      decision_per_org: { rate_per_second: 1, burst: 50 },
      admin_per_key: { rate_per_second: 1e6, burst: 1e6 },
      admin_per_org: { rate_per_second: 1e6, burst: 1e6 },
    };
    t = await createTestApp({ rateLimits: limits });
    const app = t;
    const quiet = await app.addOrg('Quiet');
    const floodStatuses = await Promise.all(Array.from({ length: 300 }, (_, n) => app.decide(request(n)).then((r) => r.statusCode)));
    const quietStatuses: number[] = [];
    for (let n = 0; n < 20; n += 1) {
      quietStatuses.push((await app.decide(request(n), { key: quiet.decisionKey })).statusCode);
      // The flood keeps knocking on its own empty bucket meanwhile.
      floodStatuses.push((await app.decide(request(1000 + n))).statusCode);
    }
    expect(quietStatuses).toEqual(Array(20).fill(200));
    expect(floodStatuses.filter((status) => status === 429).length).toBeGreaterThan(200);
    expect(floodStatuses.every((status) => status === 200 || status === 429)).toBe(true);
  });
});
