import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointSignatureValid, parsePublicKey, type SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { rootOf, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { recordLeafHash } from '../../src/audit/recordLine.js';
import { storedRoot } from '../../src/audit/storedTree.js';
import { databaseFile } from '../../src/storage/sqlite/SqliteDatabase.js';
import { addUser } from '../support/people.js';
import { createTestApp, json, type TestApp } from '../support/testApp.js';
import { buildVariedLedger, type VariedLedger } from './variedLedger.js';

// Checkpoints every 16 records, so a small ledger has many.
process.env['AXIRU_AUDIT_CHECKPOINT_RECORDS'] = '16';

let t: TestApp;
let ledger: VariedLedger;
let userKey: string;

beforeAll(async () => {
  t = await createTestApp();
  ledger = await buildVariedLedger(t, 120);
  userKey = (await addUser(t, ['support_lead'])).key;
  await t.app.auditCheckpoints.tick();
});

afterAll(async () => {
  await t.close();
});

interface ProofJson {
  intent_id: string;
  checkpoint: SignedCheckpoint;
  records: { seq: number; leaf_index: number; leaf_hash: string; covered: boolean; audit_path: string[] | null }[];
}

async function publicKey() {
  const keys = json<{ data: { key_id: string; public_key: string; current: boolean }[] }>(await t.get('/api/audit/public-keys', t.demo.adminKey));
  expect(keys.data).toHaveLength(1);
  expect(keys.data[0]!.current).toBe(true);
  return parsePublicKey(keys.data[0]!.public_key);
}

describe('checkpoints', () => {
  it('are signed at every multiple of the configured count, and the latest verifies under the public key', async () => {
    const head = (await t.app.store.ledger.head(t.demo.id))!;
    expect(head.seq).toBeGreaterThan(130);
    const latest = json<SignedCheckpoint>(await t.get('/api/audit/checkpoints/latest', userKey));
    expect(latest.tree_size).toBe(Math.floor(head.seq / 16) * 16);
    expect(latest.org).toBe(t.demo.id);
    expect(checkpointSignatureValid(latest, await publicKey())).toBe(true);
    expect(checkpointSignatureValid({ ...latest, tree_size: latest.tree_size - 1 }, await publicKey())).toBe(false);

    const first = json<{ data: SignedCheckpoint[]; next_cursor: string | null }>(await t.get('/api/audit/checkpoints?limit=2', t.demo.adminKey));
    expect(first.data.map((c) => c.tree_size)).toEqual([latest.tree_size, latest.tree_size - 16]);
    const second = json<{ data: SignedCheckpoint[] }>(await t.get(`/api/audit/checkpoints?limit=2&cursor=${first.next_cursor!}`, t.demo.adminKey));
    expect(second.data.map((c) => c.tree_size)).toEqual([latest.tree_size - 32, latest.tree_size - 48]);
  });

  it('the time rule signs the head once new records waited long enough', async () => {
    const before = json<SignedCheckpoint>(await t.get('/api/audit/checkpoints/latest', t.demo.adminKey));
    expect((await t.decide({ source: 'support_tool', amount_cents: 1000 })).statusCode).toBe(200);
    expect(await t.app.auditCheckpoints.tick()).toEqual([]);
    t.now = new Date(t.now.getTime() + 61_000);
    const signed = await t.app.auditCheckpoints.tick();
    expect(signed).toHaveLength(1);
    expect(signed[0]!.tree_size).toBeGreaterThan(before.tree_size);
    expect(signed[0]!.tree_size % 16).not.toBe(0);
  });

  it('reads need an admin key or a user; bad queries are 400s that name the field', async () => {
    expect((await t.get('/api/audit/checkpoints/latest', t.demo.decisionKey)).statusCode).toBe(403);
    expect((await t.get('/api/audit/public-keys', 'sk_test_nope')).statusCode).toBe(401);
    const bad = await t.get('/api/audit/checkpoints?limit=abc', t.demo.adminKey);
    expect(bad.statusCode).toBe(400);
    expect(json<{ error: { field: string } }>(bad).error.field).toBe('limit');
    expect((await t.get('/api/audit/checkpoints?extra=1', t.demo.adminKey)).statusCode).toBe(400);
  });
});

describe('GET /api/intents/:id/proof', () => {
  it('proves every record of an intent (decision, hold, release, approval) in the latest checkpoint', async () => {
    const key = await publicKey();
    let checked = 0;
    for (const id of ledger.intents.slice(0, 60)) {
      const proof = json<ProofJson>(await t.get(`/api/intents/${id}/proof`, userKey));
      expect(checkpointSignatureValid(proof.checkpoint, key)).toBe(true);
      for (const record of proof.records) {
        expect(record.covered).toBe(true);
        const root = Buffer.from(proof.checkpoint.root, 'hex');
        const path = record.audit_path!.map((h) => Buffer.from(h, 'hex'));
        expect(verifyInclusion(Buffer.from(record.leaf_hash, 'hex'), record.leaf_index, proof.checkpoint.tree_size, path, root)).toBe(true);
        // The same path does not prove another position or a changed leaf.
        expect(verifyInclusion(Buffer.from(record.leaf_hash, 'hex'), record.leaf_index + 1, proof.checkpoint.tree_size, path, root)).toBe(false);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('answers a foreign intent exactly like a missing one', async () => {
    const other = await t.addOrg('Other');
    const foreign = json<{ intent_id: string }>(await t.decide({ source: 'support_tool', amount_cents: 1000 }, { key: other.decisionKey }));
    const a = await t.get(`/api/intents/${foreign.intent_id}/proof`, t.demo.adminKey);
    const b = await t.get('/api/intents/00000000-0000-7000-8000-000000000000/proof', t.demo.adminKey);
    expect(a.statusCode).toBe(404);
    expect(a.body).toBe(b.body);
    const c = await t.get(`/api/intents/${foreign.intent_id}/replay`, t.demo.adminKey);
    expect(c.statusCode).toBe(404);
    expect(c.body).toBe((await t.get('/api/intents/00000000-0000-7000-8000-000000000000/replay', t.demo.adminKey)).body);
  });
});

describe('GET /api/audit/consistency', () => {
  it('proves each checkpoint extends every earlier one', async () => {
    const all = json<{ data: SignedCheckpoint[] }>(await t.get('/api/audit/checkpoints?limit=200', t.demo.adminKey)).data;
    const sizes = all.map((c) => c.tree_size).sort((a, b) => a - b);
    const roots = new Map(all.map((c) => [c.tree_size, Buffer.from(c.root, 'hex')]));
    for (const from of sizes) {
      for (const to of sizes.filter((size) => size >= from)) {
        const answer = json<{ proof: string[] }>(await t.get(`/api/audit/consistency?from=${from}&to=${to}`, userKey));
        const proof = answer.proof.map((h) => Buffer.from(h, 'hex'));
        expect(verifyConsistency(from, to, roots.get(from)!, roots.get(to)!, proof), `${from} -> ${to}`).toBe(true);
        if (from < to) expect(verifyConsistency(from, to, roots.get(to)!, roots.get(from)!, proof)).toBe(false);
      }
    }
  });

  it('refuses sizes that are not checkpoints, reversed ranges and malformed numbers', async () => {
    const missing = await t.get('/api/audit/consistency?from=15&to=32', t.demo.adminKey);
    expect(missing.statusCode).toBe(404);
    expect(json<{ error: { field: string } }>(missing).error.field).toBe('from');
    const reversed = await t.get('/api/audit/consistency?from=32&to=16', t.demo.adminKey);
    expect(reversed.statusCode).toBe(400);
    for (const query of ['from=a&to=16', 'from=0&to=16', 'from=16', 'from=16&to=1e3']) {
      expect((await t.get(`/api/audit/consistency?${query}`, t.demo.adminKey)).statusCode, query).toBe(400);
    }
  });
});

interface ReplayJson {
  identical: boolean;
  decided_by: 'policy' | 'control';
  policy: { version: string };
  differences: string[];
  explanation: { why: string; rules: unknown[] | null };
}

describe('GET /api/intents/:id/replay', () => {
  it('replays every decision of the ledger identically, policy and control decisions alike', async () => {
    const byWho = { policy: 0, control: 0 };
    const versions = new Set<string>();
    let shadows = 0;
    let observed = 0;
    for (const id of ledger.intents) {
      const replay = json<ReplayJson & { shadow_replayed: number; sealed: { enforced?: boolean } }>(await t.get(`/api/intents/${id}/replay`, userKey));
      shadows += replay.shadow_replayed;
      if (replay.sealed.enforced === false) observed += 1;
      expect(replay.identical, `${id}: ${replay.differences.join(', ')}`).toBe(true);
      byWho[replay.decided_by] += 1;
      versions.add(replay.policy.version);
      if (replay.decided_by === 'control') expect(replay.explanation.why).toMatch(/^Not the policy: /);
      else expect(replay.explanation.rules!.length).toBeGreaterThan(0);
    }
    expect(byWho.control).toBeGreaterThan(0);
    expect(shadows).toBeGreaterThan(5);
    expect(observed).toBeGreaterThan(5);
    expect(byWho.policy).toBeGreaterThan(80);
    expect([...versions].sort()).toEqual(['v3', 'v4']);
  });

  it('a sealed decision changed in the database replays as not identical', async () => {
    const id = ledger.intents[5]!;
    const before = json<ReplayJson & { sealed: { outcome: string } }>(await t.get(`/api/intents/${id}/replay`, t.demo.adminKey));
    const forged = before.sealed.outcome === 'block' ? 'allow' : 'block';
    const db = new Database(databaseFile(t.dataDir));
    try {
      db.exec('DROP TRIGGER ledger_refuses_update');
      const row = db.prepare('SELECT seq, body FROM ledger WHERE org_id = ? AND intent_id = ? AND kind = ?').get(t.demo.id, id, 'decision') as { seq: number; body: string };
      const body = JSON.parse(row.body) as { decision: { outcome: string } };
      body.decision.outcome = forged;
      db.prepare('UPDATE ledger SET body = ? WHERE org_id = ? AND seq = ?').run(JSON.stringify(body), t.demo.id, row.seq);
    } finally {
      db.close();
    }
    const after = json<ReplayJson>(await t.get(`/api/intents/${id}/replay`, t.demo.adminKey));
    expect(after.identical).toBe(false);
    expect(after.differences).toEqual(['outcome']);
  });
});

describe('a tree behind its chain', () => {
  it('is caught up from the ledger behind the chain (records sealed before the trees existed)', async () => {
    const db = new Database(databaseFile(t.dataDir));
    try {
      db.prepare('DELETE FROM merkle_nodes WHERE org_id = ?').run(t.demo.id);
      db.prepare('DELETE FROM merkle_sizes WHERE org_id = ?').run(t.demo.id);
    } finally {
      db.close();
    }
    expect((await t.decide({ source: 'support_tool', amount_cents: 1200 })).statusCode).toBe(200);
    await t.app.projections.catchUp();
    const head = (await t.app.store.ledger.head(t.demo.id))!;
    expect(await t.app.store.merkle.size(t.demo.id)).toBe(head.seq);
    const records = await t.app.store.ledger.scan(t.demo.id, 0, 100_000);
    const expected = rootOf(records.map((record) => recordLeafHash(record)));
    expect((await storedRoot(t.app.store.merkle, t.demo.id, head.seq)).equals(expected)).toBe(true);
  });
});
