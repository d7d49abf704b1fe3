import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type DecisionJson, type TestApp, type TestOrg } from '../support/testApp.js';

// With the background catch-up off, the projections stay behind the chain until something
// needs them: what must hold anyway is read-your-writes, exact facts, proofs and the metric.

let t: TestApp;
let plain: TestOrg;

beforeAll(async () => {
  t = await createTestApp({ projections: { background: false } });
  // A policy with no facts: its decisions never wait for the intents view.
  plain = await t.addOrg('Plain', { source: 'policy "plain" version 1\nsources support_tool\nrule small:\n  allow refunds up to $150\n' });
});
afterAll(async () => {
  await t.close();
});

async function lagMetric(): Promise<Record<string, number>> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const lag: Record<string, number> = {};
  for (const match of text.matchAll(/^axiru_projection_lag_records\{projection="(\w+)"\} (\d+)$/gm)) lag[match[1]!] = Number(match[2]);
  return lag;
}

describe('projections behind the ledger', () => {
  it('are reported by axiru_projection_lag_records, and GET /api/intents/:id still shows the intent right after the answer', async () => {
    const before = await lagMetric();
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) =>
      t.decide({ source: 'support_tool', amount_cents: 1000 * n }, { key: plain.decisionKey })));
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);
    const lagging = await lagMetric();
    expect(lagging['intents']).toBe((before['intents'] ?? 0) + 5);
    expect(lagging['merkle']).toBeGreaterThanOrEqual(5);
    expect(await t.app.store.intents.get(plain.id, json<DecisionJson>(answers[4]!).intent_id)).toBeNull();

    const last = json<DecisionJson>(answers[4]!);
    const intent = await t.get(`/api/intents/${last.intent_id}`, plain.adminKey);
    expect(intent.statusCode, intent.body).toBe(200);
    expect(json<{ status: string; intent_id: string }>(intent)).toMatchObject({ intent_id: last.intent_id, status: 'allowed' });
    // That read caught the organisation's view up to its chain head (the others stay behind).
    expect(await t.app.store.projections.cursor('intents', plain.id)).toBe((await t.app.store.ledger.head(plain.id))!.seq);
    expect((await lagMetric())['intents']).toBeLessThan(lagging['intents']! - 5);
  });

  it('never let facts miss an earlier decision, even sealed in the same batch', async () => {
    const body = { source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400, reason: 'requested_by_customer', customer_id: 'cus_fast' };
    const answers = await Promise.all([0, 1, 2, 3, 4].map(() => t.decide(body)));
    const counts: number[] = [];
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(200);
      const detail = json<{ facts: Record<string, number> }>(await t.get(`/api/intents/${json<DecisionJson>(answer).intent_id}`, t.demo.adminKey));
      counts.push(detail.facts['customer_refunds_last_30_days']!);
    }
    expect(counts.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('sign checkpoints over the whole chain: the tree is brought up to the head first', async () => {
    const decided = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 1200 }, { key: plain.decisionKey }));
    expect(await t.app.store.merkle.size(plain.id)).toBeLessThan((await t.app.store.ledger.head(plain.id))!.seq);
    await t.app.auditCheckpoints.tick(); // starts the wait of the records not covered yet
    t.now = new Date(t.now.getTime() + 3_600_000);
    await t.app.auditCheckpoints.tick();
    const head = (await t.app.store.ledger.head(plain.id))!;
    const proof = json<{ checkpoint: { tree_size: number }; records: { covered: boolean; audit_path: string[] | null }[] }>(
      await t.get(`/api/intents/${decided.intent_id}/proof`, plain.adminKey));
    expect(proof.checkpoint.tree_size).toBe(head.seq);
    expect(proof.records.map((record) => record.covered)).toEqual([true]);
  });
});
