import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { Organisation, OrganisationRepository, OrgMode } from '../types.js';

export class SqliteOrganisationRepository implements OrganisationRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly setLiveStmt;
  private readonly setTtlStmt;
  private readonly setModeStmt;

  constructor(db: SqliteConnection) {
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
    this.insertStmt.run(org);
  }

  async get(id: string): Promise<Organisation | null> {
    return (this.getStmt.get(id) as Organisation | undefined) ?? null;
  }

  async list(): Promise<readonly Organisation[]> {
    return this.listStmt.all() as Organisation[];
  }

  async setLivePolicy(orgId: string, version: number): Promise<void> {
    this.setLiveStmt.run(version, orgId);
  }

  async setApprovalTtl(orgId: string, ttlMs: number): Promise<void> {
    this.setTtlStmt.run(ttlMs, orgId);
  }

  async setMode(orgId: string, mode: OrgMode): Promise<void> {
    this.setModeStmt.run(mode, orgId);
  }
}
