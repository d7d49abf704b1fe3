import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { ListRepository, ListRow } from '../types.js';

/** Values bound per `IN (...)` lookup: far below SQLite's limit on host parameters. */
const CHUNK = 500;

export class SqliteListRepository implements ListRepository {
  private readonly allStmt;
  private readonly getStmt;
  private readonly valuesStmt;
  private readonly putStmt;
  private readonly addStmt;
  private readonly removeStmt;
  private readonly versionStmt;
  private readonly seqsStmt;

  constructor(private readonly db: SqliteConnection) {
    this.allStmt = db.prepare('SELECT * FROM lists WHERE org_id = ? ORDER BY name');
    this.getStmt = db.prepare('SELECT * FROM lists WHERE org_id = ? AND name = ?');
    this.valuesStmt = db.prepare('SELECT value FROM list_values WHERE org_id = ? AND name = ? ORDER BY value').pluck();
    this.putStmt = db.prepare(
      `INSERT INTO lists (org_id, name, version, size, seq, updated_at) VALUES (@org_id, @name, @version, @size, @seq, @updated_at)
       ON CONFLICT (org_id, name) DO UPDATE SET version = excluded.version, size = excluded.size, seq = excluded.seq, updated_at = excluded.updated_at`);
    this.addStmt = db.prepare('INSERT OR IGNORE INTO list_values (org_id, name, value) VALUES (?, ?, ?)');
    this.removeStmt = db.prepare('DELETE FROM list_values WHERE org_id = ? AND name = ? AND value = ?');
    this.versionStmt = db.prepare('INSERT INTO list_versions (org_id, name, version, seq) VALUES (?, ?, ?, ?)');
    this.seqsStmt = db.prepare('SELECT seq FROM list_versions WHERE org_id = ? AND name = ? AND version <= ? ORDER BY version').pluck();
  }

  async all(orgId: string): Promise<readonly ListRow[]> {
    return this.allStmt.all(orgId) as ListRow[];
  }

  async get(orgId: string, name: string): Promise<ListRow | null> {
    return (this.getStmt.get(orgId, name) as ListRow | undefined) ?? null;
  }

  async values(orgId: string, name: string): Promise<readonly string[]> {
    return this.valuesStmt.all(orgId, name) as string[];
  }

  async present(orgId: string, name: string, values: readonly string[]): Promise<readonly string[]> {
    const found: string[] = [];
    for (let start = 0; start < values.length; start += CHUNK) {
      const chunk = values.slice(start, start + CHUNK);
      const rows = this.db.prepare(
        `SELECT value FROM list_values WHERE org_id = ? AND name = ? AND value IN (${chunk.map(() => '?').join(', ')})`,
      ).pluck().all(orgId, name, ...chunk) as string[];
      found.push(...rows);
    }
    return found;
  }

  async apply(row: ListRow, added: readonly string[], removed: readonly string[]): Promise<void> {
    for (const value of removed) this.removeStmt.run(row.org_id, row.name, value);
    for (const value of added) this.addStmt.run(row.org_id, row.name, value);
    this.putStmt.run(row);
    this.versionStmt.run(row.org_id, row.name, row.version, row.seq);
  }

  async versionSeqs(orgId: string, name: string, upTo: number): Promise<readonly number[]> {
    return (this.seqsStmt.all(orgId, name, upTo) as number[]).map(Number);
  }

  async clear(): Promise<void> {
    this.db.exec('DELETE FROM lists; DELETE FROM list_values; DELETE FROM list_versions;');
  }
}
