// Replay: what policies would have decided over refund history that already happened.
//
// Two phases over any number of files, in any supported format:
// 1. read: stream every file (readHistory.ts); note each customer's payments for tenure, count the
//    bad rows, and hand the refunds to TimeOrder, which keeps them bounded in memory;
// 2. replay: take the refunds in time order, derive the facts as of each refund (FactTracker.ts),
//    decide with every policy on the same input, and add the decisions up (ReplayReport.ts).
// Refunds before `since` still count for the facts of later ones (a refund on 1 March is one of
// the customer's refunds in the 30 days before 10 March) but are not decided or reported;
// refunds at or after `until` cannot affect earlier ones and are dropped while reading.

import type { Decision, FactIR, LoadedPolicy } from '@axiru/runtime';
import type { ColumnMapping } from './columnMapping.js';
import { localTimeFacts } from '@axiru/runtime';
import { FactTracker } from './FactTracker.js';
import type { HistoryFormat, HistoryRefund, RefundRow } from './HistoryRefund.js';
import { historyFileSize, readRecordBatches } from './readHistory.js';
import { ComparisonBuilder, type ReplayComparison } from './ReplayComparison.js';
import { MAX_BAD_ROWS, ReportBuilder, type BadRowReport, type ReplayReport } from './ReplayReport.js';
import { TimeOrder } from './TimeOrder.js';

export interface ReplayProgress {
  /** Refunds read so far. */
  readonly rows: number;
  /** Bytes of the history files read so far, of `totalBytes`. */
  readonly bytes: number;
  readonly totalBytes: number;
  /** `reading` the files, then `replaying` the refunds in time order. */
  readonly phase: 'reading' | 'replaying';
  /** Refunds decided so far (while replaying). */
  readonly replayed: number;
}

export interface ReplayOptions {
  /** Decide and report only refunds at or after this time (earlier ones still count for facts). */
  since?: Date;
  /** Decide and report only refunds before this time. */
  until?: Date;
  /** Column names for CSV files. */
  mapping?: ColumnMapping;
  /** Hears how far the replay is, once per batch of rows. */
  onProgress?: (done: ReplayProgress) => void;
  /** Keep every decision in the report's `results` (memory then grows with the history). */
  keepResults?: boolean;
  /** Every file's format; found per file from its extension and header when not given. */
  format?: HistoryFormat;
  /** Refunds held in memory before a sorted run goes to a temporary file (TimeOrder.ts). */
  chunkSize?: number;
  /** The organisation's lists, by name, for `in list` (every refund sees the same lists). */
  lists?: Readonly<Record<string, readonly string[]>>;
  /** Hears every decided refund, in replay order, with the first policy's decision (stream results out instead of keeping them). */
  onResult?: (refund: HistoryRefund, decision: Decision) => void;
}

/** Every computed fact any of the policies needs, once by name. */
function factsOf(policies: readonly LoadedPolicy[]): FactIR[] {
  const facts = new Map<string, FactIR>();
  for (const policy of policies) for (const fact of policy.ir.facts) facts.set(fact.name, fact);
  return [...facts.values()];
}

function timeOf(date: Date | undefined, name: string, fallback: number): number {
  if (date === undefined) return fallback;
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`replay: ${name} is an invalid Date`);
  return time;
}

/** The engine under replay(), replayMany() and replayAgainst(): `visit` sees each decided refund. */
async function run(
  policies: readonly LoadedPolicy[],
  paths: readonly string[],
  options: ReplayOptions,
  visit?: (row: RefundRow, decisions: readonly Decision[]) => void,
): Promise<ReplayReport[]> {
  const since = timeOf(options.since, 'since', -Infinity);
  const until = timeOf(options.until, 'until', Infinity);
  let totalBytes = 0;
  for (const path of paths) totalBytes += await historyFileSize(path);

  const tracker = new FactTracker(factsOf(policies));
  const order = new TimeOrder(options.chunkSize);
  const builders = policies.map((p) => new ReportBuilder(p, options.keepResults ?? false));
  const badRows: BadRowReport[] = [];
  let badRowCount = 0;
  let rows = 0;
  let bytes = 0;
  let replayed = 0;
  const progress = options.onProgress;
  const decisions: Decision[] = new Array<Decision>(policies.length);
  // Lists as Sets once; local time and weekday per policy, in its own time zone, from each
  // refund's time — as the server derives them from received_at.
  const lists = options.lists === undefined ? undefined : Object.fromEntries(Object.entries(options.lists).map(([name, values]) => [name, new Set(values)]));
  const zones = policies.map((p) => (p.ir.facts.some((f) => f.kind === 'local_time' || f.kind === 'weekday') ? p.ir.timezone ?? 'UTC' : null));
  try {
    for (const path of paths) {
      const reading = readRecordBatches(path, { ...(options.mapping ? { mapping: options.mapping } : {}), ...(options.format ? { format: options.format } : {}) }, (n) => (bytes += n));
      for await (const batch of reading) {
        for (const record of batch) {
          if (record.kind === 'payment') tracker.notePayment(record.customer, record.time);
          else if (record.kind === 'refund') {
            rows++;
            if (record.time < until) order.add(record);
          } else {
            badRowCount++;
            if (badRows.length < MAX_BAD_ROWS) badRows.push({ file: record.file, line: record.line, reason: record.reason });
          }
        }
        await order.spillIfFull();
        progress?.({ rows, bytes, totalBytes, phase: 'reading', replayed });
      }
    }
    for await (const batch of order.drain()) {
      for (const row of batch) {
        const input = tracker.next(row);
        if (row.time < since) continue;
        if (lists !== undefined) (input as Record<string, unknown>)['lists'] = lists;
        for (let i = 0; i < policies.length; i++) {
          const zone = zones[i];
          const decision = (policies[i] as LoadedPolicy).decide(zone == null ? input : { ...input, ...localTimeFacts(row.time, zone) });
          decisions[i] = decision;
          (builders[i] as ReportBuilder).add(row, decision);
        }
        visit?.(row, decisions);
        replayed++;
      }
      progress?.({ rows, bytes, totalBytes, phase: 'replaying', replayed });
    }
  } finally {
    await order.dispose();
  }
  return builders.map((b) => b.finish(badRows, badRowCount));
}

/**
 * Replays the refunds of `paths` (Payments exports, refunds CSVs, Refund JSON Lines, mixed) through
 * one policy. Throws HistoryInputError when a file cannot be read at all; bad rows are reported.
 */
export async function replay(policy: LoadedPolicy, paths: readonly string[], options: ReplayOptions = {}): Promise<ReplayReport> {
  const onResult = options.onResult;
  const visit = onResult ? (row: RefundRow, decisions: readonly Decision[]) => onResult(row.refund, decisions[0] as Decision) : undefined;
  return (await run([policy], paths, options, visit))[0] as ReplayReport;
}

/** Replays the history through several policies (a pack) in one pass over the files: one report each, in order. */
export async function replayMany(policies: readonly LoadedPolicy[], paths: readonly string[], options: ReplayOptions = {}): Promise<ReplayReport[]> {
  return run(policies, paths, options);
}

/** Replays the history through two policies and counts how the decisions change from `before` to `after`. */
export async function replayAgainst(before: LoadedPolicy, after: LoadedPolicy, paths: readonly string[], options: ReplayOptions = {}): Promise<ReplayComparison> {
  const comparison = new ComparisonBuilder();
  const [a, b] = await run([before, after], paths, options, (row, d) => comparison.add(row, d[0] as Decision, d[1] as Decision));
  return comparison.finish(a as ReplayReport, b as ReplayReport);
}
