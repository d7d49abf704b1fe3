import type { SignedCheckpoint } from '../../audit/checkpoint.js';
import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { CheckpointListOptions, CheckpointRepository } from '../auditTypes.js';

const COLUMNS = 'org_id AS org, tree_size, root, time, key_id, signature';

export class SqliteCheckpointRepository implements CheckpointRepository {
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly allStmt;

  constructor(db: SqliteConnection) {
    this.insertStmt = db.prepare(
      `INSERT INTO audit_checkpoints (org_id, tree_size, root, time, key_id, signature)
       VALUES (@org, @tree_size, @root, @time, @key_id, @signature)`,
    );
    this.latestStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE org_id = ? ORDER BY tree_size DESC LIMIT 1`);
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE org_id = ? AND tree_size = ?`);
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE org_id = ? AND tree_size < ? ORDER BY tree_size DESC LIMIT ?`);
    this.allStmt = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE org_id = ? ORDER BY tree_size`);
  }

  async insert(checkpoint: SignedCheckpoint): Promise<void> {
    const { org, tree_size, root, time, key_id, signature } = checkpoint;
    this.insertStmt.run({ org, tree_size, root, time, key_id, signature });
  }

  async latest(orgId: string): Promise<SignedCheckpoint | null> {
    return (this.latestStmt.get(orgId) as SignedCheckpoint | undefined) ?? null;
  }

  async get(orgId: string, treeSize: number): Promise<SignedCheckpoint | null> {
    return (this.getStmt.get(orgId, treeSize) as SignedCheckpoint | undefined) ?? null;
  }

  async list(orgId: string, options: CheckpointListOptions, limit: number): Promise<readonly SignedCheckpoint[]> {
    return this.listStmt.all(orgId, options.beforeSize ?? Number.MAX_SAFE_INTEGER, limit) as SignedCheckpoint[];
  }

  async all(orgId: string): Promise<readonly SignedCheckpoint[]> {
    return this.allStmt.all(orgId) as SignedCheckpoint[];
  }
}
