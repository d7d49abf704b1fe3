// A projection is a table (or a few) derived from the ledger: a fold of each organisation's
// records in seq order. Its cursor (the last seq applied) is written in the same transaction
// as the rows, so a crash leaves the projection exactly at some cursor, and applying the
// records after it — catching up — is the same code whether it resumes a lagging projection,
// finishes an interrupted rebuild or rebuilds from record zero.

import type { StoredRecord } from '../ledger/chain.js';
import type { Repositories } from '../repositories/types.js';

/** What a fold reads of a record: its envelope and hash; the body comes parsed beside it. */
export type ProjectedRecord = Pick<StoredRecord, 'org_id' | 'seq' | 'kind' | 'intent_id' | 'time' | 'hash'>;

/** Applies records inside one write transaction. */
export interface ProjectionWriter {
  /** The seq of the last record of `orgId` this projection has applied (0: none). */
  cursor(orgId: string): Promise<number>;
  /**
   * Applies the record after the cursor (record.seq = cursor + 1). `body()` parses its body
   * (once, shared by the projections; one that needs only the hash never pays for it).
   */
  apply(record: ProjectedRecord, body: () => unknown): Promise<void>;
  /** Writes the advanced cursors; called once, last, inside the same transaction. */
  finish(): Promise<void>;
}

export interface Projection {
  /** As named on the command line (`axiru db rebuild --projection NAME`) and in metrics. */
  readonly name: string;
  /**
   * The record kinds whose bodies `apply` reads (omitted: every kind). A catch-up that only
   * this kind of projection needs reads the other records without their bodies.
   */
  readonly bodyKinds?: readonly string[];
  /** A writer bound to one write transaction. */
  open(tx: Repositories): ProjectionWriter;
  /** Deletes every row and cursor of the projection (the start of a rebuild). */
  clear(tx: Repositories): Promise<void>;
  /** Records in all chains not applied yet. */
  lag(repos: Repositories): Promise<number>;
}

/**
 * A writer whose cursors live in the projections table under `name`: read once per
 * organisation, advanced in memory as records are applied, written back by finish().
 */
export function cursoredWriter(
  tx: Repositories, name: string, applyOne: (record: ProjectedRecord, body: () => unknown) => Promise<void>,
): ProjectionWriter {
  const cursors = new Map<string, number>();
  const dirty = new Set<string>();
  return {
    async cursor(orgId) {
      let seq = cursors.get(orgId);
      if (seq === undefined) {
        seq = await tx.projections.cursor(name, orgId);
        cursors.set(orgId, seq);
      }
      return seq;
    },
    async apply(record, body) {
      await applyOne(record, body);
      cursors.set(record.org_id, record.seq);
      dirty.add(record.org_id);
    },
    async finish() {
      for (const orgId of dirty) await tx.projections.setCursor(name, orgId, cursors.get(orgId)!);
      dirty.clear();
    },
  };
}
