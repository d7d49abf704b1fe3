import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { GroupedAmount, NumbersRepository } from '../replayStripeTypes.js';

export class PgNumbersRepository implements NumbersRepository {
  private readonly decisionsStmt;
  private readonly executedStmt;
  private readonly stripeStmt;

  constructor(private readonly db: PgConnection) {
    this.decisionsStmt = db.prepare(
      `SELECT outcome AS key, currency, COUNT(*) AS count, SUM(amount_cents) AS amount FROM intents
       WHERE org_id = ? AND received_ms >= ? AND received_ms < ? AND status != 'observed'
       GROUP BY outcome, currency`);
    // What Stripe actually refunded for an executed intent wins over what was asked for (a
    // refund above the approved amount counts at its real size).
    this.executedStmt = db.prepare(
      `SELECT 'executed' AS key, i.currency AS currency, COUNT(*) AS count,
         SUM(COALESCE((SELECT SUM(r.amount_cents) FROM stripe_refunds r
                       WHERE r.org_id = i.org_id AND r.intent_id = i.id AND r.currency = i.currency AND r.bypass = 0
                         AND r.status NOT IN ('failed', 'canceled')), i.amount_cents)) AS amount
       FROM intents i WHERE i.org_id = ? AND i.received_ms >= ? AND i.received_ms < ? AND i.status = 'executed'
       GROUP BY i.currency`);
    this.stripeStmt = db.prepare(
      `SELECT CASE WHEN bypass = 1 THEN 'bypass' ELSE 'over_amount' END AS key, currency, COUNT(*) AS count, SUM(amount_cents) AS amount
       FROM stripe_refunds WHERE org_id = ? AND created_ms >= ? AND created_ms < ? AND status NOT IN ('failed', 'canceled')
         AND (bypass = 1 OR over_amount = 1)
       GROUP BY key, currency`);
  }

  async decisionsByOutcome(orgId: string, sinceMs: number, untilMs: number): Promise<readonly GroupedAmount[]> {
    await this.db.lockOrg(orgId);
    return await this.decisionsStmt.all(orgId, sinceMs, untilMs) as GroupedAmount[];
  }

  async executed(orgId: string, sinceMs: number, untilMs: number): Promise<readonly GroupedAmount[]> {
    await this.db.lockOrg(orgId);
    return await this.executedStmt.all(orgId, sinceMs, untilMs) as GroupedAmount[];
  }

  async stripeRefunds(orgId: string, sinceMs: number, untilMs: number): Promise<readonly GroupedAmount[]> {
    await this.db.lockOrg(orgId);
    return await this.stripeStmt.all(orgId, sinceMs, untilMs) as GroupedAmount[];
  }
}
