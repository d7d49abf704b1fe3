import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ListRepository, ListRow } from '../types.js';

// Values travel as one text[] parameter (`= ANY`, `unnest`): one statement per lookup or
// change, however many values, where SQLite binds them in chunks of host parameters.
export class PgListRepository implements ListRepository {
  private readonly allStmt;
  private readonly getStmt;
  private readonly valuesStmt;
  private readonly presentStmt;
  private readonly putStmt;
  private readonly addStmt;
  private readonly removeStmt;
  private readonly versionStmt;
  private readonly seqsStmt;

  constructor(private readonly db: PgConnection) {
    this.allStmt = db.prepare('SELECT * FROM lists WHERE org_id = ? ORDER BY name');
    this.getStmt = db.prepare('SELECT * FROM lists WHERE org_id = ? AND name = ?');
    this.valuesStmt = db.prepare('SELECT value FROM list_values WHERE org_id = ? AND name = ? ORDER BY value').pluck();
    this.presentStmt = db.prepare('SELECT value FROM list_values WHERE org_id = ? AND name = ? AND value = ANY(?::text[])').pluck();
    this.putStmt = db.prepare(
      `INSERT INTO lists (org_id, name, version, size, seq, updated_at) VALUES (@org_id, @name, @version, @size, @seq, @updated_at)
       ON CONFLICT (org_id, name) DO UPDATE SET version = excluded.version, size = excluded.size, seq = excluded.seq, updated_at = excluded.updated_at`);
    this.addStmt = db.prepare(
      'INSERT INTO list_values (org_id, name, value) SELECT ?, ?, unnest(?::text[]) ON CONFLICT DO NOTHING');
    this.removeStmt = db.prepare('DELETE FROM list_values WHERE org_id = ? AND name = ? AND value = ANY(?::text[])');
    this.versionStmt = db.prepare('INSERT INTO list_versions (org_id, name, version, seq) VALUES (?, ?, ?, ?)');
    this.seqsStmt = db.prepare('SELECT seq FROM list_versions WHERE org_id = ? AND name = ? AND version <= ? ORDER BY version').pluck();
  }

  async all(orgId: string): Promise<readonly ListRow[]> {
    await this.db.lockOrg(orgId);
    return await this.allStmt.all(orgId) as ListRow[];
  }

  async get(orgId: string, name: string): Promise<ListRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, name) as ListRow | undefined) ?? null;
  }

  async values(orgId: string, name: string): Promise<readonly string[]> {
    await this.db.lockOrg(orgId);
    return await this.valuesStmt.all(orgId, name) as string[];
  }

  async present(orgId: string, name: string, values: readonly string[]): Promise<readonly string[]> {
    if (values.length === 0) return [];
    await this.db.lockOrg(orgId);
    return await this.presentStmt.all(orgId, name, values) as string[];
  }

  async apply(row: ListRow, added: readonly string[], removed: readonly string[]): Promise<void> {
    await this.db.lockOrg(row.org_id);
    // Removed before added, as SQLite's: a value in both ends up present.
    if (removed.length > 0) await this.removeStmt.run(row.org_id, row.name, removed);
    if (added.length > 0) await this.addStmt.run(row.org_id, row.name, added);
    await this.putStmt.run(row);
    await this.versionStmt.run(row.org_id, row.name, row.version, row.seq);
  }

  async versionSeqs(orgId: string, name: string, upTo: number): Promise<readonly number[]> {
    await this.db.lockOrg(orgId);
    return (await this.seqsStmt.all(orgId, name, upTo) as number[]).map(Number);
  }

  async clear(): Promise<void> {
    await this.db.exec('DELETE FROM lists; DELETE FROM list_values; DELETE FROM list_versions;');
  }
}
