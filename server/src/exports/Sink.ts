// What a delivery loop needs from a sink: how many of the next events fit one request (or
// one file), and sending them. `send` resolves only when the receiver acknowledged the whole
// batch; anything else throws, and the cursor stays where it was.

import type { ExportedRecord } from './exportedRecord.js';

export interface ExportEvent {
  readonly record: ExportedRecord;
  /** The event as the receiver gets it (OCSF or ECS, the record inside). */
  readonly event: Record<string, unknown>;
  /** JSON.stringify(event). */
  readonly line: string;
}

export interface ExportBatch {
  readonly orgId: string;
  /** Seqs of the first and last record; the range is contiguous. */
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly events: readonly ExportEvent[];
}

export interface Sink {
  /** How many events, from the first, make the next batch (at least 1 when events is not empty). */
  plan(events: readonly ExportEvent[]): number;
  send(batch: ExportBatch): Promise<void>;
  close?(): void;
}

/** A refused or failed delivery. `retryAfterMs` carries a receiver's Retry-After. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(message: string, readonly retryAfterMs: number | null = null) {
    super(message);
  }
}

/** Counts events from the first while they fit `maxCount` and `maxBytes` (always at least one). */
export function fitCount(events: readonly ExportEvent[], maxCount: number, maxBytes: number, overhead: (event: ExportEvent) => number): number {
  let bytes = 0;
  let count = 0;
  for (const event of events) {
    if (count >= maxCount) break;
    const size = overhead(event);
    if (count > 0 && bytes + size > maxBytes) break;
    bytes += size;
    count += 1;
  }
  return count;
}

