import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@axiru/runtime';
import { toExportEvent } from '../../src/exports/createSink.js';
import { DATADOG_MAX_BYTES, DatadogSink } from '../../src/exports/DatadogSink.js';
import { backoffMs } from '../../src/services/backoff.js';
import { layOut, planByHour } from '../../src/exports/objectLayout.js';
import { SplunkSink } from '../../src/exports/SplunkSink.js';
import { hashRecord, type StoredRecord } from '../../src/ledger/chain.js';
import { GENESIS_HASH } from '../../src/ledger/record.js';

/** A small chain of real (hashed, linked) records with the given bodies and times. */
function chain(items: ReadonlyArray<{ kind: string; body: Record<string, unknown>; time?: string; actor?: string; intent?: string | null }>): StoredRecord[] {
  const records: StoredRecord[] = [];
  let prev = GENESIS_HASH;
  items.forEach((item, index) => {
    const content = {
      org_id: 'org_test', seq: index + 1, kind: item.kind as 'decision', intent_id: item.intent === undefined ? `int_${index + 1}` : item.intent,
      time: item.time ?? '2026-04-28T14:32:11.061Z', actor: item.actor ?? 'api_key:key_1', body: item.body as never, prev_hash: prev,
    };
    const hash = hashRecord(content);
    records.push({ ...content, body: canonicalJson(item.body as never), hash });
    prev = hash;
  });
  return records;
}

const DECISION = (outcome: string) => ({
  request: { source: 'support_tool', amount_cents: 22000, currency: 'usd' },
  decision: { outcome, reason: 'Because', matched_rule: 'r1' },
  policy_version: 3,
});

describe('OCSF API Activity mapping', () => {
  it('maps a decision to class 6003 with the record hash as metadata.uid and the record kept whole', () => {
    const [record] = chain([{ kind: 'decision', body: DECISION('block') }]);
    const { event, record: exported } = toExportEvent(record!, 'ocsf');
    expect(event).toMatchObject({
      class_uid: 6003, category_uid: 6, activity_id: 1, type_uid: 600301, severity_id: 3, status_id: 1, status_detail: 'block',
      time: Date.parse(record!.time),
      metadata: { uid: record!.hash, sequence: 1, tenant_uid: 'org_test', correlation_uid: 'int_1', product: { name: 'Axiru' } },
      actor: { user: { uid: 'api_key:key_1', credential_uid: 'key_1', type_id: 99 } },
      api: { operation: 'decision', request: { uid: 'int_1' }, response: { message: 'block: Because' } },
      src_endpoint: { svc_name: 'support_tool' },
      cloud: { account: { uid: 'org_test' } },
    });
    expect((event['unmapped'] as { axiru_record: unknown }).axiru_record).toEqual(exported);
    expect(exported).toMatchObject({ hash: record!.hash, prev_hash: GENESIS_HASH, body: DECISION('block') });
  });

  it('gives approvals, controls and unknown kinds their activity and severity', () => {
    const records = chain([
      { kind: 'approval', body: { role: 'cfo' }, actor: 'user:usr_1' },
      { kind: 'control', body: { action: 'on', scope: 'org' }, actor: 'user:usr_2', intent: null },
      { kind: 'checkpoint', body: { size: 3 }, actor: 'system', intent: null },
      { kind: 'decision', body: DECISION('allow') },
    ]);
    const events = records.map((record) => toExportEvent(record, 'ocsf').event);
    expect(events[0]).toMatchObject({ activity_id: 3, type_uid: 600303, severity_id: 1, actor: { user: { uid: 'usr_1', type_id: 1 } } });
    expect(events[1]).toMatchObject({ activity_id: 3, severity_id: 3 });
    expect(events[1]).not.toHaveProperty('resources');
    expect(events[2]).toMatchObject({ activity_id: 99, type_uid: 600399, actor: { user: { type_id: 3 } } });
    expect(events[3]).toMatchObject({ activity_id: 1, severity_id: 1 });
  });

  it('maps an export sink change as a configuration update, a removal at medium severity', () => {
    const sink = { id: 'exp_1', type: 'splunk', name: 'soc', format: 'ocsf', origin: 'api', settings: { url: 'https://s.example', token: '[redacted]' } };
    const records = chain([
      { kind: 'org', body: { action: 'export_sink_added', sink }, actor: 'user:usr_1', intent: null },
      { kind: 'org', body: { action: 'export_sink_removed', sink }, actor: 'user:usr_1', intent: null },
    ]);
    const [added, removed] = records.map((record) => toExportEvent(record, 'ocsf').event);
    expect(added).toMatchObject({ activity_id: 3, severity_id: 1 });
    expect(removed).toMatchObject({ activity_id: 3, severity_id: 3 });
    expect(removed!['message']).toContain('axiru org export_sink_removed by user:usr_1');
    expect(toExportEvent(records[1]!, 'ecs').event).toMatchObject({ event: { category: ['configuration'] } });
  });
});

describe('ECS mapping', () => {
  it('uses the record hash as event.id and keeps the record under axiru.record', () => {
    const [blocked, approval] = chain([{ kind: 'decision', body: DECISION('block') }, { kind: 'approval', body: {}, actor: 'user:usr_9' }]);
    const event = toExportEvent(blocked!, 'ecs').event;
    expect(event).toMatchObject({
      '@timestamp': blocked!.time,
      event: { id: blocked!.hash, kind: 'event', category: ['api'], type: ['creation', 'denied'], action: 'decision-block', sequence: 1, dataset: 'axiru.ledger' },
      organization: { id: 'org_test' },
      transaction: { id: 'int_1' },
    });
    expect((event['axiru'] as { record: { hash: string } }).record.hash).toBe(blocked!.hash);
    expect(toExportEvent(approval!, 'ecs').event).toMatchObject({ user: { id: 'usr_9' }, event: { type: ['change', 'allowed'] } });
  });
});

describe('batch planning', () => {
  it('stops a Datadog batch at 1,000 entries and below 5 MB uncompressed', () => {
    const settings = { type: 'datadog', name: 'dd', format: 'ocsf', batch_size: 1000, url: 'http://x.example', api_key: 'k' } as const;
    const sink = new DatadogSink(settings, 1000);
    const small = chain(Array.from({ length: 1500 }, () => ({ kind: 'decision', body: DECISION('allow') }))).map((r) => toExportEvent(r, 'ocsf'));
    expect(sink.plan(small)).toBe(1000);
    // ~300 KB per record: 5 MB holds 16 of them, not 17.
    const big = chain(Array.from({ length: 40 }, (_, i) => ({ kind: 'decision', body: { ...DECISION('allow'), pad: 'x'.repeat(300_000 + i) } }))).map((r) => toExportEvent(r, 'ocsf'));
    const count = sink.plan(big);
    const entryBytes = (n: number) => big.slice(0, n).reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify({ ddsource: 'axiru', service: 'axiru', message: e.line })) + 1, 1);
    expect(entryBytes(count)).toBeLessThanOrEqual(DATADOG_MAX_BYTES);
    expect(entryBytes(count + 1)).toBeGreaterThan(DATADOG_MAX_BYTES);
    // A single record larger than the limit still goes alone rather than blocking the chain.
    expect(sink.plan(big.slice(0, 1))).toBe(1);
  });

  it('keeps a Splunk batch under 1 MB and batch_size', () => {
    const sink = new SplunkSink({ type: 'splunk', name: 's', format: 'ocsf', batch_size: 7, url: 'http://x.example', token: 't' }, 1000);
    const events = chain(Array.from({ length: 20 }, () => ({ kind: 'decision', body: { ...DECISION('allow'), pad: 'y'.repeat(200_000) } }))).map((r) => toExportEvent(r, 'ocsf'));
    expect(sink.plan(events)).toBe(4);
    expect(sink.plan(events.slice(0, 3))).toBe(3);
  });

  it('cuts file batches at the hour and names them by range, byte-identical when re-sent', () => {
    const records = chain([
      { kind: 'decision', body: DECISION('allow'), time: '2026-04-28T14:59:59.999Z' },
      { kind: 'decision', body: DECISION('allow'), time: '2026-04-28T14:59:59.999Z' },
      { kind: 'decision', body: DECISION('allow'), time: '2026-04-28T15:00:00.000Z' },
    ]);
    const events = records.map((r) => toExportEvent(r, 'ocsf'));
    expect(planByHour(events, 10)).toBe(2);
    expect(planByHour(events, 1)).toBe(1);
    const batch = { orgId: 'org_test', fromSeq: 1, toSeq: 2, events: events.slice(0, 2) };
    const first = layOut(batch, 'ocsf');
    const again = layOut({ ...batch, events: records.slice(0, 2).map((r) => toExportEvent(r, 'ocsf')) }, 'ocsf');
    expect(first.path).toBe('dt=2026-04-28/hour=14/axiru-org_test-000000000001-000000000002.jsonl.gz');
    expect(first.manifestPath).toBe('dt=2026-04-28/hour=14/axiru-org_test-000000000001-000000000002.manifest.json');
    expect(again.data.equals(first.data)).toBe(true);
    expect(again.manifest.equals(first.manifest)).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles from the base, caps at the maximum, and honours a longer Retry-After', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempts) => backoffMs(attempts, 500, 5000))).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    expect(backoffMs(1, 500, 5000, 30_000)).toBe(30_000);
    expect(backoffMs(4, 500, 5000, 100)).toBe(4000);
    expect(backoffMs(1, 500, 5000, 10 * 3_600_000)).toBe(3_600_000);
  });
});
