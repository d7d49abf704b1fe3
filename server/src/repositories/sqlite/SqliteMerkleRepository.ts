import type { MerkleNode } from '../../audit/MerkleFrontier.js';
import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { MerkleRepository, NodeCoordinate } from '../auditTypes.js';

export class SqliteMerkleRepository implements MerkleRepository {
  private readonly sizeStmt;
  private readonly setSizeStmt;
  private readonly putStmt;
  private readonly getStmt;

  constructor(db: SqliteConnection) {
    this.sizeStmt = db.prepare('SELECT size FROM merkle_sizes WHERE org_id = ?').pluck();
    this.setSizeStmt = db.prepare(
      'INSERT INTO merkle_sizes (org_id, size) VALUES (?, ?) ON CONFLICT (org_id) DO UPDATE SET size = excluded.size',
    );
    this.putStmt = db.prepare('INSERT INTO merkle_nodes (org_id, level, idx, hash) VALUES (?, ?, ?, ?)');
    this.getStmt = db.prepare('SELECT hash FROM merkle_nodes WHERE org_id = ? AND level = ? AND idx = ?').pluck();
  }

  async size(orgId: string): Promise<number> {
    const size = this.sizeStmt.get(orgId) as number | undefined;
    return size ?? 0;
  }

  async setSize(orgId: string, size: number): Promise<void> {
    this.setSizeStmt.run(orgId, size);
  }

  async putNodes(orgId: string, nodes: readonly MerkleNode[]): Promise<void> {
    for (const node of nodes) this.putStmt.run(orgId, node.level, node.index, node.hash);
  }

  async getNodes(orgId: string, coordinates: readonly NodeCoordinate[]): Promise<(Buffer | null)[]> {
    return coordinates.map((at) => (this.getStmt.get(orgId, at.level, at.index) as Buffer | undefined) ?? null);
  }
}
