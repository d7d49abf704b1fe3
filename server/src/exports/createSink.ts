import type { StoredRecord } from '../ledger/chain.js';
import type { ExportSinkRow } from '../repositories/types.js';
import { DatadogSink } from './DatadogSink.js';
import { toEcs } from './ecs.js';
import { exportedRecord } from './exportedRecord.js';
import { FilesSink } from './FilesSink.js';
import { toOcsf } from './ocsf.js';
import { S3Sink } from './S3Sink.js';
import type { ExportEvent, Sink } from './Sink.js';
import type { EventFormat, SinkSettings } from './sinkConfig.js';
import { SplunkSink } from './SplunkSink.js';

/** A sealed record as an export event in the sink's format. */
export function toExportEvent(record: StoredRecord, format: EventFormat): ExportEvent {
  const exported = exportedRecord(record);
  const event = format === 'ecs' ? toEcs(exported) : toOcsf(exported);
  return { record: exported, event, line: JSON.stringify(event) };
}

export function settingsOf(row: Pick<ExportSinkRow, 'config'>): SinkSettings {
  return JSON.parse(row.config) as SinkSettings;
}

export function createSink(settings: SinkSettings, timeoutMs: number): Sink {
  switch (settings.type) {
    case 'files': return new FilesSink(settings);
    case 'splunk': return new SplunkSink(settings, timeoutMs);
    case 'datadog': return new DatadogSink(settings, timeoutMs);
    case 's3': return new S3Sink(settings, timeoutMs);
  }
}
