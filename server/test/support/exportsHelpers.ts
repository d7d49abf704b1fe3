import { expect } from 'vitest';
import { ExportDeliverer } from '../../src/exports/ExportDeliverer.js';
import { hashRecord } from '../../src/ledger/chain.js';
import { GENESIS_HASH, type RecordContent } from '../../src/ledger/record.js';
import { ALLOW_REQUEST, FM_REQUEST, post } from './people.js';
import { recordOf } from './siemReceiver.js';
import { json, type TestApp } from './testApp.js';

/** Seals `count` decisions of mixed outcomes (allow, pending approval, block), in parallel chunks. */
export async function seedDecisions(t: TestApp, count: number, tag = 'seed'): Promise<void> {
  const requests = [
    { ...ALLOW_REQUEST },
    { ...FM_REQUEST },
    { source: 'support_tool', amount_cents: 60000, customer_tenure_days: 3 },
  ];
  for (let start = 0; start < count; start += 100) {
    const chunk = Array.from({ length: Math.min(100, count - start) }, (_, i) => t.decide({ ...requests[(start + i) % requests.length], customer_id: `cus_${tag}_${start + i}` }));
    for (const response of await Promise.all(chunk)) expect(response.statusCode, response.body).toBe(200);
  }
}

export async function headSeq(t: TestApp, orgId = t.demo.id): Promise<number> {
  return (await t.app.store.ledger.head(orgId))?.seq ?? 0;
}

/** A deliverer of our own on the app's store, with a clock the test moves; the app's is stopped. */
export async function manualDeliverer(t: TestApp, clock: { now: number }, baseDelayMs = 1000): Promise<ExportDeliverer> {
  await t.app.exportDeliverer.stop();
  return new ExportDeliverer(t.app.store, { clock: () => new Date(clock.now), baseDelayMs, maxDelayMs: 60_000 });
}

export async function addSink(t: TestApp, body: Record<string, unknown>, key = t.demo.adminKey): Promise<SinkJson> {
  const response = await post(t, '/api/exports', key, body);
  expect(response.statusCode, response.body).toBe(201);
  return json<{ export: SinkJson }>(response).export;
}

export async function sinkState(t: TestApp, id: string, key = t.demo.adminKey): Promise<SinkJson> {
  const response = await t.get(`/api/exports/${id}`, key);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ export: SinkJson }>(response).export;
}

export interface SinkJson {
  id: string; type: string; name: string; format: string; origin: string; settings: Record<string, unknown>;
  cursor_seq: number; head_seq: number; records_behind: number; in_flight: { from_seq: number; to_seq: number } | null;
  delivered: number; attempts: number; next_attempt_at: string | null; last_error: string | null; last_error_at: string | null; last_success_at: string | null;
}

/**
 * The exported events hold exactly seq 1..head once each, in chain order, every hash recomputes
 * from the exported record and every prev_hash links to the record before.
 */
export function expectWholeChain(events: readonly Record<string, unknown>[], head: number): void {
  const records = events.map(recordOf);
  expect(records.map((record) => record.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  let previous = GENESIS_HASH;
  for (const record of records) {
    expect(record.prev_hash).toBe(previous);
    expect(hashRecord(record as unknown as RecordContent)).toBe(record.hash);
    previous = record.hash;
  }
}
