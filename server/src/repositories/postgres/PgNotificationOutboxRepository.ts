import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { DeliveryClaim, NotificationOutboxRepository, OutboxNotification } from '../types.js';

const COLUMNS = 'n.id, n.org_id, n.channel, n.event, n.next_attempt_ms, n.claimed_by, n.created_at';

export class PgNotificationOutboxRepository implements NotificationOutboxRepository {
  private readonly enqueueStmt;
  private readonly anyDueStmt;
  private readonly claimStmt;
  private readonly doneStmt;

  constructor(db: PgConnection) {
    this.enqueueStmt = db.prepare(
      `INSERT INTO notification_outbox (id, org_id, channel, event, next_attempt_ms, claimed_by, created_at)
       VALUES (@id, @org_id, @channel, @event, @next_attempt_ms, @claimed_by, @created_at)`);
    this.anyDueStmt = db.prepare('SELECT EXISTS (SELECT 1 FROM notification_outbox WHERE next_attempt_ms <= ? AND channel = ANY(?::text[])) AS due');
    // As the webhook deliveries: rows another server is claiming are skipped (SKIP LOCKED), and
    // a claimed row is due again only when its lease ran out.
    this.claimStmt = db.prepare(
      `UPDATE notification_outbox n SET next_attempt_ms = @lease, claimed_by = @holder
       FROM (SELECT id, claimed_by AS previous FROM notification_outbox
             WHERE next_attempt_ms <= @now AND channel = ANY(@channels::text[])
             ORDER BY created_at, id LIMIT @limit FOR UPDATE SKIP LOCKED) claimed
       WHERE n.id = claimed.id
       RETURNING ${COLUMNS}, claimed.previous <> @holder AS taken_over`);
    this.doneStmt = db.prepare('DELETE FROM notification_outbox WHERE id = ?');
  }

  async enqueue(row: OutboxNotification): Promise<void> {
    await this.enqueueStmt.run(row);
  }

  async anyDue(nowMs: number, channels: readonly OutboxNotification['channel'][]): Promise<boolean> {
    return ((await this.anyDueStmt.get(nowMs, channels)) as { due: boolean }).due;
  }

  async claimDue(
    nowMs: number, limit: number, channels: readonly OutboxNotification['channel'][], claim: DeliveryClaim,
  ): Promise<readonly (OutboxNotification & { taken_over: boolean })[]> {
    const rows = await this.claimStmt.all({ now: nowMs, lease: nowMs + claim.leaseMs, holder: claim.holder, channels, limit }) as (OutboxNotification & { taken_over: boolean })[];
    return rows.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async done(id: string): Promise<void> {
    await this.doneStmt.run(id);
  }
}
