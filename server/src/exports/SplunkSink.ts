// Splunk HTTP Event Collector: `POST <url>/services/collector/event` with
// `Authorization: Splunk <token>` and a batch of event objects concatenated in one body
// (HEC's batch format). HEC answers {"text":"Success","code":0}; anything else — another
// code, a non-200 status (403 bad token, 400 bad data, 503 busy/full) — fails the batch.

import { httpPost, refused } from './httpPost.js';
import { DeliveryError, fitCount, type ExportBatch, type ExportEvent, type Sink } from './Sink.js';
import type { SplunkSettings } from './sinkConfig.js';

/** HEC's default max_content_length is 1 MB; stay under it. */
const MAX_BODY_BYTES = 1_000_000;

export const HEC_PATH = '/services/collector/event';

export class SplunkSink implements Sink {
  private readonly endpoint: string;

  constructor(private readonly settings: SplunkSettings, private readonly timeoutMs: number) {
    const base = settings.url.replace(/\/+$/, '');
    this.endpoint = base.endsWith(HEC_PATH) ? base : `${base}${HEC_PATH}`;
  }

  private envelope(event: ExportEvent): string {
    const time = Date.parse(event.record.time);
    return JSON.stringify({
      // HEC takes epoch seconds with a fraction.
      time: Number.isNaN(time) ? undefined : time / 1000,
      source: this.settings.source ?? 'axiru',
      sourcetype: this.settings.sourcetype ?? `axiru:${this.settings.format}`,
      ...(this.settings.index ? { index: this.settings.index } : {}),
      event: event.event,
    });
  }

  plan(events: readonly ExportEvent[]): number {
    return fitCount(events, this.settings.batch_size, MAX_BODY_BYTES, (event) => Buffer.byteLength(this.envelope(event)) + 1);
  }

  async send(batch: ExportBatch): Promise<void> {
    const body = batch.events.map((event) => this.envelope(event)).join('\n');
    const result = await httpPost(this.endpoint, {
      authorization: `Splunk ${this.settings.token}`,
      'content-type': 'application/json',
      'user-agent': 'Axiru-Exports/1',
    }, body, this.timeoutMs);
    let answer: { text?: unknown; code?: unknown } = {};
    try {
      answer = JSON.parse(result.body) as typeof answer;
    } catch {
      // Not JSON (a proxy's error page): the status decides.
    }
    const detail = typeof answer.text === 'string' ? `${answer.text}${typeof answer.code === 'number' ? ` (code ${answer.code})` : ''}` : result.body.slice(0, 200);
    if (result.status !== 200) throw refused('Splunk HEC', result, detail);
    if (answer.code !== 0) throw new DeliveryError(`Splunk HEC did not acknowledge the batch: ${detail || 'no HEC answer'}`.slice(0, 500));
  }
}
