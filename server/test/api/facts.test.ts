import { loadPolicy } from '@axiru/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '@axiru/runtime';
import { plainDecision } from '../../src/services/shadowEvaluation.js';
import { createTestApp, json, type DecisionJson, type TestApp, type TestOrg } from '../support/testApp.js';

let t: TestApp;
let charges: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  charges = await t.addOrg('Charges', {
    source: 'policy "charges" version 1\n'
      + 'rule already_refunded:\n  block refunds when charge refunded at least $100\n  because "This charge was already refunded"\n',
  });
});
afterAll(async () => {
  await t.close();
});

interface IntentJson {
  request: Record<string, unknown>;
  facts: Record<string, number>;
  decision: DecisionJson['decision'];
  policy: { name: string; version: string; ir_hash: string };
}

async function decide(body: Record<string, unknown>, key = t.demo.decisionKey) {
  const response = await t.decide(body, { key });
  expect(response.statusCode, response.body).toBe(200);
  const decision = json<DecisionJson>(response);
  const intent = json<IntentJson>(await t.get(`/api/intents/${decision.intent_id}`, key));
  return { ...decision, facts: intent.facts, intent };
}

// With a reason, so that `unless reason is duplicate_charge` can be decided.
const small = { source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400, charge_amount_cents: 9000, reason: 'requested_by_customer' };

describe('computed facts', () => {
  it('counts the customer\'s earlier refunds in the last 30 days and records the count', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const result = await decide({ ...small, customer_id: 'cus_serial' });
      counts.push(result.facts['customer_refunds_last_30_days']!);
      if (i < 3) expect(result.decision.outcome).toBe('allow');
      else expect(result.decision).toMatchObject({ outcome: 'flag', matched_rule: 'serial_refunder' });
    }
    expect(counts).toEqual([0, 1, 2, 3]);
    // `unless reason is duplicate_charge`
    const exempt = await decide({ ...small, customer_id: 'cus_serial', reason: 'duplicate_charge' });
    expect(exempt.decision.outcome).toBe('allow');
    expect(exempt.facts['customer_refunds_last_30_days']).toBe(4);
  });

  it('leaves the fact missing when there is no customer_id', async () => {
    const result = await decide({ ...small });
    expect(result.facts).toEqual({});
    expect(result.decision.missing_fields).toContain('customer_refunds_last_30_days');
  });

  it('counts pending refunds but not blocked ones, and only this organisation\'s', async () => {
    await decide({ source: 'support_tool', amount_cents: 60000, customer_tenure_days: 3, customer_id: 'cus_mixed' }); // block
    await decide({ source: 'support_tool', amount_cents: 20000, customer_tenure_days: 400, customer_id: 'cus_mixed' }); // pending
    const other = await t.addOrg('Other customers');
    for (let i = 0; i < 3; i += 1) await decide({ ...small, customer_id: 'cus_mixed' }, other.decisionKey);
    const result = await decide({ ...small, customer_id: 'cus_mixed' });
    expect(result.facts['customer_refunds_last_30_days']).toBe(1);
  });

  it('counts only refunds received inside the window', async () => {
    const now = t.now;
    t.now = new Date(now.getTime() - 31 * 86_400_000);
    for (let i = 0; i < 3; i += 1) await decide({ ...small, customer_id: 'cus_old' });
    t.now = new Date(now.getTime() - 29 * 86_400_000);
    await decide({ ...small, customer_id: 'cus_old' });
    t.now = now;
    const result = await decide({ ...small, customer_id: 'cus_old' });
    expect(result.facts['customer_refunds_last_30_days']).toBe(1);
  });

  it('sees earlier requests sealed in the same batch', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.decide({ ...small, customer_id: 'cus_batch' })));
    const counts = [];
    for (const response of responses) {
      const intent = json<IntentJson>(await t.get(`/api/intents/${json<DecisionJson>(response).intent_id}`, t.demo.decisionKey));
      counts.push(intent.facts['customer_refunds_last_30_days']);
    }
    expect(counts.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('sums what was already refunded on the charge, in the refund\'s currency', async () => {
    const charge = { source: 'support_tool', stripe_charge_id: 'ch_sum' };
    const first = await decide({ ...charge, amount_cents: 6000 }, charges.decisionKey);
    expect(first.facts).toEqual({ charge_refunded_cents: 0 });
    const second = await decide({ ...charge, amount_cents: 3000 }, charges.decisionKey);
    expect(second.facts).toEqual({ charge_refunded_cents: 6000 });
    expect(second.decision.outcome).toBe('allow');
    await decide({ ...charge, amount_cents: 5000, currency: 'eur' }, charges.decisionKey);
    await decide({ source: 'support_tool', stripe_charge_id: 'ch_other', amount_cents: 9000 }, charges.decisionKey);
    const third = await decide({ ...charge, amount_cents: 1000 }, charges.decisionKey);
    expect(third.facts).toEqual({ charge_refunded_cents: 9000 });
    const fourth = await decide({ ...charge, amount_cents: 500 }, charges.decisionKey);
    expect(fourth.facts).toEqual({ charge_refunded_cents: 10000 });
    expect(fourth.decision).toMatchObject({ outcome: 'block', matched_rule: 'already_refunded' });
    // The blocked refund does not add to the sum.
    expect((await decide({ ...charge, amount_cents: 1 }, charges.decisionKey)).facts).toEqual({ charge_refunded_cents: 10000 });
    expect((await decide({ source: 'support_tool', amount_cents: 1 }, charges.decisionKey)).facts).toEqual({});
  });

  it('lets every sealed decision be re-evaluated bit for bit from its record', async () => {
    let checked = 0;
    for (const org of [t.demo.id, charges.id]) {
      const records = await t.app.store.ledger.scan(org, 0, 100_000);
      for (const record of records.filter((r) => r.kind === 'decision')) {
        const body = JSON.parse(record.body) as IntentJson;
        const ir = await t.app.store.policies.getIR(body.policy.ir_hash);
        expect(ir).not.toBeNull();
        const again = plainDecision(loadPolicy(ir).decide({ ...body.request, ...body.facts }));
        expect(canonicalJson(again)).toBe(canonicalJson(body.decision));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
