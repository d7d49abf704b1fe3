import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { LeaseClaim, LeaseRepository } from '../types.js';

/** The leases of 015_leases.sql. One process holds them all; the code is the same on both engines. */
export class SqliteLeaseRepository implements LeaseRepository {
  private readonly holderStmt;
  private readonly claimStmt;
  private readonly releaseStmt;
  private readonly liveStmt;

  constructor(db: SqliteConnection) {
    this.holderStmt = db.prepare('SELECT holder FROM leases WHERE job = ? AND key = ?').pluck();
    this.claimStmt = db.prepare(
      `INSERT INTO leases (job, key, holder, until_ms) VALUES (@job, @key, @holder, @until)
       ON CONFLICT (job, key) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
         WHERE leases.holder = excluded.holder OR leases.until_ms <= @now`);
    this.releaseStmt = db.prepare('DELETE FROM leases WHERE job = ? AND key = ? AND holder = ?');
    this.liveStmt = db.prepare('SELECT key FROM leases WHERE job = ? AND until_ms > ? ORDER BY key').pluck();
  }

  async claim(job: string, key: string, holder: string, nowMs: number, untilMs: number): Promise<LeaseClaim | null> {
    // Called in a write transaction: nothing changes the row between the two statements.
    const previous = this.holderStmt.get(job, key) as string | undefined;
    if (this.claimStmt.run({ job, key, holder, now: nowMs, until: untilMs }).changes !== 1) return null;
    return { takenOver: previous !== undefined && previous !== holder };
  }

  async release(job: string, key: string, holder: string): Promise<void> {
    this.releaseStmt.run(job, key, holder);
  }

  async live(job: string, nowMs: number): Promise<readonly string[]> {
    return this.liveStmt.all(job, nowMs) as string[];
  }
}
