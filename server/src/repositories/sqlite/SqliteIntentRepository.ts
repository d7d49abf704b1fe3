import type { Statement } from 'better-sqlite3';
import type { SqliteConnection } from '../../storage/sqlite/openSqlite.js';
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

export class SqliteIntentRepository implements IntentRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly setStatusStmt;
  private readonly dueStmt;
  private readonly listStmts = new Map<string, Statement>();
  private readonly countStmts = new Map<number, Statement>();
  private readonly sumStmts = new Map<number, Statement>();
  private readonly velocityStmts = new Map<string, Statement>();

  constructor(private readonly db: SqliteConnection) {
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
    this.dueStmt = db.prepare(
      // Round-robin over organisations, as webhook deliveries are (see dueForExpiry).
      `SELECT i.* FROM intents i JOIN (
         SELECT org_id, id, ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY expires_ms, id) AS org_rank
         FROM intents WHERE status = 'pending_approval' AND expires_ms <= ?
       ) due ON due.org_id = i.org_id AND due.id = i.id
       ORDER BY due.org_rank, i.expires_ms, i.id LIMIT ?`);
  }

  async insert(intent: IntentRow): Promise<void> {
    this.insertStmt.run(intent);
  }

  async get(orgId: string, id: string): Promise<IntentRow | null> {
    return (this.getStmt.get(orgId, id) as IntentRow | undefined) ?? null;
  }

  async list(orgId: string, filter: IntentFilter, limit: number): Promise<readonly IntentRow[]> {
    const used = FILTERS.filter(([key]) => filter[key] !== undefined);
    const shape = used.map(([key]) => key).join(',');
    let stmt = this.listStmts.get(shape);
    if (!stmt) {
      const where = ['org_id = ?', ...used.map(([, sql]) => sql)].join(' AND ');
      stmt = this.db.prepare(`SELECT * FROM intents WHERE ${where} ORDER BY seq DESC LIMIT ?`);
      this.listStmts.set(shape, stmt);
    }
    return stmt.all(orgId, ...used.map(([key]) => filter[key]), limit) as IntentRow[];
  }

  async countForCustomer(
    orgId: string, customerId: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<number> {
    const stmt = this.statusStatement(this.countStmts, statuses.length, (placeholders) =>
      `SELECT COUNT(*) FROM intents WHERE org_id = ? AND customer_id = ? AND received_ms > ? AND received_ms <= ?
         AND status IN (${placeholders})`);
    return Number(stmt.get(orgId, customerId, fromMs, toMs, ...statuses));
  }

  async sumForCharge(
    orgId: string, chargeId: string, currency: string, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<number> {
    const stmt = this.statusStatement(this.sumStmts, statuses.length, (placeholders) =>
      `SELECT COALESCE(SUM(amount_cents), 0) FROM intents WHERE org_id = ? AND stripe_charge_id = ? AND currency = ?
         AND received_ms <= ? AND status IN (${placeholders})`);
    return Number(stmt.get(orgId, chargeId, currency, toMs, ...statuses));
  }

  async velocity(
    orgId: string, scope: VelocityColumn, value: string, currency: string, fromMs: number, toMs: number, statuses: readonly IntentStatus[],
  ): Promise<{ count: number; sum: number }> {
    const key = `${scope}:${statuses.length}`;
    let stmt = this.velocityStmts.get(key);
    if (!stmt) {
      // One of migration 014's covering indexes per scope: the window's entries are read from the index alone.
      const index = { customer_id: 'intents_by_customer', source: 'intents_by_source', stripe_account: 'intents_by_merchant' }[scope];
      stmt = this.db.prepare(
        `SELECT COUNT(*) AS count, COALESCE(SUM(CASE WHEN currency = ? THEN amount_cents END), 0) AS sum
           FROM intents INDEXED BY ${index}
          WHERE org_id = ? AND ${scope} = ? AND received_ms > ? AND received_ms <= ?
            AND status IN (${new Array(statuses.length).fill('?').join(', ')})`);
      this.velocityStmts.set(key, stmt);
    }
    const row = stmt.get(currency, orgId, value, fromMs, toMs, ...statuses) as { count: number; sum: number };
    return { count: Number(row.count), sum: Number(row.sum) };
  }

  async setStatus(orgId: string, id: string, status: IntentStatus, heldFrom: IntentStatus | null): Promise<void> {
    this.setStatusStmt.run(status, heldFrom, orgId, id);
  }

  async dueForExpiry(nowMs: number, limit: number): Promise<readonly IntentRow[]> {
    return this.dueStmt.all(nowMs, limit) as IntentRow[];
  }

  async clear(): Promise<void> {
    this.db.exec('DELETE FROM intents');
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
