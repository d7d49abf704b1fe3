import type { SignedCheckpoint } from '../../audit/checkpoint.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { CheckpointListOptions, CheckpointRepository } from '../auditTypes.js';

const COLUMNS = 'org_id AS org, tree_size, root, time, key_id, signature';

export class PgCheckpointRepository implements CheckpointRepository {
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly allStmt;

  constructor(private readonly db: PgConnection) {
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
    await this.db.lockOrg(checkpoint.org);
    const { org, tree_size, root, time, key_id, signature } = checkpoint;
    await this.insertStmt.run({ org, tree_size, root, time, key_id, signature });
  }

  async latest(orgId: string): Promise<SignedCheckpoint | null> {
    await this.db.lockOrg(orgId);
    return (await this.latestStmt.get(orgId) as SignedCheckpoint | undefined) ?? null;
  }

  async get(orgId: string, treeSize: number): Promise<SignedCheckpoint | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, treeSize) as SignedCheckpoint | undefined) ?? null;
  }

  async list(orgId: string, options: CheckpointListOptions, limit: number): Promise<readonly SignedCheckpoint[]> {
    await this.db.lockOrg(orgId);
    return await this.listStmt.all(orgId, options.beforeSize ?? Number.MAX_SAFE_INTEGER, limit) as SignedCheckpoint[];
  }

  async all(orgId: string): Promise<readonly SignedCheckpoint[]> {
    await this.db.lockOrg(orgId);
    return await this.allStmt.all(orgId) as SignedCheckpoint[];
  }
}
