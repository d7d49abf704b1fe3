import type { Store } from '../repositories/types.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { catchUpTree, signCheckpointAt } from './signCheckpoint.js';
import type { Leases } from '../services/leases.js';

export interface AuditCheckpointerOptions {
  /** A checkpoint at every multiple of this many records. */
  readonly everyRecords: number;
  /** A checkpoint at the head once records have waited this long without one. */
  readonly intervalMs: number;
  readonly clock: () => Date;
  /**
   * This server's leases (several servers on one database): an organisation's checkpoints are
   * signed by the server holding its `checkpoint` lease, so the servers do not queue up on its
   * lock to find the work done. (No tree size can be signed twice whatever happens: each
   * signing reads the latest checkpoint under the organisation's lock, and the table's key is
   * the organisation and tree size.)
   */
  readonly leases?: Leases;
}

/**
 * Signs each organisation's checkpoints: one at every multiple of `everyRecords` (signed after
 * the fact if several multiples passed between two looks, so the sizes stay exact), and one at
 * the head when records have been waiting `intervalMs` without a checkpoint.
 */
export class AuditCheckpointer {
  /** When each organisation's oldest unsigned records were first seen. */
  private readonly waitingSince = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SignedCheckpoint[]> | null = null;

  constructor(private readonly store: Store, private readonly options: AuditCheckpointerOptions) {}

  start(pollMs: number): void {
    if (pollMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      void this.tick().catch(() => undefined);
    }, pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One look at every organisation; returns the checkpoints it signed. */
  tick(): Promise<SignedCheckpoint[]> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<SignedCheckpoint[]> {
    const signed: SignedCheckpoint[] = [];
    for (const orgId of await this.store.ledger.chainOrgIds()) {
      const head = (await this.store.ledger.head(orgId))?.seq ?? 0;
      const covered = (await this.store.checkpoints.latest(orgId))?.tree_size ?? 0;
      if (head <= covered) {
        this.waitingSince.delete(orgId);
        continue;
      }
      const now = this.options.clock();
      const since = this.waitingSince.get(orgId) ?? now.getTime();
      this.waitingSince.set(orgId, since);
      const every = this.options.everyRecords;
      const due = Math.floor(head / every) * every > covered || now.getTime() - since >= this.options.intervalMs;
      if (!due) continue;
      const sign = () => this.store.transaction(async (tx) => {
        const size = await catchUpTree(tx, orgId);
        const last = (await tx.checkpoints.latest(orgId))?.tree_size ?? 0;
        const out: SignedCheckpoint[] = [];
        for (let at = (Math.floor(last / every) + 1) * every; at <= size; at += every) out.push(await signCheckpointAt(tx, orgId, at, now));
        const timeUp = now.getTime() - since >= this.options.intervalMs;
        if (timeUp && size > Math.max(last, out[out.length - 1]?.tree_size ?? 0)) out.push(await signCheckpointAt(tx, orgId, size, now));
        return out;
      });
      const leased = this.options.leases ? await this.options.leases.withLease('checkpoint', orgId, sign) : await sign();
      // Another server holds the lease: it signs this organisation's checkpoints.
      if (leased === null) continue;
      const made = leased;
      signed.push(...made);
      const latest = made[made.length - 1]?.tree_size ?? covered;
      if (latest >= head) this.waitingSince.delete(orgId);
      else if (made.length > 0 && now.getTime() - since >= this.options.intervalMs) this.waitingSince.set(orgId, now.getTime());
    }
    return signed;
  }
}
