import type { ChainHead, StoredRecord } from '../../ledger/chain.js';
import type { PgConnection } from '../../storage/postgres/PgConnection.js';
import { envelopeStatements, RECORD_COLUMNS } from '../ledgerStatements.js';
import type { LedgerRepository, RecordEnvelope } from '../types.js';

export class PgLedgerRepository implements LedgerRepository {
  private readonly headStmt;
  private readonly setHeadStmt;
  private readonly appendStmt;
  private readonly scanStmt;
  private readonly byIntentStmt;
  private readonly orgIdsStmt;
  private readonly sizeStmt;
  private readonly envelopeStatement;

  constructor(private readonly db: PgConnection) {
    this.headStmt = db.prepare('SELECT seq, hash FROM chain_heads WHERE org_id = ?');
    this.setHeadStmt = db.prepare(
      'INSERT INTO chain_heads (org_id, seq, hash) VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    );
    this.appendStmt = db.prepare(
      `INSERT INTO ledger (org_id, seq, kind, intent_id, time, actor, body, prev_hash, hash)
       VALUES (@org_id, @seq, @kind, @intent_id, @time, @actor, @body, @prev_hash, @hash)`,
    );
    const columns = RECORD_COLUMNS;
    this.scanStmt = db.prepare(`SELECT ${columns} FROM ledger WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?`);
    this.byIntentStmt = db.prepare(`SELECT ${columns} FROM ledger WHERE org_id = ? AND intent_id = ? ORDER BY seq`);
    this.orgIdsStmt = db
      .prepare('SELECT org_id FROM chain_heads UNION SELECT DISTINCT org_id FROM ledger ORDER BY 1')
      .pluck();
    // Chains are gap-free from 1, so the heads' seqs add up to the ledger's size without a scan.
    this.sizeStmt = db.prepare('SELECT COALESCE(SUM(seq), 0) FROM chain_heads').pluck();
    this.envelopeStatement = envelopeStatements((sql) => db.prepare(sql));
  }

  async head(orgId: string): Promise<ChainHead | null> {
    await this.db.lockOrg(orgId);
    return (await this.headStmt.get(orgId) as ChainHead | undefined) ?? null;
  }

  async setHead(orgId: string, head: ChainHead): Promise<void> {
    await this.db.lockOrg(orgId);
    await this.setHeadStmt.run(orgId, head.seq, head.hash);
  }

  async append(record: StoredRecord): Promise<void> {
    await this.db.lockOrg(record.org_id);
    await this.appendStmt.run(record);
  }

  async scan(orgId: string, afterSeq: number, limit: number): Promise<readonly StoredRecord[]> {
    await this.db.lockOrg(orgId);
    return await this.scanStmt.all(orgId, afterSeq, limit) as StoredRecord[];
  }

  async scanEnvelopes(orgId: string, afterSeq: number, limit: number, bodyKinds: readonly string[]): Promise<readonly RecordEnvelope[]> {
    await this.db.lockOrg(orgId);
    return await this.envelopeStatement(bodyKinds).all(orgId, afterSeq, limit) as RecordEnvelope[];
  }

  async byIntent(orgId: string, intentId: string): Promise<readonly StoredRecord[]> {
    await this.db.lockOrg(orgId);
    return await this.byIntentStmt.all(orgId, intentId) as StoredRecord[];
  }

  async chainOrgIds(): Promise<readonly string[]> {
    return await this.orgIdsStmt.all() as string[];
  }

  async size(): Promise<number> {
    return Number(await this.sizeStmt.get());
  }
}
