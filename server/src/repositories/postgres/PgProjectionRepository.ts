import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ProjectionRepository } from '../types.js';

export class PgProjectionRepository implements ProjectionRepository {
  private readonly cursorStmt;
  private readonly setCursorStmt;
  private readonly resetStmt;
  private readonly lagStmt;

  constructor(private readonly db: PgConnection) {
    this.cursorStmt = db.prepare('SELECT seq FROM projection_cursors WHERE projection = ? AND org_id = ?').pluck();
    this.setCursorStmt = db.prepare(
      `INSERT INTO projection_cursors (projection, org_id, seq) VALUES (?, ?, ?)
       ON CONFLICT (projection, org_id) DO UPDATE SET seq = excluded.seq`,
    );
    this.resetStmt = db.prepare('DELETE FROM projection_cursors WHERE projection = ?');
    this.lagStmt = db.prepare(
      `SELECT COALESCE(SUM(h.seq - COALESCE(c.seq, 0)), 0) FROM chain_heads h
       LEFT JOIN projection_cursors c ON c.projection = ? AND c.org_id = h.org_id`,
    ).pluck();
  }

  async cursor(projection: string, orgId: string): Promise<number> {
    await this.db.lockOrg(orgId);
    return (await this.cursorStmt.get(projection, orgId) as number | undefined) ?? 0;
  }

  async setCursor(projection: string, orgId: string, seq: number): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setCursorStmt.run(projection, orgId, seq);
  }

  async reset(projection: string): Promise<void> {
    await this.resetStmt.run(projection);
  }

  async lag(projection: string): Promise<number> {
    return Number(await this.lagStmt.get(projection));
  }
}
