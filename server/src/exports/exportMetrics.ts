// Prometheus gauges of every export sink, read from the store at scrape time, so that an
// alert can say "the SIEM copy is N records behind" or "this sink has been failing for an
// hour" without anyone polling GET /api/exports. A deleted sink's series disappear at the
// next scrape.

import { Gauge, type Registry } from 'prom-client';
import type { ExportService, SinkView } from './ExportService.js';

const LABELS = ['org', 'sink', 'name', 'type'] as const;
type Label = (typeof LABELS)[number];

export function registerExportMetrics(registry: Registry, sinks: ExportService): void {
  // One read of the sinks per scrape, shared by the gauges below.
  let scrape: Promise<readonly SinkView[]> | null = null;
  const views = (): Promise<readonly SinkView[]> => {
    scrape ??= sinks.listAll().finally(() => {
      setImmediate(() => { scrape = null; });
    });
    return scrape;
  };
  const gauge = (name: string, help: string, value: (view: SinkView) => number | null): void => {
    new Gauge<Label>({
      name, help, labelNames: LABELS, registers: [registry],
      async collect() {
        this.reset();
        for (const view of await views()) {
          const measured = value(view);
          if (measured !== null) this.set({ org: view.org_id, sink: view.id, name: view.name, type: view.type }, measured);
        }
      },
    });
  };
  gauge('axiru_export_records_behind', 'Records of the organisation\'s chain not yet acknowledged by the sink', (view) => view.records_behind);
  gauge('axiru_export_cursor_seq', 'Last seq the sink\'s receiver acknowledged (0: none yet)', (view) => view.cursor_seq);
  gauge('axiru_export_failed_attempts', 'Failed attempts of the batch in flight (0 after a success)', (view) => view.attempts);
  gauge('axiru_export_last_success_timestamp_seconds', 'When the sink last acknowledged a batch (Unix seconds)',
    (view) => (view.last_success_at === null ? null : Date.parse(view.last_success_at) / 1000));
  gauge('axiru_export_last_error_timestamp_seconds', 'When the sink last failed (Unix seconds)',
    (view) => (view.last_error_at === null ? null : Date.parse(view.last_error_at) / 1000));
}
