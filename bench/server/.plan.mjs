import Database from 'better-sqlite3';
import { migrate } from '../../server/dist/storage/sqlite/migrate.js';
const db = new Database(':memory:'); migrate(db);
for (const q of [
 `SELECT COALESCE(SUM(amount_cents), 0) FROM intents WHERE org_id = ? AND stripe_charge_id = ? AND currency = ? AND received_ms <= ? AND status IN ('allowed','pending_approval')`,
 `SELECT COUNT(*) FROM intents WHERE org_id = ? AND customer_id = ? AND received_ms > ? AND received_ms <= ? AND status IN ('allowed','pending_approval')`,
 `SELECT * FROM intents WHERE org_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
 `SELECT * FROM intents WHERE org_id = ? AND outcome = ? ORDER BY seq DESC LIMIT ?`,
]) console.log(db.prepare('EXPLAIN QUERY PLAN ' + q).all(...Array.from({ length: (q.match(/\?/g) ?? []).length }, () => 1)).map((r) => r.detail).join(' | '));
