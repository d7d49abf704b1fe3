import type { StoredRecord } from '../ledger/chain.js';
import type { Repositories } from '../repositories/types.js';
import { MerkleFrontier } from './MerkleFrontier.js';
import { recordLeafHash } from './recordLine.js';

const CATCH_UP_PAGE = 1000;

/**
 * Grows organisations' Merkle trees inside one write transaction (the Merkle projection and
 * the checkpointer use it). Each organisation's frontier is read once per transaction
 * (O(log n) rows); each record then costs one leaf hash and about two node rows. A tree that
 * is behind its chain is caught up from the ledger by `catchUp`.
 */
export class TreeAppender {
  private readonly trees = new Map<string, MerkleFrontier>();

  constructor(private readonly tx: Repositories) {}

  async append(record: Pick<StoredRecord, 'org_id' | 'seq' | 'hash'>): Promise<void> {
    const tree = await this.tree(record.org_id, record.seq - 1);
    if (tree.size !== record.seq - 1) {
      throw new Error(`the Merkle tree of ${record.org_id} covers ${tree.size} records but record ${record.seq} is being appended`);
    }
    await this.tx.merkle.putNodes(record.org_id, tree.appendLeafHash(recordLeafHash(record)));
  }

  /** How many records the organisation's tree covers, in this transaction. */
  async size(orgId: string): Promise<number> {
    return (await this.tree(orgId, 0)).size;
  }

  /** Brings the organisation's tree up to its chain head (a no-op when it is there). */
  async catchUp(orgId: string): Promise<number> {
    const head = await this.tx.ledger.head(orgId);
    return (await this.tree(orgId, head?.seq ?? 0)).size;
  }

  /** Writes the trees' sizes; call once, last, inside the same transaction. */
  async finish(): Promise<void> {
    for (const [orgId, tree] of this.trees) await this.tx.merkle.setSize(orgId, tree.size);
  }

  private async tree(orgId: string, upTo: number): Promise<MerkleFrontier> {
    let tree = this.trees.get(orgId);
    if (!tree) {
      const size = await this.tx.merkle.size(orgId);
      const coordinates = MerkleFrontier.coordinates(size);
      const hashes = await this.tx.merkle.getNodes(orgId, coordinates);
      const nodes = coordinates.map((at, i) => {
        const hash = hashes[i];
        if (!hash) throw new Error(`the Merkle tree of ${orgId} lacks its node at level ${at.level}, index ${at.index}`);
        return { ...at, hash };
      });
      tree = new MerkleFrontier(size, nodes);
      this.trees.set(orgId, tree);
    }
    while (tree.size < upTo) {
      const page = await this.tx.ledger.scan(orgId, tree.size, Math.min(CATCH_UP_PAGE, upTo - tree.size));
      if (page.length === 0) throw new Error(`the ledger of ${orgId} ends at ${tree.size}, before record ${upTo}`);
      for (const record of page) {
        if (record.seq !== tree.size + 1) throw new Error(`the ledger of ${orgId} has no record ${tree.size + 1}`);
        await this.tx.merkle.putNodes(orgId, tree.appendLeafHash(recordLeafHash(record)));
      }
    }
    return tree;
  }
}
