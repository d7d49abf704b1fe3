import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { LeaseClaim, LeaseRepository } from '../types.js';

export class PgLeaseRepository implements LeaseRepository {
  private readonly claimStmt;
  private readonly releaseStmt;
  private readonly liveStmt;

  constructor(db: PgConnection) {
    // One statement, atomic across servers: the insert or the conditional update wins the row
    // (ON CONFLICT locks it and re-checks the condition on its latest version). `previous` is
    // the row in the statement's snapshot, before this update, to tell a takeover (another
    // holder's lease ran out) from a renewal. (Not FOR UPDATE: the CTE is read when RETURNING
    // needs it, after the update, and a row this statement updated would not be locked and read.)
    this.claimStmt = db.prepare(
      `WITH previous AS (SELECT holder FROM leases WHERE job = @job AND key = @key)
       INSERT INTO leases (job, key, holder, until_ms) VALUES (@job, @key, @holder, @until)
       ON CONFLICT (job, key) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
         WHERE leases.holder = excluded.holder OR leases.until_ms <= @now
       RETURNING COALESCE((SELECT holder <> @holder FROM previous), false) AS taken_over`);
    this.releaseStmt = db.prepare('DELETE FROM leases WHERE job = ? AND key = ? AND holder = ?');
    this.liveStmt = db.prepare('SELECT key FROM leases WHERE job = ? AND until_ms > ? ORDER BY key').pluck();
  }

  async claim(job: string, key: string, holder: string, nowMs: number, untilMs: number): Promise<LeaseClaim | null> {
    const row = await this.claimStmt.get({ job, key, holder, now: nowMs, until: untilMs }) as { taken_over: boolean } | undefined;
    return row ? { takenOver: row.taken_over } : null;
  }

  async release(job: string, key: string, holder: string): Promise<void> {
    await this.releaseStmt.run(job, key, holder);
  }

  async live(job: string, nowMs: number): Promise<readonly string[]> {
    return await this.liveStmt.all(job, nowMs) as string[];
  }
}
