// Export sinks per organisation: created by POST /api/exports or by a line of the server's
// config file, listed with their position in the chain, deleted. Sending is ExportDeliverer's.
//
// Every change of a sink is sealed in the organisation's chain, in the transaction that makes
// it, as an `org` record { action: "export_sink_added" | "export_sink_changed" |
// "export_sink_removed", sink } with the sink's settings redacted: whoever stops or redirects
// the copy a SIEM holds leaves that act in the ledger the SIEM was receiving.

import { randomUUID } from 'node:crypto';
import type { JsonValue } from '@axiru/runtime';
import { ConfigError } from '../config.js';
import { ApiError, notFound } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import type { ExportSinkRow, Repositories, Store } from '../repositories/types.js';
import { settingsOf } from './createSink.js';
import { redactedSettings, type SinkSettings } from './sinkConfig.js';

/** A sink from the config file; `org` may be left out when the database has one organisation. */
export interface ConfiguredSink {
  readonly org: string | null;
  readonly settings: SinkSettings;
}

export interface SinkView {
  readonly id: string;
  readonly org_id: string;
  readonly type: string;
  readonly name: string;
  readonly format: string;
  readonly origin: 'api' | 'config';
  readonly created_at: string;
  /** The settings with secrets shown as "[redacted]". */
  readonly settings: Record<string, unknown>;
  /** The last seq the receiver acknowledged (0: none yet). */
  readonly cursor_seq: number;
  /** The organisation's chain head. */
  readonly head_seq: number;
  readonly records_behind: number;
  /** The batch sent but not yet acknowledged, if any. */
  readonly in_flight: { from_seq: number; to_seq: number } | null;
  readonly delivered: number;
  /** Failed attempts of the current batch (0 after a success). */
  readonly attempts: number;
  readonly next_attempt_at: string | null;
  readonly last_error: string | null;
  readonly last_error_at: string | null;
  readonly last_success_at: string | null;
}

/** A new sink with a fresh id (`exp_` + 20 hex digits), at seq 0. */
function newRow(orgId: string, settings: SinkSettings, origin: ExportSinkRow['origin'], now: Date): ExportSinkRow {
  return {
    id: `exp_${randomUUID().replaceAll('-', '').slice(0, 20)}`, org_id: orgId, type: settings.type, name: settings.name, config: JSON.stringify(settings), origin,
    created_at: now.toISOString(), deleted_at: null, cursor_seq: 0, pending_to_seq: null, attempts: 0,
    next_attempt_ms: null, last_error: null, last_error_at: null, last_success_at: null, delivered: 0,
  };
}

type SinkAction = 'export_sink_added' | 'export_sink_changed' | 'export_sink_removed';

/** Seals one sink change in the sink's organisation's chain (inside the caller's transaction). */
async function sealSinkChange(tx: Repositories, action: SinkAction, row: ExportSinkRow, actor: string, time: string): Promise<void> {
  const chain = new ChainAppender(tx);
  const { type: _type, name: _name, format, ...settings } = redactedSettings(settingsOf(row));
  await chain.append({
    org_id: row.org_id, kind: 'org', intent_id: null, time, actor,
    body: {
      action,
      sink: { id: row.id, type: row.type, name: row.name, format: String(format), origin: row.origin, settings: settings as JsonValue },
    },
  });
  await chain.finish();
}

/** Who changes the config file's sinks: the server, reading its config at start. */
const CONFIG_ACTOR = 'system';

export class ExportService {
  constructor(private readonly store: Store, private readonly clock: () => Date) {}

  /** Adds a sink on behalf of `actor` (`user:<id>` or `api_key:<id>`). */
  async create(orgId: string, settings: SinkSettings, actor: string): Promise<SinkView> {
    const now = this.clock();
    const row = newRow(orgId, settings, 'api', now);
    await this.store.transaction(async (tx) => {
      await tx.exportSinks.create(row);
      await sealSinkChange(tx, 'export_sink_added', row, actor, now.toISOString());
    });
    return this.view(row);
  }

  async list(orgId: string): Promise<SinkView[]> {
    const rows = await this.store.exportSinks.list(orgId);
    const head = (await this.store.ledger.head(orgId))?.seq ?? 0;
    return rows.map((row) => this.viewAt(row, head));
  }

  /** Every organisation's sinks (metrics). */
  async listAll(): Promise<SinkView[]> {
    const heads = new Map<string, number>();
    const views: SinkView[] = [];
    for (const row of await this.store.exportSinks.active()) {
      let head = heads.get(row.org_id);
      if (head === undefined) {
        head = (await this.store.ledger.head(row.org_id))?.seq ?? 0;
        heads.set(row.org_id, head);
      }
      views.push(this.viewAt(row, head));
    }
    return views;
  }

  async get(orgId: string, id: string): Promise<SinkView | null> {
    const row = await this.store.exportSinks.get(orgId, id);
    return row ? this.view(row) : null;
  }

  async remove(orgId: string, id: string, actor: string): Promise<SinkView> {
    const row = await this.store.exportSinks.get(orgId, id);
    if (!row) throw notFound('export sink', 'id');
    if (row.origin === 'config') {
      throw new ApiError(409, 'configured_in_file', `Export sink ${id} ("${row.name}") comes from the server's config file; remove its line there and restart.`, 'id');
    }
    const time = this.clock().toISOString();
    const removed = await this.store.transaction(async (tx) => {
      if (!await tx.exportSinks.remove(orgId, id, time)) return false;
      await sealSinkChange(tx, 'export_sink_removed', row, actor, time);
      return true;
    });
    if (!removed) throw notFound('export sink', 'id');
    return this.view(row);
  }

  /**
   * Makes the config file's sinks exist, each keeping its cursor across restarts under its
   * (organisation, name); config sinks whose line is gone are deleted. One transaction.
   */
  async configure(lines: readonly ConfiguredSink[]): Promise<void> {
    const orgs = await this.store.organisations.list();
    const resolved = lines.map((line, index) => {
      const where = `exports[${index}]`;
      if (line.org === null) {
        if (orgs.length !== 1) throw new ConfigError(`${where}.org is required: the database holds ${orgs.length} organisations`);
        return { ...line, orgId: orgs[0]!.id };
      }
      if (!orgs.some((org) => org.id === line.org)) throw new ConfigError(`${where}.org: no organisation ${line.org} in this database`);
      return { ...line, orgId: line.org };
    });
    const seen = new Map<string, number>();
    resolved.forEach((line, index) => {
      const key = `${line.orgId}\u0000${line.settings.name}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new ConfigError(`exports[${index}].name: exports[${earlier}] already configures a sink named "${line.settings.name}" for ${line.orgId}; give one a different name`);
      }
      seen.set(key, index);
    });
    const now = this.clock();
    const time = now.toISOString();
    await this.store.transaction(async (tx) => {
      const keep = new Set<string>();
      for (const line of resolved) {
        const config = JSON.stringify(line.settings);
        const existing = await tx.exportSinks.configured(line.orgId, line.settings.name);
        if (existing) {
          if (existing.config !== config) {
            await tx.exportSinks.updateConfig(existing.id, line.settings.type, config);
            await sealSinkChange(tx, 'export_sink_changed', { ...existing, type: line.settings.type, config }, CONFIG_ACTOR, time);
          }
          keep.add(existing.id);
        } else {
          const row = newRow(line.orgId, line.settings, 'config', now);
          await tx.exportSinks.create(row);
          await sealSinkChange(tx, 'export_sink_added', row, CONFIG_ACTOR, time);
          keep.add(row.id);
        }
      }
      for (const row of await tx.exportSinks.active()) {
        if (row.origin === 'config' && !keep.has(row.id)) {
          await tx.exportSinks.remove(row.org_id, row.id, time);
          await sealSinkChange(tx, 'export_sink_removed', row, CONFIG_ACTOR, time);
        }
      }
    });
  }

  private async view(row: ExportSinkRow): Promise<SinkView> {
    return this.viewAt(row, (await this.store.ledger.head(row.org_id))?.seq ?? 0);
  }

  private viewAt(row: ExportSinkRow, head: number): SinkView {
    const parsed = settingsOf(row);
    const { type: _type, name: _name, format: _format, ...settings } = redactedSettings(parsed);
    return {
      id: row.id,
      org_id: row.org_id,
      type: row.type,
      name: row.name,
      format: parsed.format,
      origin: row.origin,
      created_at: row.created_at,
      settings,
      cursor_seq: row.cursor_seq,
      head_seq: head,
      records_behind: Math.max(0, head - row.cursor_seq),
      in_flight: row.pending_to_seq !== null && row.pending_to_seq > row.cursor_seq ? { from_seq: row.cursor_seq + 1, to_seq: row.pending_to_seq } : null,
      delivered: row.delivered,
      attempts: row.attempts,
      next_attempt_at: row.next_attempt_ms === null ? null : new Date(row.next_attempt_ms).toISOString(),
      last_error: row.last_error,
      last_error_at: row.last_error_at,
      last_success_at: row.last_success_at,
    };
  }
}
