// The delivery loop of the export sinks. For each sink it reads the records after the sink's
// cursor, in seq order, pins the batch range (`pending_to_seq`), sends the batch, and moves the
// cursor only after the receiver acknowledged it, each in its own transaction. A crash at any
// point leaves the cursor at the last acknowledged batch, so the next run re-sends exactly the
// pinned range: at-least-once, no gap, and the only duplicates are re-sent unacknowledged
// batches (the record hash tells them apart). A failure is retried with exponential backoff.

import type { ExportSinkRow, Store } from '../repositories/types.js';
import { createSink, settingsOf, toExportEvent } from './createSink.js';
import { DeliveryError, type ExportBatch, type Sink } from './Sink.js';
import { SerialPoller } from '../services/SerialPoller.js';
import { backoffMs } from '../services/backoff.js';
import type { Leases } from '../services/leases.js';

export interface ExportDelivererOptions {
  /** The time source of backoff and of last_success_at / last_error_at. */
  readonly clock: () => Date;
  /** First retry delay; each later one doubles, up to maxDelayMs. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per request to a receiver. */
  readonly timeoutMs?: number;
  /** Batches one sink may send in one run before the others get their turn. */
  readonly maxBatchesPerRun?: number;
  readonly onError?: (error: unknown, sinkId: string | null) => void;
  /**
   * This server's leases (several servers on one database): a sink is sent by the server that
   * holds its lease; without, this process sends every sink.
   */
  readonly leases?: Leases;
}


export class ExportDeliverer {
  private readonly poller: SerialPoller;
  private readonly sinks = new Map<string, { config: string; sink: Sink }>();

  constructor(private readonly store: Store, private readonly options: ExportDelivererOptions) {
    this.poller = new SerialPoller(() => this.deliverDue(), (error) => this.options.onError?.(error, null));
  }

  /** Looks for records to export every `intervalMs` (0: only when run by hand). */
  start(intervalMs: number): void {
    this.poller.start(intervalMs);
  }

  kick(): void {
    this.poller.kick();
  }

  /** One pass over every sink that is due; resolves with how many records were acknowledged. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  async stop(): Promise<void> {
    await this.poller.stop();
    for (const { sink } of this.sinks.values()) sink.close?.();
    this.sinks.clear();
  }

  private async deliverDue(): Promise<number> {
    if (this.poller.stopped) return 0;
    const rows = await this.store.exportSinks.active();
    const live = new Set(rows.map((row) => row.id));
    for (const [id, entry] of this.sinks) {
      if (!live.has(id)) {
        entry.sink.close?.();
        this.sinks.delete(id);
      }
    }
    const now = this.options.clock().getTime();
    const due = rows.filter((row) => row.next_attempt_ms === null || row.next_attempt_ms <= now);
    const leases = this.options.leases;
    if (!leases) return await this.deliverRounds(due);
    // A sink with nothing after its cursor is not claimed (no lease writes while idle).
    const heads = new Map<string, number>();
    for (const row of due) if (!heads.has(row.org_id)) heads.set(row.org_id, (await this.store.ledger.head(row.org_id))?.seq ?? 0);
    // Each claimed lease is renewed while this run lasts (a slow receiver keeps it, bounded
    // by the send timeout); one found lost is dropped before the sink's next batch.
    const held = new Map<string, ReturnType<Leases['keep']>>();
    try {
      for (const row of due) {
        if ((heads.get(row.org_id) ?? 0) <= row.cursor_seq) continue;
        if (await leases.claim('export', row.id)) held.set(row.id, leases.keep('export', row.id));
      }
      if (held.size === 0) return 0;
      // Read again after taking the leases: another server may have moved the cursors since.
      const fresh = (await this.store.exportSinks.active()).filter((row) => held.has(row.id)
        && (row.next_attempt_ms === null || row.next_attempt_ms <= now));
      return await this.deliverRounds(fresh, async (row) => held.get(row.id)?.lost() === false);
    } finally {
      for (const lease of held.values()) await lease.release();
    }
  }

  /**
   * Round-robin: each round sends one batch of every sink that has more, in parallel (sinks are
   * independent: a slow or failing receiver does not hold up the others), so an organisation
   * with a long backlog gets one batch per round like everyone else, and records another
   * organisation seals meanwhile go out in the next round, not after the backlog's run.
   * `stillHeld` says whether this server still holds a sink's lease, before each batch after the first.
   */
  private async deliverRounds(due: readonly ExportSinkRow[], stillHeld?: (row: ExportSinkRow) => Promise<boolean>): Promise<number> {
    let active = [...due];
    let delivered = 0;
    for (let round = 0; round < (this.options.maxBatchesPerRun ?? 20) && active.length > 0 && !this.poller.stopped; round += 1) {
      if (round > 0 && stillHeld) {
        const held = await Promise.all(active.map((row) => stillHeld(row).catch(() => false)));
        active = active.filter((_, index) => held[index]);
      }
      const sent = await Promise.all(active.map((row) => this.deliverBatch(row).catch((error: unknown) => {
        this.options.onError?.(error, row.id);
        return null;
      })));
      const next: ExportSinkRow[] = [];
      sent.forEach((batch, index) => {
        if (batch === null) return;
        delivered += batch.count;
        next.push({ ...active[index]!, cursor_seq: batch.toSeq, pending_to_seq: null, attempts: 0, next_attempt_ms: null });
      });
      active = next;
    }
    return delivered;
  }

  private sinkFor(row: ExportSinkRow): Sink {
    const cached = this.sinks.get(row.id);
    if (cached && cached.config === row.config) return cached.sink;
    cached?.sink.close?.();
    const sink = createSink(settingsOf(row), this.options.timeoutMs ?? 10_000);
    this.sinks.set(row.id, { config: row.config, sink });
    return sink;
  }

  /** Sends the next batch; null when there is nothing to send or the send failed. */
  private async deliverBatch(row: ExportSinkRow): Promise<{ count: number; toSeq: number } | null> {
    const settings = settingsOf(row);
    const sink = this.sinkFor(row);
    const from = row.cursor_seq;
    const pinned = row.pending_to_seq !== null && row.pending_to_seq > from ? row.pending_to_seq : null;
    const records = await this.store.ledger.scan(row.org_id, from, pinned !== null ? pinned - from : settings.batch_size);
    if (records.length === 0) return null;
    const gap = records.findIndex((record, index) => record.seq !== from + 1 + index);
    if (gap >= 0) {
      // Never skip: a hole in the chain is for `axiru audit verify` to explain, not for the export to paper over.
      await this.fail(row, new DeliveryError(`the ledger has no record ${from + 1 + gap} after ${from + gap}; export stopped there`));
      return null;
    }
    let events = records.map((record) => toExportEvent(record, settings.format));
    let count = sink.plan(events);
    const keepsPin = pinned !== null && records.length === pinned - from && count === events.length;
    if (!keepsPin) {
      // A new batch, or a pinned one that no longer fits the sink's settings: pin a new range.
      events = events.slice(0, count);
      count = events.length;
      await this.store.transaction((tx) => tx.exportSinks.setPending(row.id, from + count));
    }
    const batch: ExportBatch = { orgId: row.org_id, fromSeq: from + 1, toSeq: from + count, events };
    try {
      await sink.send(batch);
    } catch (error) {
      await this.fail(row, error);
      return null;
    }
    const at = this.options.clock().toISOString();
    // False when another server moved the cursor meanwhile (this one's lease had run out): the
    // batch was a duplicate the record hashes tell apart; the next run starts from the cursor.
    const advanced = await this.store.transaction((tx) => tx.exportSinks.advance(row.id, from, from + count, at));
    return advanced ? { count, toSeq: from + count } : null;
  }

  private async fail(row: ExportSinkRow, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const now = this.options.clock();
    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : null;
    const delay = backoffMs(attempts, this.options.baseDelayMs ?? 1000, this.options.maxDelayMs ?? 300_000, retryAfter);
    const message = error instanceof Error ? error.message : String(error);
    await this.store.transaction((tx) => tx.exportSinks.recordFailure(row.id, {
      attempts, next_attempt_ms: now.getTime() + delay, last_error: message.slice(0, 500), last_error_at: now.toISOString(),
    }));
    this.options.onError?.(error, row.id);
  }
}
