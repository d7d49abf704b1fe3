import type { ProjectionSession } from '../projections/ProjectionSession.js';
import type { Repositories } from '../repositories/types.js';
import { sealContent, type ChainHead } from './chain.js';
import { GENESIS_HASH, type LedgerRecord, type RecordDraft } from './record.js';

/**
 * Appends records to organisations' chains inside one write transaction. The head of each
 * chain is read from the store the first time an organisation is touched (inside the
 * transaction, so another writer cannot interleave), advanced in memory for the rest of the
 * batch, and written back by `finish()` before the transaction commits.
 *
 * The record and the head are all that must be written before a record is acknowledged; the
 * tables derived from it are projections (server/src/projections). A writer that reads a
 * projection to check its rules passes a session, which applies each record right after it is
 * appended, so the next check in the same transaction sees it.
 */
export class ChainAppender {
  private readonly heads = new Map<string, ChainHead>();
  private readonly dirty = new Set<string>();

  constructor(private readonly tx: Repositories, private readonly session: ProjectionSession | null = null) {}

  async append(draft: RecordDraft): Promise<LedgerRecord> {
    let head = this.heads.get(draft.org_id);
    if (!head) {
      head = (await this.tx.ledger.head(draft.org_id)) ?? { seq: 0, hash: GENESIS_HASH };
    }
    const content = { ...draft, seq: head.seq + 1, prev_hash: head.hash };
    const stored = sealContent(content);
    const record: LedgerRecord = { ...content, hash: stored.hash };
    await this.tx.ledger.append(stored);
    this.heads.set(draft.org_id, { seq: record.seq, hash: record.hash });
    this.dirty.add(draft.org_id);
    if (this.session) await this.session.applyAppended(record, record.body);
    return record;
  }

  /** Writes the advanced heads (and the session's cursors); call once, last, inside the same transaction. */
  async finish(): Promise<void> {
    for (const orgId of this.dirty) {
      const head = this.heads.get(orgId);
      if (head) await this.tx.ledger.setHead(orgId, head);
    }
    this.dirty.clear();
    await this.session?.finish();
  }
}
