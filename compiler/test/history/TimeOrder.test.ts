// Refunds come out in time order, ties in input order, whether they fit in memory or were
// written to sorted runs on disk and merged.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RefundRow } from '../../src/history/HistoryRefund.js';
import { TimeOrder } from '../../src/history/TimeOrder.js';

function row(time: number, id: string): RefundRow {
  return {
    kind: 'refund',
    line: 7,
    time,
    chargeTime: time - 1000,
    refund: {
      id,
      created: new Date(time).toISOString(),
      charge_id: `ch_${id}`,
      amount_cents: 1234,
      currency: 'jpy',
      customer_id: null,
      stripe_account: 'acct_1',
      source: null,
      reason: 'duplicate',
      charge_amount_cents: 5000,
      charge_created: new Date(time - 1000).toISOString(),
      metadata: { ticket: 'Z-1', 'order id': 'ö' },
    },
  };
}

async function drainAll(order: TimeOrder): Promise<RefundRow[]> {
  const out: RefundRow[] = [];
  for await (const batch of order.drain()) out.push(...batch);
  await order.dispose();
  return out;
}

async function through(times: readonly number[], chunkSize: number): Promise<{ rows: RefundRow[]; order: TimeOrder }> {
  const order = new TimeOrder(chunkSize);
  for (const [i, t] of times.entries()) {
    order.add(row(t, `re_${i}`));
    await order.spillIfFull();
  }
  return { rows: await drainAll(order), order };
}

/** Replay order, computed the obvious way. */
function expected(times: readonly number[]): string[] {
  return times
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ i }) => `re_${i}`);
}

describe('TimeOrder', () => {
  test('sorts in memory, ties keep their input order, and rows come back whole', async () => {
    const times = [5, 3, 3, 9, 1, 3].map((s) => 1_767_225_600_000 + s * 1000);
    const { rows, order } = await through(times, 100);
    expect(order.spilledRuns).toBe(0);
    expect(order.inOrder).toBe(false);
    expect(rows.map((r) => r.refund.id)).toEqual(expected(times));
    expect(rows[0]).toEqual(row(times[4] as number, 're_4'));
  });

  test('merges sorted runs from disk when the refunds do not fit one chunk', async () => {
    const times = Array.from({ length: 50 }, (_, i) => 1_767_225_600_000 + ((i * 37) % 23) * 60_000);
    const { rows, order } = await through(times, 7);
    expect(order.spilledRuns).toBe(7);
    expect(rows.map((r) => r.refund.id)).toEqual(expected(times));
    // Everything survives the trip through a run file.
    for (const r of rows) expect(r).toEqual(row(times[Number(r.refund.id.slice(3))] as number, r.refund.id));
  });

  test('refunds already in order are not sorted, and come back in order through the runs', async () => {
    const times = Array.from({ length: 30 }, (_, i) => 1_767_225_600_000 + Math.floor(i / 3) * 1000);
    const { rows, order } = await through(times, 4);
    expect(order.inOrder).toBe(true);
    expect(rows.map((r) => r.refund.id)).toEqual(times.map((_, i) => `re_${i}`));
  });

  test('any order of any times, any chunk size: the same as sorting everything', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), async (seconds, chunk) => {
        const times = seconds.map((s) => 1_767_225_600_000 + s * 1000);
        const { rows } = await through(times, chunk);
        expect(rows.map((r) => r.refund.id)).toEqual(expected(times));
      }),
      { numRuns: 60 },
    );
  });

  test('its temporary files are removed', async () => {
    const order = new TimeOrder(2);
    for (let i = 0; i < 9; i++) {
      order.add(row(1_767_225_600_000 - i, `re_${i}`));
      await order.spillIfFull();
    }
    const dir = order.directory as string;
    expect(dir.startsWith(tmpdir())).toBe(true);
    expect(readdirSync(dir)).toHaveLength(4);
    await drainAll(order);
    expect(existsSync(dir)).toBe(false);
  });
});
