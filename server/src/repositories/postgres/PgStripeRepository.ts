import type { PgStatement as Statement } from '../../storage/postgres/PgConnection.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { StripeConnection, StripeRefundRow, StripeRepository } from '../replayStripeTypes.js';
import type { IntentRow } from '../types.js';

import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';

/** Stripe statuses of a refund that moved no money. */
const VOID = "('failed', 'canceled')";

export class PgStripeRepository implements StripeRepository {
  private readonly getConnectionStmt;
  private readonly putConnectionStmt;
  private readonly webhookConnectionsStmt;
  private readonly noteEventStmt;
  private readonly getRefundStmt;
  private readonly putRefundStmt;
  private readonly refundedForIntentStmt;
  private readonly onChargeStmts = new Map<number, Statement>();

  constructor(private readonly db: PgConnection, private readonly secrets: SecretBox) {
    this.getConnectionStmt = db.prepare('SELECT * FROM stripe_connections WHERE org_id = ?');
    this.putConnectionStmt = db.prepare(
      `INSERT INTO stripe_connections (org_id, restricted_key, key_hint, mode, webhook_secret, updated_at, updated_by)
       VALUES (@org_id, @restricted_key, @key_hint, @mode, @webhook_secret, @updated_at, @updated_by)
       ON CONFLICT (org_id) DO UPDATE SET restricted_key = excluded.restricted_key, key_hint = excluded.key_hint, mode = excluded.mode,
         webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    this.webhookConnectionsStmt = db.prepare('SELECT * FROM stripe_connections WHERE webhook_secret IS NOT NULL ORDER BY org_id');
    this.noteEventStmt = db.prepare(
      'INSERT INTO stripe_events (org_id, event_id, type, received_at) VALUES (?, ?, ?, ?) ON CONFLICT (org_id, event_id) DO NOTHING');
    this.getRefundStmt = db.prepare('SELECT * FROM stripe_refunds WHERE org_id = ? AND refund_id = ?');
    this.putRefundStmt = db.prepare(
      `INSERT INTO stripe_refunds (org_id, refund_id, charge_id, amount_cents, currency, status, created_ms, intent_id, bypass, over_amount, seq)
       VALUES (@org_id, @refund_id, @charge_id, @amount_cents, @currency, @status, @created_ms, @intent_id, @bypass, @over_amount, @seq)
       ON CONFLICT (org_id, refund_id) DO UPDATE SET charge_id = excluded.charge_id, amount_cents = excluded.amount_cents,
         currency = excluded.currency, status = excluded.status, intent_id = excluded.intent_id, bypass = excluded.bypass,
         over_amount = excluded.over_amount, seq = excluded.seq`);
    this.refundedForIntentStmt = db.prepare(
      `SELECT COALESCE(SUM(amount_cents), 0) FROM stripe_refunds
       WHERE org_id = ? AND intent_id = ? AND currency = ? AND bypass = 0 AND status NOT IN ${VOID}`).pluck();
  }

  async getConnection(orgId: string): Promise<StripeConnection | null> {
    await this.db.lockOrg(orgId);
    const row = await this.getConnectionStmt.get(orgId) as StripeConnection | undefined;
    return row ? this.opened(row) : null;
  }

  async putConnection(connection: StripeConnection): Promise<void> {
    await this.db.lockOrg(connection.org_id);
    await this.putConnectionStmt.run({
      ...connection,
      restricted_key: this.secrets.seal(SETTINGS.stripeKey, connection.restricted_key),
      webhook_secret: this.secrets.sealNullable(SETTINGS.stripeWebhookSecret, connection.webhook_secret),
    });
  }

  async webhookConnections(): Promise<readonly StripeConnection[]> {
    return (await this.webhookConnectionsStmt.all() as StripeConnection[]).map((row) => this.opened(row));
  }

  private opened(row: StripeConnection): StripeConnection {
    return {
      ...row,
      restricted_key: this.secrets.open(SETTINGS.stripeKey, row.restricted_key),
      webhook_secret: this.secrets.openNullable(SETTINGS.stripeWebhookSecret, row.webhook_secret),
    };
  }

  async noteEvent(orgId: string, eventId: string, type: string, receivedAt: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.noteEventStmt.run(orgId, eventId, type, receivedAt)).changes === 1;
  }

  async getRefund(orgId: string, refundId: string): Promise<StripeRefundRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getRefundStmt.get(orgId, refundId) as StripeRefundRow | undefined) ?? null;
  }

  async putRefund(row: StripeRefundRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.putRefundStmt.run(row);
  }

  async refundedForIntent(orgId: string, intentId: string, currency: string): Promise<number> {
    await this.db.lockOrg(orgId);
    return Number(await this.refundedForIntentStmt.get(orgId, intentId, currency));
  }

  async intentsOnCharge(orgId: string, chargeId: string, currency: string, statuses: readonly string[]): Promise<readonly IntentRow[]> {
    await this.db.lockOrg(orgId);
    let stmt = await this.onChargeStmts.get(statuses.length);
    if (!stmt) {
      stmt = this.db.prepare(
        `SELECT * FROM intents WHERE org_id = ? AND stripe_charge_id = ? AND currency = ?
           AND status IN (${statuses.map(() => '?').join(', ')}) ORDER BY received_ms, id`);
      this.onChargeStmts.set(statuses.length, stmt);
    }
    return await stmt.all(orgId, chargeId, currency, ...statuses) as IntentRow[];
  }
}
