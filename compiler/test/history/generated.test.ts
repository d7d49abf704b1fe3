// The history generator (examples/history) and replays of what it writes: determinism, the two
// formats agreeing, one pass for a pack, sorted runs on disk agreeing with memory, and memory
// that stays flat on a history too large to hold.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { replay, replayMany, type ReplayReport } from '@axiru/compiler';
import { generateHistory, type GenerateSummary } from '../../../examples/history/generateHistory.js';
import { ACME, gcFunction, PACK, policyFile, tempDir } from './helpers.js';

const TMP = tempDir();
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const acme = policyFile(ACME);
const pack = readdirSync(PACK)
  .filter((f) => f.endsWith('.axiru'))
  .sort()
  .map((f) => policyFile(join(PACK, f)));

let small: GenerateSummary;
beforeAll(async () => {
  small = await generateHistory({ refunds: 3000, days: 30, seed: 7, outDir: join(TMP, 'small') });
});

describe('the generator', () => {
  test('writes identical bytes for the same seed, and other bytes for another', async () => {
    const again = await generateHistory({ refunds: 3000, days: 30, seed: 7, outDir: join(TMP, 'again') });
    const other = await generateHistory({ refunds: 3000, days: 30, seed: 8, outDir: join(TMP, 'other') });
    expect(sha(again.files.payments)).toBe(sha(small.files.payments));
    expect(sha(again.files.refunds)).toBe(sha(small.files.refunds));
    expect(again).toEqual({ ...small, files: again.files });
    expect(sha(other.files.refunds)).not.toBe(sha(small.files.refunds));
  });

  test('writes exactly the refunds asked for, oldest first, with what real histories have', () => {
    const refunds = readFileSync(small.files.refunds, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; created: number; currency: string; reason: string | null; metadata: Record<string, string>; charge: { id: string; customer: string; transfer_data: { destination: string } | null } });
    expect(refunds).toHaveLength(3000);
    expect(small.refunds).toBe(3000);
    expect(refunds.every((r, i) => i === 0 || (refunds[i - 1] as { created: number }).created <= r.created)).toBe(true);
    expect(new Set(refunds.map((r) => r.id)).size).toBe(3000);
    expect(new Set(refunds.map((r) => r.currency))).toEqual(new Set(['usd', 'eur', 'gbp', 'cad', 'jpy', 'kwd']));
    expect(new Set(refunds.map((r) => r.reason))).toEqual(new Set(['requested_by_customer', 'duplicate', 'fraudulent', null]));
    expect(new Set(refunds.map((r) => r.metadata['source'] ?? null))).toEqual(new Set(['support_tool', 'ai_agent', 'automation', 'stripe_direct', null]));
    expect(refunds.filter((r) => r.charge.transfer_data !== null).length).toBeGreaterThan(500);
    const perCharge = new Map<string, number>();
    for (const r of refunds) perCharge.set(r.charge.id, (perCharge.get(r.charge.id) ?? 0) + 1);
    expect([...perCharge.values()].filter((n) => n > 1).length).toBeGreaterThan(50);
    expect(perCharge.size).toBe(small.refundedCharges);
    const perCustomer = new Map<string, number>();
    for (const r of refunds) perCustomer.set(r.charge.customer, (perCustomer.get(r.charge.customer) ?? 0) + 1);
    expect(Math.max(...perCustomer.values())).toBeGreaterThanOrEqual(5);
  });
});

describe('replaying generated history', () => {
  test('the Payments export and the Refund objects of the same refunds add up to the same money', async () => {
    const [fromExport, fromObjects] = await Promise.all([replay(acme, [small.files.payments]), replay(acme, [small.files.refunds])]);
    // The export has one row per refunded charge: partial refunds of a charge are one refund there.
    expect(fromExport.refunds).toBe(small.refundedCharges);
    expect(fromObjects.refunds).toBe(small.refunds);
    expect(fromExport.cfo.refunded).toEqual(fromObjects.cfo.refunded);
    expect(fromExport.bad_row_count).toBe(0);
    expect(fromObjects.bad_row_count).toBe(0);
    expect(Object.keys(fromObjects.cfo.refunded)).toEqual(['cad', 'eur', 'gbp', 'jpy', 'kwd', 'usd']);
  });

  test('the same input gives the same report, byte for byte', async () => {
    const a = await replay(acme, [small.files.payments, small.files.refunds]);
    const b = await replay(acme, [small.files.payments, small.files.refunds]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  test('sorted runs on disk (a small chunk) give the same report as sorting in memory', async () => {
    for (const file of [small.files.payments, small.files.refunds]) {
      const inMemory = await replay(acme, [file], { keepResults: true });
      const onDisk = await replay(acme, [file], { keepResults: true, chunkSize: 97 });
      expect(JSON.stringify(onDisk)).toBe(JSON.stringify(inMemory));
    }
  });

  test('one pass for the whole pack equals a replay per policy', async () => {
    const policies = [acme, ...pack];
    const together = await replayMany(policies, [small.files.payments]);
    const apart: ReplayReport[] = [];
    for (const policy of policies) apart.push(await replay(policy, [small.files.payments]));
    expect(together).toEqual(apart);
    expect(together.map((r) => r.policy)).toEqual(policies.map((p) => p.policy));
  });

  test('every policy of the pack catches something in the generated history', async () => {
    const reports = await replayMany(pack, [small.files.refunds]);
    for (const report of reports) {
      const caught = report.by_outcome.block.count + report.by_outcome.pending_approval.count + report.by_outcome.flag.count;
      expect(caught, report.policy).toBeGreaterThan(0);
    }
  });
});

describe('streaming', () => {
  test('a 200,000-refund history replays with the live heap bounded far below the history', async () => {
    const big = await generateHistory({ refunds: 200_000, days: 90, seed: 11, outDir: join(TMP, 'big') });
    const gc = gcFunction();
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let next = 0;
    const report = await replay(acme, [big.files.payments], {
      onProgress: (p) => {
        const done = p.rows + p.replayed;
        if (done < next) return;
        next = done + 25_000;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      },
    });
    gc();
    const after = process.memoryUsage().heapUsed - before;
    expect(report.refunds).toBe(big.refundedCharges);
    expect(report.bad_row_count).toBe(0);
    // Held as objects (readHistory into an array), these 181,000 refunds take about 90 MB of
    // heap; streamed, the live heap holds a chunk of packed refunds and the merge's buffers
    // (about 8 MB measured), customers and charges being numbers in typed arrays off this heap.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(32 * 1024 * 1024);
    expect(after).toBeLessThan(16 * 1024 * 1024);
  }, 600_000);
});
