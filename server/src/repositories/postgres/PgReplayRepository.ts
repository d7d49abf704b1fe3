import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ReplayFinish, ReplayRepository, ReplayResultRow, ReplayRow } from '../replayStripeTypes.js';

export class PgReplayRepository implements ReplayRepository {
  private readonly createStmt;
  private readonly getStmt;
  private readonly firstPageStmt;
  private readonly nextPageStmt;
  private readonly setRowsStmt;
  private readonly finishStmt;
  private readonly insertResultStmt;
  private readonly resultsStmt;
  private readonly dueStmt;
  private readonly deleteResultsStmt;
  private readonly markDeletedStmt;
  private readonly runningStmt;

  constructor(private readonly db: PgConnection) {
    this.createStmt = db.prepare(
      `INSERT INTO replays (id, org_id, origin, status, created_at, created_ms, created_by, delete_after, delete_after_ms, deleted_at,
         policy_version, file_name, format, file_bytes, rows, report, error_code, error_message, finished_at)
       VALUES (@id, @org_id, @origin, @status, @created_at, @created_ms, @created_by, @delete_after, @delete_after_ms, @deleted_at,
         @policy_version, @file_name, @format, @file_bytes, @rows, @report, @error_code, @error_message, @finished_at)`);
    this.getStmt = db.prepare('SELECT * FROM replays WHERE org_id = ? AND id = ?');
    this.firstPageStmt = db.prepare('SELECT * FROM replays WHERE org_id = ? ORDER BY created_ms DESC, id DESC LIMIT ?');
    this.nextPageStmt = db.prepare(
      'SELECT * FROM replays WHERE org_id = ? AND (created_ms < ? OR (created_ms = ? AND id < ?)) ORDER BY created_ms DESC, id DESC LIMIT ?');
    this.setRowsStmt = db.prepare("UPDATE replays SET rows = ? WHERE id = ? AND status = 'running'");
    this.finishStmt = db.prepare(
      `UPDATE replays SET status = @status, rows = @rows, file_bytes = @file_bytes, report = @report, error_code = @error_code, error_message = @error_message,
         finished_at = @finished_at WHERE id = @id`);
    this.insertResultStmt = db.prepare(
      `INSERT INTO replay_results (replay_id, n, refund_id, created, amount_cents, currency, charge_id, customer_id, source, outcome, matched_rule, approver_role)
       VALUES (@replay_id, @n, @refund_id, @created, @amount_cents, @currency, @charge_id, @customer_id, @source, @outcome, @matched_rule, @approver_role)`);
    this.resultsStmt = db.prepare('SELECT * FROM replay_results WHERE replay_id = ? AND n > ? ORDER BY n LIMIT ?');
    this.dueStmt = db.prepare(
      "SELECT * FROM replays WHERE deleted_at IS NULL AND delete_after_ms <= ? AND status != 'running' ORDER BY delete_after_ms LIMIT ?");
    this.deleteResultsStmt = db.prepare('DELETE FROM replay_results WHERE replay_id = ?');
    this.markDeletedStmt = db.prepare('UPDATE replays SET deleted_at = ?, report = ? WHERE id = ?');
    this.runningStmt = db.prepare("SELECT * FROM replays WHERE status = 'running'");
  }

  async create(row: ReplayRow): Promise<void> {
    await this.createStmt.run(row);
  }

  async get(orgId: string, id: string): Promise<ReplayRow | null> {
    await this.db.lockOrg(orgId);
    return (await this.getStmt.get(orgId, id) as ReplayRow | undefined) ?? null;
  }

  async list(orgId: string, before: { created_ms: number; id: string } | null, limit: number): Promise<readonly ReplayRow[]> {
    return (before === null
      ? await this.firstPageStmt.all(orgId, limit)
      : await this.nextPageStmt.all(orgId, before.created_ms, before.created_ms, before.id, limit)) as ReplayRow[];
  }

  async setRows(id: string, rows: number): Promise<void> {
    await this.setRowsStmt.run(rows, id);
  }

  async finish(id: string, finish: ReplayFinish): Promise<void> {
    await this.finishStmt.run({ id, ...finish });
  }

  async insertResults(rows: readonly ReplayResultRow[]): Promise<void> {
    for (const row of rows) await this.insertResultStmt.run(row);
  }

  async results(replayId: string, afterN: number, limit: number): Promise<readonly ReplayResultRow[]> {
    return await this.resultsStmt.all(replayId, afterN, limit) as ReplayResultRow[];
  }

  async dueForDeletion(nowMs: number, limit: number): Promise<readonly ReplayRow[]> {
    return await this.dueStmt.all(nowMs, limit) as ReplayRow[];
  }

  async markDeleted(id: string, deletedAt: string, report: string | null): Promise<void> {
    await this.deleteResultsStmt.run(id);
    await this.markDeletedStmt.run(deletedAt, report, id);
  }

  async running(): Promise<readonly ReplayRow[]> {
    return await this.runningStmt.all() as ReplayRow[];
  }
}
