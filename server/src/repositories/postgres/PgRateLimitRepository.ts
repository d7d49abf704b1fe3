import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { OrgRateLimitsRow, RateLimitRepository } from '../types.js';

export class PgRateLimitRepository implements RateLimitRepository {
  private readonly getStmt;
  private readonly putStmt;
  private readonly removeStmt;

  constructor(private readonly db: PgConnection) {
    this.getStmt = db.prepare('SELECT * FROM org_rate_limits WHERE org_id = ?');
    this.putStmt = db.prepare(
      `INSERT INTO org_rate_limits (org_id, limits, updated_at, updated_by) VALUES (@org_id, @limits, @updated_at, @updated_by)
       ON CONFLICT (org_id) DO UPDATE SET limits = excluded.limits, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    this.removeStmt = db.prepare('DELETE FROM org_rate_limits WHERE org_id = ?');
  }

  async get(orgId: string): Promise<OrgRateLimitsRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId) as OrgRateLimitsRow | undefined) ?? null;
  }

  async put(row: OrgRateLimitsRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.putStmt.run(row);
  }

  async remove(orgId: string): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.removeStmt.run(orgId);
  }
}
