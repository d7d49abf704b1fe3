// Per-organisation memory of decoded sealed decisions, so that asking "what would this policy
// have done to the last 30 days" a second time reads only the decisions sealed since the first.
//
// Correctness rests on two ledger invariants: a sealed record never changes, and an
// organisation's records become visible in seq order (each one hashes the one before it, and
// commits are serial), so once seq N is visible every earlier record of the organisation is. The
// cache therefore holds every decision with received_ms >= floorMs and seq <= lastSeq, and
// catches up by asking only for seq > lastSeq.

import type { Store } from '../repositories/types.js';
import { readTraffic, type SealedDecision, type TrafficSource } from './sealedTraffic.js';

interface OrgTraffic {
  floorMs: number;
  lastSeq: number;
  /** In seq order. */
  entries: SealedDecision[];
}

const FOREVER = Number.MAX_SAFE_INTEGER;
const DAY_MS = 86_400_000;

export interface SealedTrafficCacheOptions {
  /** Most decisions kept over all organisations; the least recently asked organisation goes first. */
  readonly maxEntries?: number;
  /** Decisions this much older than a window's start are dropped (the largest window asked for). */
  readonly horizonMs?: number;
}

export class SealedTrafficCache implements TrafficSource {
  /** In least-recently-used order (a Map keeps insertion order; a use re-inserts). */
  private readonly orgs = new Map<string, OrgTraffic>();
  /** One refresh at a time per organisation, so two requests never append the same records. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly maxEntries: number;
  private readonly horizonMs: number;

  constructor(options: SealedTrafficCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000_000;
    this.horizonMs = options.horizonMs ?? 90 * DAY_MS;
  }

  window(store: Store, orgId: string, sinceMs: number, untilMs: number): Promise<readonly SealedDecision[]> {
    const previous = this.queues.get(orgId) ?? Promise.resolve();
    const next = previous.then(() => this.refresh(store, orgId, sinceMs), () => this.refresh(store, orgId, sinceMs))
      .then((org) => org.entries.filter((entry) => entry.receivedMs >= sinceMs && entry.receivedMs < untilMs));
    const settled = next.catch(() => undefined);
    this.queues.set(orgId, settled);
    void settled.then(() => {
      if (this.queues.get(orgId) === settled) this.queues.delete(orgId);
    });
    return next;
  }

  /** Decisions held now, over all organisations (for tests and metrics). */
  size(): number {
    let total = 0;
    for (const org of this.orgs.values()) total += org.entries.length;
    return total;
  }

  private async refresh(store: Store, orgId: string, sinceMs: number): Promise<OrgTraffic> {
    let org = this.orgs.get(orgId);
    if (!org) {
      const entries = await readTraffic(store, orgId, sinceMs, FOREVER);
      org = { floorMs: sinceMs, lastSeq: entries[entries.length - 1]?.seq ?? 0, entries };
    } else {
      if (sinceMs < org.floorMs) {
        // Older decisions than held: those up to lastSeq come now, later ones with the catch-up.
        const lastSeq = org.lastSeq;
        const older = (await readTraffic(store, orgId, sinceMs, org.floorMs)).filter((entry) => entry.seq <= lastSeq);
        org.entries = mergeBySeq(older, org.entries);
        org.floorMs = sinceMs;
      }
      const newer = await readTraffic(store, orgId, org.floorMs, FOREVER, org.lastSeq);
      for (const entry of newer) org.entries.push(entry);
      if (newer.length > 0) org.lastSeq = newer[newer.length - 1]!.seq;
      const horizon = sinceMs - this.horizonMs;
      if (org.floorMs < horizon) {
        org.entries = org.entries.filter((entry) => entry.receivedMs >= horizon);
        org.floorMs = horizon;
      }
    }
    this.orgs.delete(orgId);
    this.orgs.set(orgId, org);
    this.evict(orgId);
    return org;
  }

  private evict(keep: string): void {
    let total = this.size();
    for (const [orgId, org] of this.orgs) {
      if (total <= this.maxEntries) return;
      if (orgId === keep) continue;
      this.orgs.delete(orgId);
      total -= org.entries.length;
    }
  }
}

function mergeBySeq(a: readonly SealedDecision[], b: readonly SealedDecision[]): SealedDecision[] {
  const merged: SealedDecision[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const left = a[i];
    const right = b[j];
    if (right === undefined || (left !== undefined && left.seq < right.seq)) {
      merged.push(left!);
      i += 1;
    } else {
      merged.push(right);
      j += 1;
    }
  }
  return merged;
}
