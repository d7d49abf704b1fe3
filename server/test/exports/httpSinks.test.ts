import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATADOG_MAX_BYTES } from '../../src/exports/DatadogSink.js';
import { addSink, expectWholeChain, headSeq, manualDeliverer, seedDecisions, sinkState } from '../support/exportsHelpers.js';
import { waitFor } from '../support/receiver.js';
import { recordOf, startSiemReceiver, type SiemReceiver } from '../support/siemReceiver.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

let t: TestApp;
let receiver: SiemReceiver;
beforeEach(async () => {
  t = await createTestApp();
  receiver = await startSiemReceiver();
});
afterEach(async () => {
  await t.close();
  await receiver.close();
});

const MINUTE = 60_000;

async function scrape(): Promise<string> {
  const response = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('Splunk HTTP Event Collector sink', () => {
  it('sends batches with the HEC token, retries refusals with backoff and moves the cursor only on {"code":0}', async () => {
    await seedDecisions(t, 27);
    const clock = { now: Date.parse('2026-05-01T00:00:00Z') };
    const deliverer = await manualDeliverer(t, clock);
    const sink = await addSink(t, { type: 'splunk', url: receiver.url, token: 'hec-secret-token', batch_size: 10, index: 'refunds' });
    // Adding the sink is sealed too, so the chain's head is read after it.
    const head = await headSeq(t);
    expect(sink.settings['token']).toBe('[redacted]');

    receiver.script = [
      { status: 503, body: JSON.stringify({ text: 'Server is busy', code: 9 }), headers: { 'retry-after': '30' } },
      { status: 403, body: JSON.stringify({ text: 'Invalid token', code: 4 }) },
      // A 200 that is not HEC's success is not an acknowledgement either.
      { status: 200, body: JSON.stringify({ text: 'Incorrect index', code: 7 }) },
    ];
    expect(await deliverer.runDue()).toBe(0);
    let state = await sinkState(t, sink.id);
    expect(state).toMatchObject({ cursor_seq: 0, records_behind: head, attempts: 1, in_flight: { from_seq: 1, to_seq: 10 } });
    expect(state.last_error).toContain('Server is busy');
    // Retry-After (30 s) wins over the first backoff step (1 s).
    expect(Date.parse(state.next_attempt_at!)).toBe(clock.now + 30_000);

    // Not due yet: nothing is sent.
    clock.now += 29_000;
    expect(await deliverer.runDue()).toBe(0);
    expect(receiver.requests).toHaveLength(1);

    clock.now += 1_000;
    expect(await deliverer.runDue()).toBe(0);
    state = await sinkState(t, sink.id);
    expect(state.attempts).toBe(2);
    expect(state.last_error).toContain('Invalid token');
    expect(Date.parse(state.next_attempt_at!)).toBe(clock.now + 2_000);

    clock.now += 2_000;
    expect(await deliverer.runDue()).toBe(0);
    state = await sinkState(t, sink.id);
    expect(state.attempts).toBe(3);
    expect(state.last_error).toContain('Incorrect index');
    expect(state.cursor_seq).toBe(0);
    // What an alert on /metrics sees meanwhile.
    const labels = `{org="${t.demo.id}",sink="${sink.id}",name="splunk",type="splunk"}`;
    let metrics = await scrape();
    expect(metrics).toContain(`axiru_export_records_behind${labels} ${head}`);
    expect(metrics).toContain(`axiru_export_failed_attempts${labels} 3`);
    expect(metrics).toContain(`axiru_export_last_error_timestamp_seconds${labels} ${Date.parse(state.last_error_at!) / 1000}`);
    expect(metrics).not.toContain('axiru_export_last_success_timestamp_seconds{');

    clock.now += 4_000;
    expect(await deliverer.runDue()).toBe(head);
    state = await sinkState(t, sink.id);
    expect(state).toMatchObject({ cursor_seq: head, records_behind: 0, attempts: 0, in_flight: null, delivered: head, next_attempt_at: null });
    expect(state.last_success_at).toBe(new Date(clock.now).toISOString());
    metrics = await scrape();
    expect(metrics).toContain(`axiru_export_records_behind${labels} 0`);
    expect(metrics).toContain(`axiru_export_cursor_seq${labels} ${head}`);
    expect(metrics).toContain(`axiru_export_failed_attempts${labels} 0`);
    expect(metrics).toContain(`axiru_export_last_success_timestamp_seconds${labels} ${clock.now / 1000}`);

    // Every attempt of the first batch carried exactly the same range.
    for (const request of receiver.requests.slice(0, 4)) expect(request.events.map((event) => recordOf(event).seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const request of receiver.requests) {
      expect(request.path).toBe('/services/collector/event');
      expect(request.headers.authorization).toBe('Splunk hec-secret-token');
      expect(request.events.length).toBeLessThanOrEqual(10);
    }
    expectWholeChain(receiver.acknowledged(), head);
    expect(receiver.acknowledged()[0]).toMatchObject({ class_uid: 6003, category_uid: 6, metadata: { sequence: 1 } });

    // New records go out on the next run, starting after the cursor.
    await seedDecisions(t, 3, 'later');
    clock.now += MINUTE;
    expect(await deliverer.runDue()).toBe(3);
    expectWholeChain(receiver.acknowledged(), head + 3);
    await deliverer.stop();
  });

  it('doubles the delay after each failure, up to the maximum', async () => {
    await seedDecisions(t, 2);
    const clock = { now: Date.parse('2026-05-01T00:00:00Z') };
    const deliverer = await manualDeliverer(t, clock, 1000);
    const sink = await addSink(t, { type: 'splunk', url: receiver.url, token: 't' });
    const delays: number[] = [];
    receiver.script = Array.from({ length: 9 }, () => ({ status: 500 }));
    for (let i = 0; i < 8; i += 1) {
      await deliverer.runDue();
      const state = await sinkState(t, sink.id);
      delays.push(Date.parse(state.next_attempt_at!) - clock.now);
      clock.now = Date.parse(state.next_attempt_at!);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    await deliverer.stop();
  });

  it('is started by the app itself and catches up with the chain (ECS format)', async () => {
    await seedDecisions(t, 12);
    const sink = await addSink(t, { type: 'splunk', url: `${receiver.url}/services/collector/event`, token: 'tok', format: 'ecs' });
    // The app's own loop, on its own schedule.
    await waitFor(async () => (await sinkState(t, sink.id)).records_behind === 0);
    const head = await headSeq(t);
    expectWholeChain(receiver.acknowledged(), head);
    expect(receiver.acknowledged()[0]).toMatchObject({ ecs: { version: expect.any(String) }, event: { kind: 'event', sequence: 1 } });
    expect(receiver.requests[0]!.path).toBe('/services/collector/event');
  });
});

describe('Datadog Logs sink', () => {
  it('gzips at most 1,000 entries per request, retries 429 and 5xx, and acknowledges on 202', async () => {
    await seedDecisions(t, 1_050);
    const clock = { now: Date.parse('2026-05-01T00:00:00Z') };
    const deliverer = await manualDeliverer(t, clock);
    const sink = await addSink(t, { type: 'datadog', url: receiver.url, api_key: 'dd-key', service: 'refunds', tags: 'env:test' });
    const head = await headSeq(t);

    receiver.script = [{ status: 429, headers: { 'retry-after': '5' } }, { status: 502 }, { status: 400, body: '{"errors":["bad"]}' }];
    await deliverer.runDue();
    let state = await sinkState(t, sink.id);
    expect(state.last_error).toContain('HTTP 429');
    expect(Date.parse(state.next_attempt_at!)).toBe(clock.now + 5_000);
    clock.now += 5_000;
    await deliverer.runDue();
    expect((await sinkState(t, sink.id)).last_error).toContain('HTTP 502');
    clock.now += MINUTE;
    await deliverer.runDue();
    expect((await sinkState(t, sink.id)).last_error).toContain('HTTP 400');
    clock.now += MINUTE;
    expect(await deliverer.runDue()).toBe(head);
    state = await sinkState(t, sink.id);
    expect(state).toMatchObject({ cursor_seq: head, records_behind: 0, attempts: 0 });

    const accepted = receiver.requests.filter((request) => request.status === 202);
    expect(accepted.map((request) => request.entries.length)).toEqual([1000, head - 1000]);
    for (const request of receiver.requests) {
      expect(request.path).toBe('/api/v2/logs');
      expect(request.headers['dd-api-key']).toBe('dd-key');
      expect(request.headers['content-encoding']).toBe('gzip');
      expect(request.rawBytes).toBeLessThan(request.bytes);
      expect(request.entries.length).toBeLessThanOrEqual(1000);
      expect(request.bytes).toBeLessThanOrEqual(DATADOG_MAX_BYTES);
    }
    expect(accepted[0]!.entries[0]).toMatchObject({ ddsource: 'axiru', service: 'refunds', ddtags: 'env:test' });
    expectWholeChain(receiver.acknowledged(), head);
    await deliverer.stop();
  });
});
