import type { StoredRecord } from '../../ledger/chain.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import type {
  DecisionTraffic, IntentRow, ShadowDecisionRow, ShadowGroupRow, ShadowPolicyRow, ShadowRepository,
} from '../types.js';

const WINDOW = 'org_id = ? AND policy_version = ? AND received_ms >= ? AND received_ms < ?';

export class PgShadowRepository implements ShadowRepository {
  private readonly runningStmt;
  private readonly startStmt;
  private readonly stopStmt;
  private readonly setRunningStmt;
  private readonly insertDecisionStmt;
  private readonly markStmt;
  private readonly countsStmt;
  private readonly transitionsStmt;
  private readonly liveRulesStmt;
  private readonly shadowRulesStmt;
  private readonly differingStmt;
  private readonly trafficStmt;

  constructor(private readonly db: PgConnection) {
    this.runningStmt = db.prepare('SELECT * FROM shadow_policies WHERE org_id = ? AND stopped_seq IS NULL ORDER BY started_seq');
    this.startStmt = db.prepare(
      `INSERT INTO shadow_policies (org_id, version, started_seq, started_at, started_by, stopped_seq, stopped_at, stopped_by)
       VALUES (@org_id, @version, @started_seq, @started_at, @started_by, @stopped_seq, @stopped_at, @stopped_by)`,
    );
    this.stopStmt = db.prepare(
      'UPDATE shadow_policies SET stopped_seq = ?, stopped_at = ?, stopped_by = ? WHERE org_id = ? AND version = ? AND stopped_seq IS NULL',
    );
    this.setRunningStmt = db.prepare('UPDATE organisations SET shadow_versions = ? WHERE id = ?');
    this.insertDecisionStmt = db.prepare(
      `INSERT INTO shadow_decisions (org_id, policy_version, seq, intent_id, received_ms, amount_cents, currency,
         live_version, live_outcome, live_rule, outcome, matched_rule)
       VALUES (@org_id, @policy_version, @seq, @intent_id, @received_ms, @amount_cents, @currency,
         @live_version, @live_outcome, @live_rule, @outcome, @matched_rule)`,
    );
    // The intent insert statement is shared by every writer of intents; the flag is set here,
    // in the same transaction, only for the decisions that need it.
    this.markStmt = db.prepare('UPDATE intents SET enforced = 0 WHERE org_id = ? AND id = ?');
    this.countsStmt = db.prepare(
      `SELECT COUNT(*) AS compared, COALESCE(SUM(CASE WHEN outcome <> live_outcome THEN 1 ELSE 0 END), 0) AS differing FROM shadow_decisions WHERE ${WINDOW}`);
    this.transitionsStmt = db.prepare(
      `SELECT live_outcome AS key_from, outcome AS key_to, currency, COUNT(*) AS count, SUM(amount_cents) AS amount
       FROM shadow_decisions WHERE ${WINDOW} AND outcome <> live_outcome
       GROUP BY live_outcome, outcome, currency`);
    this.liveRulesStmt = db.prepare(
      `SELECT live_rule AS key_from, NULL AS key_to, currency, COUNT(*) AS count, SUM(amount_cents) AS amount
       FROM shadow_decisions WHERE ${WINDOW} AND outcome <> live_outcome
       GROUP BY live_rule, currency`);
    this.shadowRulesStmt = db.prepare(
      `SELECT matched_rule AS key_from, NULL AS key_to, currency, COUNT(*) AS count, SUM(amount_cents) AS amount
       FROM shadow_decisions WHERE ${WINDOW} AND outcome <> live_outcome
       GROUP BY matched_rule, currency`);
    this.differingStmt = db.prepare(
      `SELECT * FROM shadow_decisions WHERE ${WINDOW} AND outcome <> live_outcome AND seq < ?
       ORDER BY seq DESC LIMIT ?`);
    this.trafficStmt = db.prepare(
      `SELECT i.*, l.kind AS l_kind, l.intent_id AS l_intent_id, l.time AS l_time, l.actor AS l_actor,
              l.body AS l_body, l.prev_hash AS l_prev_hash, l.hash AS l_hash
       FROM intents i JOIN ledger l ON l.org_id = i.org_id AND l.seq = i.seq
       WHERE i.org_id = ? AND i.received_ms >= ? AND i.received_ms < ? AND i.seq > ?
       ORDER BY i.seq LIMIT ?`);
  }

  async running(orgId: string): Promise<readonly ShadowPolicyRow[]> {
    await this.db.lockOrg(orgId);
    return await this.runningStmt.all(orgId) as ShadowPolicyRow[];
  }

  async start(row: ShadowPolicyRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.startStmt.run(row);
  }

  async stop(orgId: string, version: number, seq: number, at: string, by: string): Promise<boolean> {
    await this.db.lockOrg(orgId);
    return (await this.stopStmt.run(seq, at, by, orgId, version)).changes === 1;
  }

  async setRunning(orgId: string, versions: readonly number[]): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setRunningStmt.run(JSON.stringify(versions), orgId);
  }

  async insertDecision(row: ShadowDecisionRow): Promise<void> {
    await this.db.lockOrg(row.org_id);
    await this.insertDecisionStmt.run(row);
  }

  async markNotEnforced(orgId: string, intentId: string): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.markStmt.run(orgId, intentId);
  }

  async clearDecisions(): Promise<void> {
    await this.db.exec('DELETE FROM shadow_decisions');
  }

  async counts(orgId: string, version: number, sinceMs: number, untilMs: number): Promise<{ compared: number; differing: number }> {
    const row = await this.countsStmt.get(orgId, version, sinceMs, untilMs) as { compared: number; differing: number };
    return { compared: Number(row.compared), differing: Number(row.differing) };
  }

  async transitions(orgId: string, version: number, sinceMs: number, untilMs: number): Promise<readonly ShadowGroupRow[]> {
    await this.db.lockOrg(orgId);
    return await this.transitionsStmt.all(orgId, version, sinceMs, untilMs) as ShadowGroupRow[];
  }

  async rules(orgId: string, version: number, sinceMs: number, untilMs: number, side: 'live' | 'shadow'): Promise<readonly ShadowGroupRow[]> {
    await this.db.lockOrg(orgId);
    const stmt = side === 'live' ? this.liveRulesStmt : this.shadowRulesStmt;
    return await stmt.all(orgId, version, sinceMs, untilMs) as ShadowGroupRow[];
  }

  async differing(
    orgId: string, version: number, sinceMs: number, untilMs: number, beforeSeq: number | null, limit: number,
  ): Promise<readonly ShadowDecisionRow[]> {
    await this.db.lockOrg(orgId);
    return await this.differingStmt.all(orgId, version, sinceMs, untilMs, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as ShadowDecisionRow[];
  }

  async traffic(orgId: string, sinceMs: number, untilMs: number, afterSeq: number, limit: number): Promise<readonly DecisionTraffic[]> {
    await this.db.lockOrg(orgId);
    const rows = await this.trafficStmt.all(orgId, sinceMs, untilMs, afterSeq, limit) as Array<IntentRow & {
      l_kind: string; l_intent_id: string | null; l_time: string; l_actor: string; l_body: string; l_prev_hash: string; l_hash: string;
    }>;
    return rows.map((row) => {
      const { l_kind, l_intent_id, l_time, l_actor, l_body, l_prev_hash, l_hash, ...intent } = row;
      const record: StoredRecord = {
        org_id: intent.org_id, seq: intent.seq, kind: l_kind, intent_id: l_intent_id, time: l_time, actor: l_actor,
        body: l_body, prev_hash: l_prev_hash, hash: l_hash,
      };
      return { intent, record };
    });
  }
}
