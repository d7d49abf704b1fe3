// Replays of refund history stored for an organisation: an uploaded file or a read-only Stripe
// import goes to the data folder (replays/<id>/), runs through a policy with the compiler's
// replay engine in the background, and leaves a report and one result row per refund.
// Uploaded history and per-refund results are kept RETENTION_MS (30 days) after creation; the
// retention job then deletes them and keeps the report without its row-level parts.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HistoryInputError, readHistory, replay, type HistoryFormat, type ReplayReport } from '@axiru/compiler';
import { loadPolicy, type LoadedPolicy } from '@axiru/runtime';
import { ApiError } from '../errors.js';
import type { ReplayOrigin, ReplayResultRow, ReplayRow } from '../repositories/replayStripeTypes.js';
import type { Organisation, Store } from '../repositories/types.js';
import { uuidv7 } from './uuidv7.js';
import type { Leases } from './leases.js';

export const RETENTION_MS = 30 * 24 * 3_600_000;

/** Results written to the database per transaction. */
const RESULT_BATCH = 2_000;

export interface ReplayServiceOptions {
  /** The server's data folder; replays live in its `replays/` folder. */
  readonly dataDir: string;
  readonly clock: () => Date;
  readonly onError?: (error: unknown, replayId: string) => void;
  /**
   * This server's leases (several servers on one database): a running replay is held under a
   * `replay` lease, renewed while it runs, so another server marks it interrupted only once the
   * lease ran out; the retention sweep runs under the `replay_retention` lease.
   */
  readonly leases?: Leases;
}

export interface NewReplay {
  readonly id: string;
  readonly org: Organisation;
  readonly actor: string;
  readonly origin: ReplayOrigin;
  readonly fileName: string;
  readonly format: HistoryFormat | null;
  readonly policy: ResolvedPolicy;
  readonly bytes: number;
}

export interface ResolvedPolicy {
  readonly version: number;
  readonly loaded: LoadedPolicy;
}

/** Fills the history file before the replay runs (the Stripe import); reports refunds written. */
export type HistoryFiller = (onRows: (rows: number) => void) => Promise<void>;

interface Running {
  rows: number;
  replayed: number;
  readonly done: Promise<void>;
}

/** What the retention job leaves of a report: aggregates only, no refund ids or rows. */
export function trimmedReport(report: ReplayReport): ReplayReport {
  return { ...report, drift: { ...report.drift, examples: [] }, bad_rows: [] };
}

export class ReplayService {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly store: Store,
    private readonly options: ReplayServiceOptions,
  ) {}

  newId(): string {
    return `rpl_${uuidv7(this.options.clock().getTime()).replaceAll('-', '')}`;
  }

  folder(id: string): string {
    return join(this.options.dataDir, 'replays', id);
  }

  /** The history file of a replay (one per replay, whatever it was called on upload). */
  historyPath(id: string): string {
    return join(this.folder(id), 'history');
  }

  private resultsPath(id: string): string {
    return join(this.folder(id), 'results.jsonl');
  }

  /** The policy a replay runs: `v3`, or the live one when not given. */
  async resolvePolicy(org: Organisation, version: string | undefined, field: string): Promise<ResolvedPolicy> {
    let number: number;
    if (version === undefined) {
      const current = await this.store.organisations.get(org.id);
      if (current?.live_policy_version == null) throw new ApiError(409, 'no_live_policy', 'This organisation has no live policy; name one with policy_version.', field);
      number = current.live_policy_version;
    } else {
      const match = /^v([1-9][0-9]{0,8})$/.exec(version);
      if (!match) throw new ApiError(400, 'invalid_field', `"${field}" must be a policy version such as v3; got ${JSON.stringify(version)}.`, field);
      number = Number(match[1]);
    }
    const stored = await this.store.policies.get(org.id, number);
    const ir = stored ? await this.store.policies.getIR(stored.ir_hash) : null;
    if (!ir) throw new ApiError(404, 'not_found', `This organisation has no policy v${number}.`, field);
    return { version: number, loaded: loadPolicy(ir) };
  }

  /**
   * Streams an upload into the replay's folder without holding it in memory; more than
   * `maxBytes` is a 413 and leaves nothing behind. Returns the size written.
   */
  async saveUpload(id: string, source: Readable, maxBytes: number, isTruncated?: () => boolean): Promise<number> {
    await mkdir(this.folder(id), { recursive: true });
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) done(new ApiError(413, 'body_too_large', `The history file is larger than ${maxBytes} bytes.`, 'file'));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createWriteStream(this.historyPath(id)));
      if (isTruncated?.()) throw new ApiError(413, 'body_too_large', `The history file is larger than ${maxBytes} bytes.`, 'file');
      if (bytes === 0) throw new ApiError(400, 'empty_file', 'The history file is empty.', 'file');
    } catch (error) {
      await this.discard(id);
      throw error;
    }
    return bytes;
  }

  /**
   * Refuses a file that cannot be read at all (no header it understands, not JSON Lines) before
   * anything is recorded; bad rows are not refused, the replay reports them.
   */
  async precheck(id: string, format: HistoryFormat | null): Promise<void> {
    const items = readHistory(this.historyPath(id), format === null ? {} : { format });
    try {
      await items.next();
    } catch (error) {
      if (error instanceof HistoryInputError) {
        await this.discard(id);
        throw new ApiError(400, 'unreadable_history', error.message.replace(this.historyPath(id), 'the file'), 'file');
      }
      throw error;
    } finally {
      await items.return(undefined);
    }
  }

  async discard(id: string): Promise<void> {
    await rm(this.folder(id), { recursive: true, force: true });
  }

  /** Records the replay as running and starts it in the background. */
  async start(replay: NewReplay, fill?: HistoryFiller): Promise<ReplayRow> {
    const now = this.options.clock();
    const row: ReplayRow = {
      id: replay.id,
      org_id: replay.org.id,
      origin: replay.origin,
      status: 'running',
      created_at: now.toISOString(),
      created_ms: now.getTime(),
      created_by: replay.actor,
      delete_after: new Date(now.getTime() + RETENTION_MS).toISOString(),
      delete_after_ms: now.getTime() + RETENTION_MS,
      deleted_at: null,
      policy_version: replay.policy.version,
      file_name: replay.fileName,
      format: replay.format,
      file_bytes: replay.bytes,
      rows: 0,
      report: null,
      error_code: null,
      error_message: null,
      finished_at: null,
    };
    // The lease comes first: from the moment the row says `running`, other servers see it held.
    const leases = this.options.leases;
    const held = leases && await leases.claim('replay', row.id) ? leases.keep('replay', row.id) : null;
    try {
      await this.store.transaction((tx) => tx.replays.create(row));
    } catch (error) {
      await held?.release();
      throw error;
    }
    const state: { rows: number; replayed: number } = { rows: 0, replayed: 0 };
    const done = this.run(row, replay.policy.loaded, state, fill)
      .catch((error: unknown) => this.options.onError?.(error, row.id))
      .finally(() => held?.release());
    this.running.set(row.id, Object.assign(state, { done }));
    void done.finally(() => this.running.delete(row.id));
    return row;
  }

  /** Resolves when the replay has finished (done or failed); at once when it is not running here. */
  async wait(id: string): Promise<void> {
    await this.running.get(id)?.done;
  }

  /** Refunds read so far by a replay running in this process, else null. */
  progress(id: string): { rows: number; replayed: number } | null {
    const state = this.running.get(id);
    return state ? { rows: state.rows, replayed: state.replayed } : null;
  }

  private async run(row: ReplayRow, policy: LoadedPolicy, state: { rows: number; replayed: number }, fill?: HistoryFiller): Promise<void> {
    let report: ReplayReport;
    let bytes = row.file_bytes;
    try {
      if (fill) {
        await fill((rows) => (state.rows = rows));
        bytes = (await stat(this.historyPath(row.id))).size;
      }
      report = await this.replayToResults(row, policy, state);
    } catch (error) {
      const known = error instanceof ApiError ? error : error instanceof HistoryInputError
        ? new ApiError(400, 'unreadable_history', error.message.replace(this.historyPath(row.id), 'the file'))
        : null;
      await this.store.transaction((tx) => tx.replays.finish(row.id, {
        status: 'failed', rows: state.rows, file_bytes: bytes, report: null,
        error_code: known?.code ?? 'replay_failed',
        error_message: known?.message ?? `The replay stopped: ${error instanceof Error ? error.message : String(error)}`,
        finished_at: this.options.clock().toISOString(),
      }));
      if (!known) this.options.onError?.(error, row.id);
      return;
    }
    await this.store.transaction((tx) => tx.replays.finish(row.id, {
      status: 'done', rows: state.rows, file_bytes: bytes, report: JSON.stringify(report), error_code: null, error_message: null,
      finished_at: this.options.clock().toISOString(),
    }));
  }

  /**
   * Runs the engine, spooling each refund's result to a file as it is decided (the engine's
   * callback cannot wait for the database), then loads the file into replay_results in batches.
   */
  private async replayToResults(row: ReplayRow, policy: LoadedPolicy, state: { rows: number; replayed: number }): Promise<ReplayReport> {
    const spool = createWriteStream(this.resultsPath(row.id));
    const failed = new Promise<never>((_, reject) => spool.on('error', reject));
    failed.catch(() => undefined);
    let n = 0;
    // A policy that reads lists replays history against the organisation's lists as they are now.
    const lists: Record<string, readonly string[]> = {};
    for (const name of policy.ir.lists ?? []) {
      if (await this.store.lists.get(row.org_id, name)) lists[name] = await this.store.lists.values(row.org_id, name);
    }
    const report = await replay(policy, [this.historyPath(row.id)], {
      ...(row.format !== null ? { format: row.format as HistoryFormat } : {}),
      ...(Object.keys(lists).length > 0 ? { lists } : {}),
      onProgress: (progress) => {
        state.rows = progress.rows;
        state.replayed = progress.replayed;
      },
      onResult: (refund, decision) => {
        n++;
        const result: ReplayResultRow = {
          replay_id: row.id, n, refund_id: refund.id, created: refund.created, amount_cents: refund.amount_cents, currency: refund.currency,
          charge_id: refund.charge_id, customer_id: refund.customer_id, source: refund.source,
          outcome: decision.outcome, matched_rule: decision.matched_rule, approver_role: decision.approver_role,
        };
        // Written without waiting for drain: the engine's callback is synchronous, and the disk
        // takes these lines faster than the engine decides them.
        spool.write(`${JSON.stringify(result)}\n`);
      },
    });
    spool.end();
    await Promise.race([once(spool, 'finish'), failed]);
    await this.loadResults(row.id);
    await rm(this.resultsPath(row.id), { force: true });
    return report;
  }

  private async loadResults(id: string): Promise<void> {
    let batch: ReplayResultRow[] = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      if (rows.length > 0) await this.store.transaction((tx) => tx.replays.insertResults(rows));
    };
    for await (const line of createInterface({ input: createReadStream(this.resultsPath(id)), crlfDelay: Infinity })) {
      if (line === '') continue;
      batch.push(JSON.parse(line) as ReplayResultRow);
      if (batch.length >= RESULT_BATCH) await flush();
    }
    await flush();
  }

  /**
   * The retention job: deletes the history and per-refund results of every replay created more
   * than 30 days ago (by the app's clock) and keeps its report without row-level parts.
   */
  async purgeExpired(): Promise<number> {
    const leases = this.options.leases;
    const total = leases ? await leases.withLease('replay_retention', 'all', () => this.purgeRows()) ?? 0 : await this.purgeRows();
    await this.removeLocalExpired();
    return total;
  }

  private async purgeRows(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.store.replays.dueForDeletion(this.options.clock().getTime(), 100);
      for (const row of due) {
        await this.discard(row.id);
        const report = row.report === null ? null : JSON.stringify(trimmedReport(JSON.parse(row.report) as ReplayReport));
        await this.store.transaction((tx) => tx.replays.markDeleted(row.id, this.options.clock().toISOString(), report));
      }
      total += due.length;
      if (due.length < 100) return total;
    }
  }

  /**
   * A replay's files live on the server that ran it; the sweep that marked it deleted may have
   * run on another. Each server removes its own folders past retention (the id is a UUIDv7,
   * whose first 48 bits are the replay's creation time in ms).
   */
  private async removeLocalExpired(): Promise<void> {
    const names = await readdir(join(this.options.dataDir, 'replays')).catch(() => [] as string[]);
    const now = this.options.clock().getTime();
    for (const name of names) {
      const match = /^rpl_([0-9a-f]{12})[0-9a-f]{20}$/.exec(name);
      if (match && parseInt(match[1]!, 16) + RETENTION_MS <= now && !this.running.has(name)) await this.discard(name);
    }
  }

  /**
   * Replays left `running` by a server that stopped never finish: they are marked failed. A
   * replay whose `replay` lease still runs is another live server's, and is left alone.
   */
  async failInterrupted(): Promise<number> {
    const held = new Set(this.options.leases ? await this.options.leases.live('replay') : []);
    const stale = (await this.store.replays.running()).filter((row) => !this.running.has(row.id) && !held.has(row.id));
    for (const row of stale) {
      await this.store.transaction((tx) => tx.replays.finish(row.id, {
        status: 'failed', rows: row.rows, file_bytes: row.file_bytes, report: null, error_code: 'interrupted',
        error_message: 'The server stopped while this replay was running; upload the history again.',
        finished_at: this.options.clock().toISOString(),
      }));
    }
    return stale.length;
  }

  /** Every running replay has finished (on close). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((state) => state.done));
  }
}
