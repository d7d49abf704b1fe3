import type { PgStatement as Statement } from '../../storage/postgres/PgConnection.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { IntentFilter, IntentRepository, IntentRow, IntentStatus, VelocityColumn } from '../types.js';

/** Filter keys in a fixed order, so each combination maps to one cached statement. */
const FILTERS: ReadonlyArray<readonly [keyof IntentFilter, string]> = [
  ['outcome', 'outcome = ?'],
  ['source', 'source = ?'],
  ['status', 'status = ?'],
  ['customer_id', 'customer_id = ?'],
  ['stripe_account', 'stripe_account = ?'],
  ['currency', 'currency = ?'],
  ['min_amount_cents', 'amount_cents >= ?'],
  ['max_amount_cents', 'amount_cents <= ?'],
  ['since_ms', 'received_ms >= ?'],
  ['until_ms', 'received_ms < ?'],
  ['before_seq', 'seq < ?'],
];

export class PgIntentRepository implements IntentRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly setStatusStmt;
  private readonly dueStmt;
  private readonly dueLockedStmt;
  private readonly listStmts = new Map<string, Statement>();
  private readonly countStmts = new Map<number, Statement>();
  private readonly sumStmts = new Map<number, Statement>();
  private readonly velocityStmts = new Map<string, Statement>();

  constructor(private readonly db: PgConnection) {
    this.insertStmt = db.prepare(
      `INSERT INTO intents (org_id, id, seq, received_at, received_ms, source, outcome, status, amount_cents, currency,
         customer_id, stripe_account, stripe_charge_id, policy_version, matched_rule,
         requested_by, approver_roles, approvals_required, expires_ms, held_from)
       VALUES (@org_id, @id, @seq, @received_at, @received_ms, @source, @outcome, @status, @amount_cents, @currency,
         @customer_id, @stripe_account, @stripe_charge_id, @policy_version, @matched_rule,
         @requested_by, @approver_roles, @approvals_required, @expires_ms, @held_from)`,
    );
    this.getStmt = db.prepare('SELECT * FROM intents WHERE org_id = ? AND id = ?');
    this.setStatusStmt = db.prepare('UPDATE intents SET status = ?, held_from = ? WHERE org_id = ? AND id = ?');
    // Round-robin over organisations, as on SQLite (see IntentRepository.dueForExpiry).
    const fairDue = (lock: string) => `SELECT i.* FROM intents i JOIN (
         SELECT org_id, id, ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY expires_ms, id) AS org_rank
         FROM intents WHERE status = 'pending_approval' AND expires_ms <= @now
       ) due ON due.org_id = i.org_id AND due.id = i.id
       WHERE i.status = 'pending_approval' AND i.expires_ms <= @now
       ORDER BY due.org_rank, i.expires_ms, i.id LIMIT @limit${lock}`;
    this.dueLockedStmt = db.prepare(fairDue(' FOR UPDATE OF i SKIP LOCKED'));
    this.dueStmt = db.prepare(fairDue(''));
  }

  async insert(intent: IntentRow): Promise<void> {
    await this.db.lockOrg(intent.org_id);
    await this.insertStmt.run(intent);
  }

  async get(orgId: string, id: string): Promise<IntentRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, id) as IntentRow | undefined) ?? null;
  }

  async list(orgId: string, filter: IntentFilter, limit: number): Promise<readonly IntentRow[]> {
    await this.db.lockOrg(orgId);
    const used = FILTERS.filter(([key]) => filter[key] !== undefined);
    const shape = used.map(([key]) => key).join(',');
    let stmt = await this.listStmts.get(shape);
    if (!stmt) {
      const where = ['org_id = ?', ...used.map(([, sql]) => sql)].join(' AND ');
      stmt = this.db.prepare(`SELECT * FROM intents WHERE ${where} ORDER BY seq DESC LIMIT ?`);
      this.listStmts.set(shape, stmt);
    }
    return await stmt.all(orgId, ...used.map(([key]) => filter[key]), limit) as IntentRow[];
  }

  async countForCustomer(
    orgId: string, customerId: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<number> {
    await this.db.lockOrg(orgId);
    const stmt = this.statusStatement(this.countStmts, statuses.length, (placeholders) =>
      `SELECT COUNT(*) FROM intents WHERE org_id = ? AND customer_id = ? AND received_ms > ? AND received_ms <= ?
         AND status IN (${placeholders})`);
    return Number(await stmt.get(orgId, customerId, fromMs, toMs, ...statuses));
  }

  async sumForCharge(
    orgId: string, chargeId: string, currency: string, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<number> {
    await this.db.lockOrg(orgId);
    const stmt = this.statusStatement(this.sumStmts, statuses.length, (placeholders) =>
      `SELECT COALESCE(SUM(amount_cents), 0) FROM intents WHERE org_id = ? AND stripe_charge_id = ? AND currency = ?
         AND received_ms <= ? AND status IN (${placeholders})`);
    return Number(await stmt.get(orgId, chargeId, currency, toMs, ...statuses));
  }

  async velocity(
    orgId: string, scope: VelocityColumn, value: string, currency: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<{ count: number; sum: number }> {
    await this.db.lockOrg(orgId);
    const key = `${scope}:${statuses.length}`;
    let stmt = this.velocityStmts.get(key);
    if (!stmt) {
      // Shaped like migration 002's covering index of each scope (equality columns, then the
      // window), so the planner reads the window's index entries alone.
      stmt = this.db.prepare(
        `SELECT COUNT(*) AS count, COALESCE(SUM(CASE WHEN currency = ? THEN amount_cents END), 0) AS sum
           FROM intents
          WHERE org_id = ? AND ${scope} = ? AND received_ms > ? AND received_ms <= ?
            AND status IN (${new Array(statuses.length).fill('?').join(', ')})`);
      this.velocityStmts.set(key, stmt);
    }
    const row = await stmt.get(currency, orgId, value, fromMs, toMs, ...statuses) as { count: unknown; sum: unknown };
    return { count: Number(row.count), sum: Number(row.sum) };
  }

  async setStatus(orgId: string, id: string, status: IntentStatus, heldFrom: IntentStatus | null): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setStatusStmt.run(status, heldFrom, orgId, id);
  }

  async dueForExpiry(nowMs: number, limit: number): Promise<readonly IntentRow[]> {
    // In a transaction, the rows are locked: two servers expiring at once take disjoint sets,
    // and a row another server expired (and committed) no longer matches when re-checked.
    if (this.db.inTransaction) return await this.dueLockedStmt.all({ now: nowMs, limit }) as IntentRow[];
    return await this.dueStmt.all({ now: nowMs, limit }) as IntentRow[];
  }

  async clear(): Promise<void> {
    await this.db.exec('DELETE FROM intents');
  }

  private statusStatement(cache: Map<number, Statement>, count: number, sql: (placeholders: string) => string): Statement {
    let stmt = cache.get(count);
    if (!stmt) {
      stmt = this.db.prepare(sql(new Array(count).fill('?').join(', '))).pluck();
      cache.set(count, stmt);
    }
    return stmt;
  }
}
