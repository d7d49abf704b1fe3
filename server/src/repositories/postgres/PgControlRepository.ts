import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ControlKind, ControlRepository, ControlRow } from '../types.js';

export class PgControlRepository implements ControlRepository {
  private readonly activeStmt;
  private readonly getStmt;
  private readonly putStmt;
  private readonly removeStmt;

  constructor(private readonly db: PgConnection) {
    this.activeStmt = db.prepare('SELECT * FROM controls WHERE org_id = ? ORDER BY seq');
    this.getStmt = db.prepare('SELECT * FROM controls WHERE org_id = ? AND kind = ? AND scope = ?');
    this.putStmt = db.prepare(
      `INSERT INTO controls (org_id, kind, scope, reason, actor, seq, created_at)
       VALUES (@org_id, @kind, @scope, @reason, @actor, @seq, @created_at)`,
    );
    this.removeStmt = db.prepare('DELETE FROM controls WHERE org_id = ? AND kind = ? AND scope = ?');
  }

  async active(orgId: string): Promise<readonly ControlRow[]> {
    await this.db.lockOrg(orgId);
    return await this.activeStmt.all(orgId) as ControlRow[];
  }

  async get(orgId: string, kind: ControlKind, scope: string): Promise<ControlRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, kind, scope) as ControlRow | undefined) ?? null;
  }

  async put(row: ControlRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.putStmt.run(row);
  }

  async remove(orgId: string, kind: ControlKind, scope: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.removeStmt.run(orgId, kind, scope)).changes === 1;
  }
}
