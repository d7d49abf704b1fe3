import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type { ExportSinkRepository, ExportSinkRow } from '../types.js';

import type { SecretBox } from '../../secrets/SecretBox.js';
import { SETTINGS } from '../../secrets/sealedColumns.js';

export class PgExportSinkRepository implements ExportSinkRepository {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly activeStmt;
  private readonly configuredStmt;
  private readonly updateConfigStmt;
  private readonly removeStmt;
  private readonly pendingStmt;
  private readonly advanceStmt;
  private readonly failureStmt;

  constructor(private readonly db: PgConnection, private readonly secrets: SecretBox) {
    this.insertStmt = db.prepare(
      `INSERT INTO export_sinks (id, org_id, type, name, config, origin, created_at, deleted_at, cursor_seq, pending_to_seq,
         attempts, next_attempt_ms, last_error, last_error_at, last_success_at, delivered)
       VALUES (@id, @org_id, @type, @name, @config, @origin, @created_at, @deleted_at, @cursor_seq, @pending_to_seq,
         @attempts, @next_attempt_ms, @last_error, @last_error_at, @last_success_at, @delivered)`,
    );
    this.getStmt = db.prepare('SELECT * FROM export_sinks WHERE org_id = ? AND id = ? AND deleted_at IS NULL');
    this.listStmt = db.prepare('SELECT * FROM export_sinks WHERE org_id = ? AND deleted_at IS NULL ORDER BY created_at, id');
    this.activeStmt = db.prepare('SELECT * FROM export_sinks WHERE deleted_at IS NULL ORDER BY org_id, created_at, id');
    this.configuredStmt = db.prepare(
      "SELECT * FROM export_sinks WHERE org_id = ? AND name = ? AND origin = 'config' AND deleted_at IS NULL");
    this.updateConfigStmt = db.prepare('UPDATE export_sinks SET type = ?, config = ? WHERE id = ?');
    this.removeStmt = db.prepare('UPDATE export_sinks SET deleted_at = ? WHERE org_id = ? AND id = ? AND deleted_at IS NULL');
    this.pendingStmt = db.prepare('UPDATE export_sinks SET pending_to_seq = ? WHERE id = ?');
    this.advanceStmt = db.prepare(
      `UPDATE export_sinks SET cursor_seq = @to, pending_to_seq = NULL, attempts = 0, next_attempt_ms = NULL,
         last_success_at = @at, delivered = delivered + (@to::bigint - @from::bigint)
       WHERE id = @id AND cursor_seq = @from`);
    this.failureStmt = db.prepare(
      `UPDATE export_sinks SET attempts = @attempts, next_attempt_ms = @next_attempt_ms, last_error = @last_error,
         last_error_at = @last_error_at WHERE id = @id`);
  }

  async create(row: ExportSinkRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.insertStmt.run({ ...row, config: this.secrets.seal(SETTINGS.exportConfig, row.config) });
  }

  async get(orgId: string, id: string): Promise<ExportSinkRow | null> {
    await this.db.lockOrg(orgId);
    return this.opened(await this.getStmt.get(orgId, id) as ExportSinkRow | undefined);
  }

  async list(orgId: string): Promise<readonly ExportSinkRow[]> {
    await this.db.lockOrg(orgId);
    return (await this.listStmt.all(orgId) as ExportSinkRow[]).map((row) => this.opened(row)!);
  }

  async active(): Promise<readonly ExportSinkRow[]> {
    return (await this.activeStmt.all() as ExportSinkRow[]).map((row) => this.opened(row)!);
  }

  async configured(orgId: string, name: string): Promise<ExportSinkRow | null> {
    await this.db.lockOrg(orgId);
    return this.opened(await this.configuredStmt.get(orgId, name) as ExportSinkRow | undefined);
  }

  async updateConfig(id: string, type: ExportSinkRow['type'], config: string): Promise<void> {
    await this.updateConfigStmt.run(type, this.secrets.seal(SETTINGS.exportConfig, config), id);
  }

  /** The row with its settings (secrets included) opened. */
  private opened(row: ExportSinkRow | undefined): ExportSinkRow | null {
    return row ? { ...row, config: this.secrets.open(SETTINGS.exportConfig, row.config) } : null;
  }

  async remove(orgId: string, id: string, at: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.removeStmt.run(at, orgId, id)).changes === 1;
  }

  async setPending(id: string, toSeq: number): Promise<void> {
    await this.pendingStmt.run(toSeq, id);
  }

  async advance(id: string, fromSeq: number, toSeq: number, at: string): Promise<boolean> {
    return (await this.advanceStmt.run({ id, from: fromSeq, to: toSeq, at })).changes === 1;
  }

  async recordFailure(id: string, failure: { attempts: number; next_attempt_ms: number; last_error: string; last_error_at: string }): Promise<void> {
    await this.failureStmt.run({ id, ...failure });
  }
}
