// Leases on the background work that several servers on one database must each do once:
// export batches, checkpoint signing, replay runs and the replay retention sweep (webhook
// deliveries and approval messages are claimed in their own rows: PgWebhookRepository,
// services/notificationOutbox.ts). A server does a piece of work
// only while it holds the lease (job, key); a lease runs for `leaseMs` from its last renewal, so
// work a server was doing when it died is taken over by another after at most one lease length.
// With SQLite (one process) the one server always gets every lease; the code is the same.

import { randomUUID } from 'node:crypto';
import type { Store } from '../repositories/types.js';

/** Lease length when AXIRU_LEASE_MS is not set. Well above the 10 s send timeouts. */
export const DEFAULT_LEASE_MS = 60_000;
export const LEASE_MS_ENV = 'AXIRU_LEASE_MS';

export const LEASE_JOBS = ['webhook', 'notification', 'export', 'checkpoint', 'replay', 'replay_retention'] as const;
export type LeaseJob = (typeof LEASE_JOBS)[number];

/** AXIRU_LEASE_MS: whole milliseconds, 100 to 3 600 000 (tests use short leases). */
export function leaseMsFromEnv(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_LEASE_MS;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 100 || value > 3_600_000) {
    throw new Error(`${LEASE_MS_ENV} must be a whole number of milliseconds from 100 to 3600000; got ${JSON.stringify(text)}`);
  }
  return value;
}

export interface LeasesOptions {
  readonly leaseMs: number;
  /** Real time: a lease measures how long a server may have been gone, whatever the app's clock says. */
  readonly now?: () => number;
  /** This server's name in the lease rows (default: a fresh random id per start). */
  readonly holder?: string;
  /** Called once per lease taken over from a server that stopped renewing it. */
  readonly onTakeover?: (job: LeaseJob) => void;
}

export class Leases {
  readonly holder: string;
  readonly leaseMs: number;
  private readonly held = new Map<LeaseJob, Set<string>>();
  /** Held in rows of their own (webhook deliveries in flight), counted by their job. */
  private readonly counted = new Map<LeaseJob, number>();

  constructor(private readonly store: Store, private readonly options: LeasesOptions) {
    this.holder = options.holder ?? `srv_${randomUUID()}`;
    this.leaseMs = options.leaseMs;
  }

  now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Takes or renews the lease; false while another server holds it. */
  async claim(job: LeaseJob, key: string): Promise<boolean> {
    const now = this.now();
    const claim = await this.store.transaction((tx) => tx.leases.claim(job, key, this.holder, now, now + this.leaseMs));
    const keys = this.keysOf(job);
    if (claim === null) {
      keys.delete(key);
      return false;
    }
    keys.add(key);
    if (claim.takenOver) this.tookOver(job);
    return true;
  }

  /** Gives the lease back, so that another server may take the work at once. */
  async release(job: LeaseJob, key: string): Promise<void> {
    this.keysOf(job).delete(key);
    await this.store.transaction((tx) => tx.leases.release(job, key, this.holder));
  }

  /**
   * Runs `work` under the lease (job, key), renewing it every third of its length and giving
   * it back after; null without running when another server holds it. `work` is told through
   * `lost()` when a renewal failed (it ran past its lease and another server may have the work).
   */
  async withLease<T>(job: LeaseJob, key: string, work: (lost: () => boolean) => Promise<T>): Promise<T | null> {
    if (!(await this.claim(job, key))) return null;
    const held = this.keep(job, key);
    try {
      return await work(held.lost);
    } finally {
      await held.release();
    }
  }

  /**
   * Keeps a lease this server just claimed: renews it every third of its length until
   * `release()`, which gives it back (unless a renewal found it lost).
   */
  keep(job: LeaseJob, key: string): { lost: () => boolean; release: () => Promise<void> } {
    let lost = false;
    let renewing: Promise<void> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = renewing.then(() => this.claim(job, key)).then((held) => { if (!held) lost = true; }, () => undefined);
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    renew.unref();
    return {
      lost: () => lost,
      release: async () => {
        clearInterval(renew);
        // A renewal still on its way would take the lease again after the release.
        await renewing;
        if (!lost) await this.release(job, key).catch(() => undefined);
      },
    };
  }

  /** The keys of `job` some server holds a running lease on. */
  async live(job: LeaseJob): Promise<readonly string[]> {
    return await this.store.leases.live(job, this.now());
  }

  /** For leases kept in the work's own rows: how many this server holds now. */
  setHeld(job: LeaseJob, count: number): void {
    this.counted.set(job, count);
  }

  tookOver(job: LeaseJob, count = 1): void {
    for (let i = 0; i < count; i += 1) this.options.onTakeover?.(job);
  }

  /** Leases this server holds now, by job. */
  heldCount(job: LeaseJob): number {
    return (this.held.get(job)?.size ?? 0) + (this.counted.get(job) ?? 0);
  }

  private keysOf(job: LeaseJob): Set<string> {
    let keys = this.held.get(job);
    if (!keys) {
      keys = new Set();
      this.held.set(job, keys);
    }
    return keys;
  }
}
