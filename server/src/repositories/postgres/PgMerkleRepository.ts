import type { MerkleNode } from '../../audit/MerkleFrontier.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { MerkleRepository, NodeCoordinate } from '../auditTypes.js';

export class PgMerkleRepository implements MerkleRepository {
  private readonly sizeStmt;
  private readonly setSizeStmt;
  private readonly putStmt;
  private readonly getStmt;
  private readonly behindStmt;

  constructor(private readonly db: PgConnection) {
    this.sizeStmt = db.prepare('SELECT size FROM merkle_sizes WHERE org_id = ?').pluck();
    this.setSizeStmt = db.prepare(
      'INSERT INTO merkle_sizes (org_id, size) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET size = excluded.size',
    );
    this.putStmt = db.prepare('INSERT INTO merkle_nodes (org_id, level, idx, hash) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare('SELECT hash FROM merkle_nodes WHERE org_id = ? AND level = ? AND idx = ?').pluck();
    this.behindStmt = db.prepare(
      'SELECT COALESCE(SUM(h.seq - COALESCE(s.size, 0)), 0) FROM chain_heads h LEFT JOIN merkle_sizes s ON s.org_id = h.org_id',
    ).pluck();
  }

  async size(orgId: string): Promise<number> {
    await this.db.lockOrg(orgId);
    const size = await this.sizeStmt.get(orgId) as number | undefined;
    return size ?? 0;
  }

  async setSize(orgId: string, size: number): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setSizeStmt.run(orgId, size);
  }

  async putNodes(orgId: string, nodes: readonly MerkleNode[]): Promise<void> {
    await this.db.lockOrg(orgId);
    for (const node of nodes) await this.putStmt.run(orgId, node.level, node.index, node.hash);
  }

  async getNodes(orgId: string, coordinates: readonly NodeCoordinate[]): Promise<(Buffer | null)[]> {
    await this.db.lockOrg(orgId);
    const nodes: (Buffer | null)[] = [];
    for (const at of coordinates) nodes.push((await this.getStmt.get(orgId, at.level, at.index) as Buffer | undefined) ?? null);
    return nodes;
  }

  async clear(): Promise<void> {
    await this.db.exec('DELETE FROM merkle_nodes; DELETE FROM merkle_sizes');
  }

  async behind(): Promise<number> {
    return Number(await this.behindStmt.get());
  }
}
