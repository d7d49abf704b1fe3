import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ApprovalRepository, ApprovalRow } from '../types.js';

export class PgApprovalRepository implements ApprovalRepository {
  private readonly insertStmt;
  private readonly forIntentStmt;

  constructor(private readonly db: PgConnection) {
    this.insertStmt = db.prepare(
      `INSERT INTO approvals (org_id, intent_id, user_id, verdict, role, seq, time)
       VALUES (@org_id, @intent_id, @user_id, @verdict, @role, @seq, @time)`,
    );
    this.forIntentStmt = db.prepare('SELECT * FROM approvals WHERE org_id = ? AND intent_id = ? ORDER BY seq');
  }

  async insert(row: ApprovalRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.insertStmt.run(row);
  }

  async forIntent(orgId: string, intentId: string): Promise<readonly ApprovalRow[]> {
    await this.db.lockOrg(orgId);
    return await this.forIntentStmt.all(orgId, intentId) as ApprovalRow[];
  }

  async clear(): Promise<void> {
    await this.db.exec('DELETE FROM approvals');
  }
}
