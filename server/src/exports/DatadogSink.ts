// Datadog Logs intake v2: `POST <url>/api/v2/logs` with `DD-API-KEY`, a JSON array of log
// entries, gzip-compressed (`Content-Encoding: gzip`). Datadog accepts at most 1,000 entries
// and 5 MB uncompressed per request and answers 202; 408/429/5xx are transient, and every
// failure is retried by the deliverer. Each entry's `message` is the event as JSON, which
// Datadog parses into attributes.

import { gzipSync } from 'node:zlib';
import { httpPost, refused } from './httpPost.js';
import { fitCount, type ExportBatch, type ExportEvent, type Sink } from './Sink.js';
import { DATADOG_MAX_ENTRIES, type DatadogSettings } from './sinkConfig.js';

/** 5 MB uncompressed per request (Datadog's limit), as bytes of the JSON array. */
export const DATADOG_MAX_BYTES = 5_000_000;
export const DATADOG_PATH = '/api/v2/logs';

export class DatadogSink implements Sink {
  private readonly endpoint: string;

  constructor(private readonly settings: DatadogSettings, private readonly timeoutMs: number) {
    const base = settings.url.replace(/\/+$/, '');
    this.endpoint = base.endsWith(DATADOG_PATH) ? base : `${base}${DATADOG_PATH}`;
  }

  private entry(event: ExportEvent): string {
    return JSON.stringify({
      ddsource: 'axiru',
      service: this.settings.service ?? 'axiru',
      ...(this.settings.tags ? { ddtags: this.settings.tags } : {}),
      ...(this.settings.hostname ? { hostname: this.settings.hostname } : {}),
      message: event.line,
    });
  }

  plan(events: readonly ExportEvent[]): number {
    // "[" + entries joined by "," + "]": each entry costs its bytes plus one separator.
    return fitCount(events, Math.min(this.settings.batch_size, DATADOG_MAX_ENTRIES), DATADOG_MAX_BYTES - 2, (event) => Buffer.byteLength(this.entry(event)) + 1);
  }

  async send(batch: ExportBatch): Promise<void> {
    const json = `[${batch.events.map((event) => this.entry(event)).join(',')}]`;
    const result = await httpPost(this.endpoint, {
      'dd-api-key': this.settings.api_key,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'user-agent': 'Axiru-Exports/1',
    }, gzipSync(Buffer.from(json, 'utf8')), this.timeoutMs);
    if (result.status < 200 || result.status >= 300) throw refused('Datadog', result, result.body.slice(0, 200));
  }
}
