// Keeps projections behind the ledger by a bounded amount. The decision path seals records
// without touching them; after each sealed batch the runner is told which organisations moved,
// and it applies their new records in its own write transactions of at most `batchRecords`
// records, queued with the sealing transactions (so it never interleaves with one). A start
// catches every organisation up (what a crash or a `--projection` rebuild left behind), and a
// rebuild is "clear, then catch up from record zero" through the same code.

import type { Repositories, Store } from '../repositories/types.js';
import type { Projection } from './Projection.js';
import { ProjectionSession } from './ProjectionSession.js';
import { PROJECTIONS } from './projections.js';

export interface ProjectionRunnerOptions {
  /** Most records applied in one catch-up transaction. */
  readonly batchRecords?: number;
  /** Milliseconds between a sealed batch and the catch-up it triggers (lets records gather). */
  readonly delayMs?: number;
  /** False: sealed batches trigger no catch-up (it then happens only when asked for). */
  readonly background?: boolean;
  readonly onError?: (error: unknown) => void;
  /** Told after each catch-up transaction, with the records it applied. */
  readonly onProgress?: (records: number) => void;
}

export const DEFAULT_BATCH_RECORDS = 2000;
export const DEFAULT_DELAY_MS = 50;

export class ProjectionRunner {
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly batchRecords: number;

  constructor(
    private readonly store: Store,
    private readonly projections: readonly Projection[] = PROJECTIONS,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.batchRecords = options.batchRecords ?? DEFAULT_BATCH_RECORDS;
  }

  /** Records were sealed for `orgId`: catch its projections up soon. */
  sealed(orgId: string): void {
    if (this.stopped || this.options.background === false) return;
    this.dirty.add(orgId);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const orgs = [...this.dirty];
      this.dirty.clear();
      void this.catchUp(orgs).catch((error: unknown) => this.options.onError?.(error));
    }, this.options.delayMs ?? DEFAULT_DELAY_MS);
    this.timer.unref();
  }

  /**
   * Brings the projections of `orgIds` (every organisation when omitted) up to their chain
   * heads, one bounded transaction at a time. Catch-ups run one after another.
   */
  catchUp(orgIds?: readonly string[]): Promise<void> {
    const run = async (): Promise<void> => {
      const orgs = orgIds ?? await this.store.ledger.chainOrgIds();
      for (const orgId of orgs) {
        for (;;) {
          if (this.stopped) return;
          const read = await this.store.transaction((tx) => this.catchUpIn(tx, orgId, this.batchRecords));
          this.options.onProgress?.(read);
          if (read < this.batchRecords) break;
        }
      }
    };
    const next = this.running.then(run, run);
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Inside a write transaction: applies up to `limit` records of `orgId`; returns how many. */
  async catchUpIn(tx: Repositories, orgId: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
    const session = new ProjectionSession(tx, this.projections);
    const read = await session.catchUp(orgId, limit);
    await session.finish();
    return read;
  }

  /**
   * Drops the projections' rows and cursors in one transaction, then applies every record again.
   * Interrupted anywhere, the next catch-up (every start runs one) completes it.
   */
  async rebuild(): Promise<void> {
    await this.store.transaction(async (tx) => {
      for (const projection of this.projections) await projection.clear(tx);
    });
    await this.catchUp();
  }

  /** Records not yet applied, by projection. */
  async lag(): Promise<Record<string, number>> {
    const lag: Record<string, number> = {};
    for (const projection of this.projections) lag[projection.name] = await projection.lag(this.store);
    return lag;
  }

  /** Stops scheduling; resolves once a catch-up in progress finished its transaction. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
