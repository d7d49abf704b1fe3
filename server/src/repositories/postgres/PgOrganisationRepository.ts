import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { Organisation, OrganisationRepository, OrgMode } from '../types.js';

export class PgOrganisationRepository implements OrganisationRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly setLiveStmt;
  private readonly setTtlStmt;
  private readonly setModeStmt;

  constructor(private readonly db: PgConnection) {
    this.insertStmt = db.prepare(
      'INSERT INTO organisations (id, name, default_currency, live_policy_version, created_at) VALUES (@id, @name, @default_currency, @live_policy_version, @created_at)',
    );
    this.getStmt = db.prepare('SELECT * FROM organisations WHERE id = ?');
    this.listStmt = db.prepare('SELECT * FROM organisations ORDER BY created_at, id');
    this.setLiveStmt = db.prepare('UPDATE organisations SET live_policy_version = ? WHERE id = ?');
    this.setTtlStmt = db.prepare('UPDATE organisations SET approval_ttl_ms = ? WHERE id = ?');
    this.setModeStmt = db.prepare('UPDATE organisations SET mode = ? WHERE id = ?');
  }

  async create(org: Organisation): Promise<void> {
    await this.db.lockOrganisations();
    await this.insertStmt.run(org);
  }

  async get(id: string): Promise<Organisation | null> {
    return (await this.getStmt.get(id) as Organisation | undefined) ?? null;
  }

  async list(): Promise<readonly Organisation[]> {
    // In a transaction: "no organisation yet" stays true until it commits (bootstrap's re-check).
    await this.db.lockOrganisations();
    return await this.listStmt.all() as Organisation[];
  }

  async setLivePolicy(orgId: string, version: number): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setLiveStmt.run(version, orgId);
  }

  async setApprovalTtl(orgId: string, ttlMs: number): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setTtlStmt.run(ttlMs, orgId);
  }

  async setMode(orgId: string, mode: OrgMode): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setModeStmt.run(mode, orgId);
  }
}
