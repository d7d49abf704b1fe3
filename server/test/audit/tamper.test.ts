import Database from 'better-sqlite3';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { verifyChain } from '../../src/services/verifyChain.js';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { createTestApp, json, tempDir, type DecisionJson } from '../support/testApp.js';

// The ledger is tamper-evident: whatever is done to the SQLite file behind the server's back
// (with the append-only triggers dropped), verification fails and names the first bad record.

const root = tempDir('axiru-tamper-');
const pristine = join(root.path, 'pristine');
let orgId = '';
let adminKey = '';
let markedSeq = 0;
let total = 0;
let copies = 0;

beforeAll(async () => {
  const t = await createTestApp({ dataDir: pristine });
  orgId = t.demo.id;
  adminKey = t.demo.adminKey;
  for (let i = 0; i < 8; i += 1) {
    const metadata = i === 4 ? { ticket: 'TAMPER-MARK-7' } : { ticket: `T-${i}` };
    const response = await t.decide({ source: 'support_tool', amount_cents: 1000 + i, metadata });
    if (i === 4) markedSeq = (await t.app.intent(orgId, json<DecisionJson>(response).intent_id))!.seq;
  }
  total = await t.app.store.ledger.size();
  await t.close();
  // Fold the WAL into the database file so that the file alone holds every record.
  const db = new Database(databaseFile(pristine));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
});

afterAll(() => {
  root.remove();
});

/** A copy of the pristine data folder, opened raw with the append-only triggers dropped. */
function tamperedCopy(mutate: (db: Database.Database) => void): string {
  copies += 1;
  const dir = join(root.path, `copy-${copies}`);
  cpSync(pristine, dir, { recursive: true });
  const db = new Database(databaseFile(dir));
  db.exec('DROP TRIGGER ledger_refuses_update; DROP TRIGGER ledger_refuses_delete;');
  mutate(db);
  db.close();
  return dir;
}

async function verify(dir: string) {
  const store = SqliteStore.open({ dataDir: dir, checkpointIntervalMs: 0 });
  try {
    return await verifyChain(store, orgId);
  } finally {
    await store.close();
  }
}

describe('tamper evidence', () => {
  it('the pristine ledger verifies', async () => {
    expect(await verify(tamperedCopy(() => undefined))).toEqual({ ok: true, records: total, first_bad_seq: null, problem: null });
  });

  it('the triggers refuse UPDATE and DELETE on ledger rows', () => {
    const dir = join(root.path, 'triggers');
    cpSync(pristine, dir, { recursive: true });
    const db = new Database(databaseFile(dir));
    expect(() => db.prepare("UPDATE ledger SET actor = 'me' WHERE seq = 1").run()).toThrow('ledger is append-only');
    expect(() => db.prepare('DELETE FROM ledger WHERE seq = 1').run()).toThrow('ledger is append-only');
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow('ledger is append-only');
    db.close();
  });

  it('one changed byte in the database file is found and located (via the API)', async () => {
    const dir = join(root.path, 'byte');
    cpSync(pristine, dir, { recursive: true });
    const file = databaseFile(dir);
    const bytes = readFileSync(file);
    const marker = Buffer.from('TAMPER-MARK-7');
    const at = bytes.indexOf(marker);
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf(marker, at + 1)).toBe(-1);
    bytes[at + marker.length - 1] = '8'.charCodeAt(0);
    writeFileSync(file, bytes);

    const app = await buildApp({ dataDir: dir, checkpointIntervalMs: 0 });
    try {
      const response = await app.inject({ method: 'GET', url: '/api/audit/verify', headers: { authorization: `Bearer ${adminKey}` } });
      expect(response.statusCode).toBe(200);
      expect(json(response)).toMatchObject({ ok: false, first_bad_seq: markedSeq });
    } finally {
      await app.close();
    }
  });

  it('an edited record is located, whichever column was changed', async () => {
    const edits = [
      "UPDATE ledger SET body = replace(body, 'T-6', 'T-9') WHERE seq = ?",
      "UPDATE ledger SET time = '2020-01-01T00:00:00.000Z' WHERE seq = ?",
      "UPDATE ledger SET actor = 'api_key:someone_else' WHERE seq = ?",
      "UPDATE ledger SET hash = substr(hash, 1, 63) || (CASE substr(hash, 64, 1) WHEN '0' THEN '1' ELSE '0' END) WHERE seq = ?",
    ];
    for (const sql of edits) {
      const seq = markedSeq + 2;
      const report = await verify(tamperedCopy((db) => expect(db.prepare(sql).run(seq).changes).toBe(1)));
      expect(report, sql).toMatchObject({ ok: false, first_bad_seq: seq });
    }
  });

  it('a deleted record is located', async () => {
    const report = await verify(tamperedCopy((db) => db.prepare('DELETE FROM ledger WHERE org_id = ? AND seq = 5').run(orgId)));
    expect(report).toMatchObject({ ok: false, first_bad_seq: 5 });
    expect(report.problem).toContain('missing');
  });

  it('a deleted last record is found through the chain head', async () => {
    const report = await verify(tamperedCopy((db) => db.prepare('DELETE FROM ledger WHERE org_id = ? AND seq = ?').run(orgId, total)));
    expect(report).toMatchObject({ ok: false, first_bad_seq: total });
  });

  it('reordered records are located', async () => {
    const report = await verify(tamperedCopy((db) => {
      const swap = db.prepare('UPDATE ledger SET seq = ? WHERE org_id = ? AND seq = ?');
      db.transaction(() => {
        swap.run(-1, orgId, 4);
        swap.run(4, orgId, 5);
        swap.run(5, orgId, -1);
      })();
    }));
    expect(report).toMatchObject({ ok: false, first_bad_seq: 4 });
  });

  it('an inserted record is located, even with the chain head moved along', async () => {
    const report = await verify(tamperedCopy((db) => {
      db.transaction(() => {
        const rows = db.prepare('SELECT seq FROM ledger WHERE org_id = ? AND seq >= 6 ORDER BY seq DESC').pluck().all(orgId) as number[];
        for (const seq of rows) db.prepare('UPDATE ledger SET seq = seq + 1 WHERE org_id = ? AND seq = ?').run(orgId, seq);
        db.prepare(`INSERT INTO ledger (org_id, seq, kind, intent_id, time, actor, body, prev_hash, hash)
          SELECT org_id, 6, kind, intent_id, time, actor, body, prev_hash, hash FROM ledger WHERE org_id = ? AND seq = 5`).run(orgId);
        db.prepare('UPDATE chain_heads SET seq = seq + 1 WHERE org_id = ?').run(orgId);
      })();
    }));
    expect(report).toMatchObject({ ok: false, first_bad_seq: 6 });
  });

  it('a record appended behind the writer\'s back is found', async () => {
    const report = await verify(tamperedCopy((db) => {
      db.prepare(`INSERT INTO ledger (org_id, seq, kind, intent_id, time, actor, body, prev_hash, hash)
        SELECT org_id, seq + 1, kind, intent_id, time, actor, body, hash, hash FROM ledger WHERE org_id = ? AND seq = ?`).run(orgId, total);
    }));
    expect(report).toMatchObject({ ok: false, first_bad_seq: total + 1 });
  });
});
