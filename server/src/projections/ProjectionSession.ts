import type { RecordEnvelope, Repositories } from '../repositories/types.js';
import type { ProjectedRecord, Projection, ProjectionWriter } from './Projection.js';

/** Records read from the ledger at a time while catching up. */
const PAGE = 500;

/**
 * Catches projections up inside one write transaction: for an organisation, reads the records
 * after the lowest cursor and gives each projection the ones it has not applied. Call
 * `finish()` once, last, to write the cursors with the rows.
 */
export class ProjectionSession {
  private readonly writers: readonly ProjectionWriter[];
  /** Organisations caught up to their head in this transaction and kept there by applyAppended. */
  private readonly current = new Set<string>();

  constructor(private readonly tx: Repositories, private readonly projections: readonly Projection[]) {
    this.writers = projections.map((projection) => projection.open(tx));
  }

  /**
   * Applies the organisation's records after each cursor, at most `limit` of them (in the
   * ledger's order, so stopping anywhere leaves every projection at a record boundary).
   * Returns how many records were read; fewer than `limit` means every projection is at the head.
   */
  async catchUp(orgId: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
    if (this.current.has(orgId)) return 0;
    const cursors = await Promise.all(this.writers.map((writer) => writer.cursor(orgId)));
    let after = Math.min(...cursors);
    let read = 0;
    while (read < limit) {
      const wanted = Math.min(PAGE, limit - read);
      const page = await this.page(orgId, after, wanted, cursors);
      for (const record of page) {
        if (record.seq !== after + 1) throw new Error(`the ledger of ${orgId} has no record ${after + 1}`);
        let parsed: unknown;
        const body = (): unknown => {
          if (record.body === null) throw new Error(`record ${record.seq} of ${orgId} was read without its body`);
          return (parsed ??= JSON.parse(record.body));
        };
        for (const [index, writer] of this.writers.entries()) {
          if (record.seq > cursors[index]!) {
            await writer.apply(record, body);
            cursors[index] = record.seq;
          }
        }
        after = record.seq;
      }
      read += page.length;
      if (page.length < wanted) {
        this.current.add(orgId);
        break;
      }
    }
    return read;
  }

  /**
   * The next page of records, with the bodies that the projections still behind at `after`
   * read: all of them if one of those reads every kind, else only their kinds' (the Merkle
   * tree, catching up alone, reads none).
   */
  private page(orgId: string, after: number, wanted: number, cursors: readonly number[]): Promise<readonly RecordEnvelope[]> {
    const kinds = new Set<string>();
    for (const [index, projection] of this.projections.entries()) {
      if (cursors[index]! >= after + wanted) continue;
      if (!projection.bodyKinds) return this.tx.ledger.scan(orgId, after, wanted);
      for (const kind of projection.bodyKinds) kinds.add(kind);
    }
    return this.tx.ledger.scanEnvelopes(orgId, after, wanted, [...kinds].sort());
  }

  /**
   * Applies a record this transaction just appended, with its body as an object, without
   * reading it back; a projection that is further behind is caught up from the ledger instead.
   */
  async applyAppended(record: ProjectedRecord, body: unknown): Promise<void> {
    for (const writer of this.writers) {
      if ((await writer.cursor(record.org_id)) !== record.seq - 1) {
        this.current.delete(record.org_id);
        await this.catchUp(record.org_id);
        return;
      }
    }
    for (const writer of this.writers) await writer.apply(record, () => body);
  }

  async finish(): Promise<void> {
    for (const writer of this.writers) await writer.finish();
  }
}
