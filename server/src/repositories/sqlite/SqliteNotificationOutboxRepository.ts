import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
import type { DeliveryClaim, NotificationOutboxRepository, OutboxNotification } from '../types.js';

/** The outbox of 015_leases.sql. With one process, what it finds claimed was claimed before a restart. */
export class SqliteNotificationOutboxRepository implements NotificationOutboxRepository {
  private readonly enqueueStmt;
  private readonly anyDueStmt;
  private readonly dueStmt;
  private readonly claimStmt;
  private readonly doneStmt;

  constructor(db: SqliteConnection) {
    this.enqueueStmt = db.prepare(
      `INSERT INTO notification_outbox (id, org_id, channel, event, next_attempt_ms, claimed_by, created_at)
       VALUES (@id, @org_id, @channel, @event, @next_attempt_ms, @claimed_by, @created_at)`);
    this.anyDueStmt = db.prepare(
      'SELECT EXISTS (SELECT 1 FROM notification_outbox WHERE next_attempt_ms <= ? AND channel IN (SELECT value FROM json_each(?)))').pluck();
    this.dueStmt = db.prepare(
      `SELECT * FROM notification_outbox WHERE next_attempt_ms <= ? AND channel IN (SELECT value FROM json_each(?))
       ORDER BY created_at, id LIMIT ?`);
    this.claimStmt = db.prepare('UPDATE notification_outbox SET next_attempt_ms = ?, claimed_by = ? WHERE id = ?');
    this.doneStmt = db.prepare('DELETE FROM notification_outbox WHERE id = ?');
  }

  async enqueue(row: OutboxNotification): Promise<void> {
    this.enqueueStmt.run(row);
  }

  async anyDue(nowMs: number, channels: readonly OutboxNotification['channel'][]): Promise<boolean> {
    return this.anyDueStmt.get(nowMs, JSON.stringify(channels)) === 1;
  }

  // Called in a write transaction: nothing changes the rows between the two statements.
  async claimDue(
    nowMs: number, limit: number, channels: readonly OutboxNotification['channel'][], claim: DeliveryClaim,
  ): Promise<readonly (OutboxNotification & { taken_over: boolean })[]> {
    const rows = this.dueStmt.all(nowMs, JSON.stringify(channels), limit) as OutboxNotification[];
    for (const row of rows) this.claimStmt.run(nowMs + claim.leaseMs, claim.holder, row.id);
    return rows.map((row) => ({ ...row, next_attempt_ms: nowMs + claim.leaseMs, claimed_by: claim.holder, taken_over: row.claimed_by !== claim.holder }));
  }

  async done(id: string): Promise<void> {
    this.doneStmt.run(id);
  }
}
