import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ApiKeyRecord, ApiKeyRepository } from '../types.js';

export class PgApiKeyRepository implements ApiKeyRepository {
  private readonly insertStmt;
  private readonly byHashStmt;
  private readonly listAllStmt;
  private readonly listOrgStmt;
  private readonly revokeStmt;

  constructor(private readonly db: PgConnection) {
    this.insertStmt = db.prepare(
      `INSERT INTO api_keys (id, org_id, kind, mode, key_hash, hint, label, created_at, revoked_at)
       VALUES (@id, @org_id, @kind, @mode, @key_hash, @hint, @label, @created_at, @revoked_at)`,
    );
    this.byHashStmt = db.prepare('SELECT * FROM api_keys WHERE key_hash = ?');
    this.listAllStmt = db.prepare('SELECT * FROM api_keys ORDER BY org_id, created_at, id');
    this.listOrgStmt = db.prepare('SELECT * FROM api_keys WHERE org_id = ? ORDER BY created_at, id');
    this.revokeStmt = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  }

  async create(key: ApiKeyRecord): Promise<void> {
    await this.insertStmt.run(key);
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    return (await this.byHashStmt.get(keyHash) as ApiKeyRecord | undefined) ?? null;
  }

  async list(orgId: string | null): Promise<readonly ApiKeyRecord[]> {
    return (orgId === null ? await this.listAllStmt.all() : await this.listOrgStmt.all(orgId)) as ApiKeyRecord[];
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.revokeStmt.run(at, id)).changes === 1;
  }
}
