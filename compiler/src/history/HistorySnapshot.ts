// Refund history read once and held in memory, for tools that replay the same history through
// many versions of a policy (the language server's hit counts, recomputed on every edit).
//
// replay() streams the files and keeps memory flat, so each call pays for reading, parsing and
// ordering every row again. A snapshot pays that once: it holds the refunds in replay order and
// the payments seen, and derives the decision inputs (FactTracker.ts) for a set of computed
// facts once, keeping the last set's inputs, since most edits to a policy leave its facts alone.
// Memory grows with the history (about 1 KB a refund with its inputs), which is why replay()
// itself does not work this way.

import { canonicalJson, type DecisionInput, type FactIR, type JsonValue } from '@axiru/runtime';
import type { ColumnMapping } from './columnMapping.js';
import { FactTracker } from './FactTracker.js';
import type { HistoryFormat, PaymentSeen, RefundRow } from './HistoryRefund.js';
import { readRecordBatches } from './readHistory.js';
import { MAX_BAD_ROWS, type BadRowReport } from './ReplayReport.js';
import { TimeOrder } from './TimeOrder.js';

export interface SnapshotOptions {
  /** Column names for CSV files. */
  readonly mapping?: ColumnMapping;
  /** Every file's format; found per file when not given. */
  readonly format?: HistoryFormat;
}

export class HistorySnapshot {
  private factsKey: string | null = null;
  private inputs: readonly DecisionInput[] = [];
  private derivations = 0;

  private constructor(
    /** Every refund of the files, in replay order (time, then input order). */
    readonly rows: readonly RefundRow[],
    private readonly payments: readonly PaymentSeen[],
    /** The first MAX_BAD_ROWS rows that could not be read. */
    readonly badRows: readonly BadRowReport[],
    readonly badRowCount: number,
  ) {}

  /** Reads every file the way replay() does; throws HistoryInputError when a file cannot be read at all. */
  static async read(paths: readonly string[], options: SnapshotOptions = {}): Promise<HistorySnapshot> {
    const order = new TimeOrder();
    const payments: PaymentSeen[] = [];
    const badRows: BadRowReport[] = [];
    let badRowCount = 0;
    const rows: RefundRow[] = [];
    try {
      for (const path of paths) {
        const reading = readRecordBatches(path, { ...(options.mapping ? { mapping: options.mapping } : {}), ...(options.format ? { format: options.format } : {}) });
        for await (const batch of reading) {
          for (const record of batch) {
            if (record.kind === 'payment') payments.push(record);
            else if (record.kind === 'refund') order.add(record);
            else {
              badRowCount++;
              if (badRows.length < MAX_BAD_ROWS) badRows.push({ file: record.file, line: record.line, reason: record.reason });
            }
          }
          await order.spillIfFull();
        }
      }
      for await (const batch of order.drain()) for (const row of batch) rows.push(row);
    } finally {
      await order.dispose();
    }
    return new HistorySnapshot(rows, payments, badRows, badRowCount);
  }

  /** How many times decision inputs were derived (a new set of facts derives them again). */
  get factDerivations(): number {
    return this.derivations;
  }

  /**
   * The decision input of every row, as of just before it happened, for a policy needing `facts`
   * (its IR's `facts`): what replay() hands to decide(), row for row.
   */
  inputsFor(facts: readonly FactIR[]): readonly DecisionInput[] {
    const unique = new Map<string, FactIR>();
    for (const fact of facts) unique.set(fact.name, fact);
    const key = canonicalJson([...unique.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) as unknown as JsonValue);
    if (key === this.factsKey) return this.inputs;
    const tracker = new FactTracker([...unique.values()]);
    for (const payment of this.payments) tracker.notePayment(payment.customer, payment.time);
    this.inputs = this.rows.map((row) => tracker.next(row));
    this.factsKey = key;
    this.derivations++;
    return this.inputs;
  }
}
