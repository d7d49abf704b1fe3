import type { PolicyIR } from '@axiru/runtime';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { PolicyRepository, StoredPolicy } from '../types.js';

export class PgPolicyRepository implements PolicyRepository {
  private readonly putIrStmt;
  private readonly getIrStmt;
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;

  constructor(private readonly db: PgConnection) {
    this.putIrStmt = db.prepare('INSERT INTO policy_irs (hash, ir) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING');
    this.getIrStmt = db.prepare('SELECT ir FROM policy_irs WHERE hash = ?').pluck();
    this.insertStmt = db.prepare(
      `INSERT INTO policies (org_id, version, name, ir_hash, source, created_at, created_by)
       VALUES (@org_id, @version, @name, @ir_hash, @source, @created_at, @created_by)`,
    );
    this.getStmt = db.prepare('SELECT * FROM policies WHERE org_id = ? AND version = ?');
    this.listStmt = db.prepare('SELECT * FROM policies WHERE org_id = ? ORDER BY version');
  }

  async putIR(hash: string, ir: PolicyIR): Promise<void> {
    await this.putIrStmt.run(hash, JSON.stringify(ir));
  }

  async getIR(hash: string): Promise<PolicyIR | null> {
    const text = await this.getIrStmt.get(hash) as string | undefined;
    return text === undefined ? null : (JSON.parse(text) as PolicyIR);
  }

  async create(policy: StoredPolicy): Promise<void> {
    await this.db.lockOrg(policy.org_id);
    await this.insertStmt.run(policy);
  }

  async get(orgId: string, version: number): Promise<StoredPolicy | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, version) as StoredPolicy | undefined) ?? null;
  }

  async list(orgId: string): Promise<readonly StoredPolicy[]> {
    await this.db.lockOrg(orgId);
    return await this.listStmt.all(orgId) as StoredPolicy[];
  }
}
