import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { IdempotencyRepository, IdempotencyRow } from '../types.js';

export class PgIdempotencyRepository implements IdempotencyRepository {
  private readonly getStmt;
  private readonly putStmt;
  private readonly purgeStmt;

  constructor(private readonly db: PgConnection) {
    this.getStmt = db.prepare('SELECT * FROM idempotency_keys WHERE org_id = ? AND key = ?');
    this.putStmt = db.prepare(
      `INSERT INTO idempotency_keys (org_id, key, request_hash, status_code, response, created_ms)
       VALUES (@org_id, @key, @request_hash, @status_code, @response, @created_ms)
       ON CONFLICT (org_id, key) DO UPDATE SET request_hash = excluded.request_hash, status_code = excluded.status_code,
         response = excluded.response, created_ms = excluded.created_ms`,
    );
    this.purgeStmt = db.prepare('DELETE FROM idempotency_keys WHERE created_ms < ?');
  }

  async get(orgId: string, key: string): Promise<IdempotencyRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, key) as IdempotencyRow | undefined) ?? null;
  }

  async put(row: IdempotencyRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.putStmt.run(row);
  }

  async purge(beforeMs: number): Promise<number> {
    return (await this.purgeStmt.run(beforeMs)).changes;
  }
}
