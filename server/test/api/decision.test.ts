import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, SEED_REQUEST, type DecisionJson, type ErrorJson, type TestApp } from '../support/testApp.js';
import { TEST_ENGINE } from '../support/testDatabase.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function ledgerSize(): Promise<number> {
  return t.app.store.ledger.size();
}

async function expectError(response: { statusCode: number; body: string }, status: number, code: string, field: string | null) {
  expect(response.statusCode, response.body).toBe(status);
  const body = JSON.parse(response.body) as ErrorJson;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.field).toBe(field);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error;
}

describe('POST /api/decision', () => {
  it('round-trips the seed request of the product page', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/decision', payload: { org_api_key: t.demo.decisionKey, ...SEED_REQUEST },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = json<DecisionJson>(response);
    expect(Object.keys(body)).toEqual(['decision', 'intent_id', 'received_at']);
    expect(Object.keys(body.decision).slice(0, 5)).toEqual(['outcome', 'reason', 'policy_version', 'matched_rule', 'approver_role']);
    expect(body.decision).toMatchObject({
      outcome: 'pending_approval',
      reason: 'Refunds over $150 require approval',
      policy_version: 'v3',
      matched_rule: 'high_value_refund_review',
      approver_role: 'finance_manager',
      approvals_required: 1,
      matched_rules: ['high_value_refund_review'],
    });
    expect(body.intent_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(body.received_at).toISOString()).toBe(body.received_at);
  });

  it('accepts the key as a Bearer token, and the same key in both places', async () => {
    expect((await t.decide({ ...SEED_REQUEST })).statusCode).toBe(200);
    expect((await t.decide({ ...SEED_REQUEST, org_api_key: t.demo.decisionKey })).statusCode).toBe(200);
  });

  it('refuses two different keys', async () => {
    const other = await t.addOrg('Key clash');
    await expectError(await t.decide({ ...SEED_REQUEST, org_api_key: other.decisionKey }), 400, 'conflicting_api_keys', 'org_api_key');
  });

  it('decides allow, flag-free routine refunds and blocks', async () => {
    const allow = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 5000, customer_tenure_days: 400, charge_amount_cents: 9000 }));
    expect(allow.decision).toMatchObject({ outcome: 'allow', matched_rule: 'routine', approver_role: null, approvals_required: null });
    const block = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 60000, customer_tenure_days: 3 }));
    expect(block.decision).toMatchObject({ outcome: 'block', matched_rule: 'new_customer_large_refund' });
  });

  it('defaults the currency to the organisation\'s and records it lower-case', async () => {
    const omitted = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 2000, customer_tenure_days: 100 }));
    const intent = await t.app.intent(t.demo.id, omitted.intent_id);
    expect(intent?.currency).toBe('usd');
    expect(omitted.decision.outcome).toBe('allow');
    const euro = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 2000, currency: 'EUR', customer_tenure_days: 100 }));
    expect((await t.app.intent(t.demo.id, euro.intent_id))?.currency).toBe('eur');
    // "small EUR refund falls to the default" (the policy's own example)
    expect(euro.decision).toMatchObject({ outcome: 'pending_approval', matched_rule: null, approver_role: 'support_lead' });
    const defaulted = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 2000, currency: null, customer_tenure_days: 100 }));
    expect((await t.app.intent(t.demo.id, defaulted.intent_id))?.currency).toBe('usd');
  });

  it('accepts amounts up to 10^12 cents', async () => {
    expect((await t.decide({ source: 'support_tool', amount_cents: 1_000_000_000_000 })).statusCode).toBe(200);
  });
});

describe('validation', () => {
  const base = { source: 'support_tool', amount_cents: 2500 };

  it.each([
    ['"100" (a string)', '100'],
    ['1.5', 1.5],
    ['-1', -1],
    ['0', 0],
    ['10^12 + 1', 1_000_000_000_001],
    ['true', true],
    ['null', null],
    ['an array', [100]],
  ])('amount_cents %s is a 400 naming the field', async (_label, amount) => {
    const before = await ledgerSize();
    const error = await expectError(await t.decide({ ...base, amount_cents: amount }), 400, 'invalid_field', 'amount_cents');
    expect(error.message).toContain('positive integer');
    expect(await ledgerSize()).toBe(before);
  });

  it('amount_cents 1e309 (not representable) is a 400', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/decision',
      headers: { authorization: `Bearer ${t.demo.decisionKey}`, 'content-type': 'application/json' },
      payload: '{"source":"support_tool","amount_cents":1e309}',
    });
    const error = await expectError(response, 400, 'invalid_field', 'amount_cents');
    expect(error.message).toContain('too large');
  });

  it('a missing amount_cents or source is a 400 naming it', async () => {
    await expectError(await t.decide({ source: 'support_tool' }), 400, 'missing_field', 'amount_cents');
    const error = await expectError(await t.decide({ amount_cents: 100 }), 400, 'missing_field', 'source');
    expect(error.message).toContain('required');
  });

  it.each(['us', 'usdd', 'u$d', '', 'ü$d', 'EU R'])('currency %j is a 400', async (currency) => {
    await expectError(await t.decide({ ...base, currency }), 400, 'invalid_field', 'currency');
  });

  it('currency must be a string', async () => {
    await expectError(await t.decide({ ...base, currency: 840 }), 400, 'invalid_field', 'currency');
  });

  it('a source the live policy does not declare is a 400 listing the allowed ones', async () => {
    const error = await expectError(await t.decide({ ...base, source: 'chatbot' }), 400, 'invalid_field', 'source');
    expect(error.message).toContain('ai_agent, automation, stripe_direct, support_tool');
  });

  it.each([
    ['stripe_charge_id', 'ch 123'],
    ['stripe_charge_id', 'ch_\u0007'],
    ['stripe_charge_id', 'ch_é'],
    ['stripe_charge_id', `ch_${'x'.repeat(253)}`],
    ['stripe_charge_id', ''],
    ['customer_id', 'cus 1'],
    ['customer_id', 42],
    ['stripe_account', 'acct\n1'],
    ['source', 'support tool'],
    ['reason', 'duplicate charge'],
  ])('%s %j is a 400 (printable ASCII, bounded length)', async (field, value) => {
    await expectError(await t.decide({ ...base, [field]: value }), 400, 'invalid_field', field);
  });

  it('an unknown top-level field is a 400 naming it', async () => {
    const error = await expectError(await t.decide({ ...base, amount: 2500 }), 400, 'unknown_field', 'amount');
    expect(error.message).toContain('"amount"');
    expect(error.message).toContain('amount_cents');
  });

  it('action must be "refund"', async () => {
    await expectError(await t.decide({ ...base, action: 'payout' }), 400, 'invalid_field', 'action');
  });

  it('metadata holds at most 50 short string values', async () => {
    await expectError(await t.decide({ ...base, metadata: { ticket: 1234 } }), 400, 'invalid_field', 'metadata.ticket');
    await expectError(await t.decide({ ...base, metadata: { 'bad key': 'x' } }), 400, 'invalid_field', 'metadata');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expectError(await t.decide({ ...base, metadata: many }), 400, 'invalid_field', 'metadata');
    await expectError(await t.decide({ ...base, metadata: 'ticket' }), 400, 'invalid_field', 'metadata');
    expect((await t.decide({ ...base, metadata: { ticket: 'Z-1234' } })).statusCode).toBe(200);
  });

  it('tenure and charge age are non-negative numbers of days', async () => {
    await expectError(await t.decide({ ...base, customer_tenure_days: -1 }), 400, 'invalid_field', 'customer_tenure_days');
    await expectError(await t.decide({ ...base, charge_age_days: '3' }), 400, 'invalid_field', 'charge_age_days');
    expect((await t.decide({ ...base, customer_tenure_days: 1.5 })).statusCode).toBe(200);
  });

  it('the body must be a JSON object', async () => {
    for (const payload of ['[]', '"refund"', 'null', '42']) {
      const response = await t.app.inject({
        method: 'POST', url: '/api/decision',
        headers: { authorization: `Bearer ${t.demo.decisionKey}`, 'content-type': 'application/json' }, payload,
      });
      await expectError(response, 400, 'invalid_request', null);
    }
  });

  it('malformed JSON is a 400, other media types a 415', async () => {
    const headers = { authorization: `Bearer ${t.demo.decisionKey}`, 'content-type': 'application/json' };
    await expectError(await t.app.inject({ method: 'POST', url: '/api/decision', headers, payload: '{"source":' }), 400, 'invalid_json', null);
    await expectError(await t.app.inject({ method: 'POST', url: '/api/decision', headers, payload: '{"__proto__":{"x":1},"source":"support_tool","amount_cents":1}' }), 400, 'invalid_json', null);
    await expectError(await t.app.inject({
      method: 'POST', url: '/api/decision', headers: { ...headers, 'content-type': 'text/plain' }, payload: 'hello',
    }), 415, 'unsupported_media_type', null);
  });

  it('a body over 64 KB is a 413 in the same error shape', async () => {
    const before = await ledgerSize();
    const response = await t.decide({ ...base, metadata: { note: 'x'.repeat(70_000) } });
    await expectError(response, 413, 'body_too_large', null);
    expect(await ledgerSize()).toBe(before);
  });

  it('an invalid Idempotency-Key header is a 400', async () => {
    await expectError(await t.decide(base, { headers: { 'idempotency-key': 'é'.repeat(3) } }), 400, 'invalid_field', 'idempotency-key');
    await expectError(await t.decide(base, { headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'invalid_field', 'idempotency-key');
  });

  it('never answers 500 and never writes a partial record, whatever the body', async () => {
    const field = fc.constantFrom('source', 'amount_cents', 'currency', 'customer_id', 'metadata', 'reason', 'action', 'customer_tenure_days', 'extra');
    const value = fc.oneof(fc.jsonValue(), fc.constantFrom('support_tool', 'usd', 100, 1e300, -0, '\u0000', '\ud800x'));
    await fc.assert(fc.asyncProperty(fc.dictionary(field, value), async (body) => {
      const before = await ledgerSize();
      const response = await t.decide(body);
      expect(response.statusCode).toBeLessThan(500);
      const parsed = JSON.parse(response.body) as Record<string, unknown>;
      if (response.statusCode === 200) {
        expect(await ledgerSize()).toBe(before + 1);
        expect(parsed).toHaveProperty('intent_id');
      } else {
        expect(await ledgerSize()).toBe(before);
        expect(parsed).toHaveProperty('error.code');
        expect(parsed).toHaveProperty('error.message');
        expect(parsed).toHaveProperty('error.field');
      }
    }), { numRuns: 150 });
  });
});

describe('authentication', () => {
  const body = { source: 'support_tool', amount_cents: 100 };

  it('a missing key is a 401', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/decision', payload: body });
    await expectError(response, 401, 'unauthorized', null);
  });

  it('unknown, malformed and revoked keys get one identical 401', async () => {
    const fresh = await t.addOrg('Revoked');
    const key = (await t.app.store.apiKeys.list(fresh.id)).find((record) => record.kind === 'decision');
    await t.app.store.transaction((tx) => tx.apiKeys.revoke(key!.id, new Date().toISOString()));
    const unknown = await t.decide(body, { key: `sk_test_${'A'.repeat(43)}` });
    const malformed = await t.decide(body, { key: 'not-a-key' });
    const revoked = await t.decide(body, { key: fresh.decisionKey });
    const inBody = await t.app.inject({ method: 'POST', url: '/api/decision', payload: { ...body, org_api_key: fresh.decisionKey } });
    const notBearer = await t.app.inject({ method: 'POST', url: '/api/decision', headers: { authorization: `Basic ${fresh.decisionKey}` }, payload: body });
    await expectError(unknown, 401, 'unauthorized', null);
    for (const response of [malformed, revoked, inBody, notBearer]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe(unknown.body);
    }
  });

  it('a key of the wrong kind is a 403 in the same shape', async () => {
    const response = await t.decide(body, { key: t.demo.adminKey });
    const error = await expectError(response, 403, 'forbidden', null);
    expect(error.message).toContain('decision key');
    const policies = await t.get('/api/policies', t.demo.decisionKey);
    await expectError(policies, 403, 'forbidden', null);
    // Another endpoint for the same callers (admin keys and users) refuses in the same words.
    const controls = await t.get('/api/controls', t.demo.decisionKey);
    expect(controls.body).toBe(policies.body);
  });

  it('authenticates before validating', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/decision', payload: { amount_cents: 'lots' } });
    expect(response.statusCode).toBe(401);
  });
});

describe('operations', () => {
  it('GET /healthz names the engine and says the database is reachable', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ ok: true, engine: TEST_ENGINE, database: 'reachable' });
  });

  it('GET /metrics has decision latency, decisions by outcome and source, and ledger size', async () => {
    await t.decide({ source: 'ai_agent', amount_cents: 6000, customer_tenure_days: 400 });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('axiru_decision_duration_seconds_bucket');
    expect(response.body).toMatch(/axiru_decisions_total\{outcome="pending_approval",source="ai_agent"\} \d+/);
    expect(response.body).toMatch(new RegExp(`axiru_ledger_records ${await ledgerSize()}`));
  });

  it('serves OpenAPI 3 generated from the route schemas at /docs', async () => {
    const spec = json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> }>(
      await t.app.inject({ method: 'GET', url: '/docs/json' }));
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of ['/api/decision', '/api/intents', '/api/intents/{id}', '/api/policies', '/api/policies/{version}',
      '/api/policies/{version}/activate', '/api/audit/verify', '/healthz', '/metrics']) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
    expect(JSON.stringify(spec.paths['/api/decision'])).toContain('amount_cents');
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('unknown endpoints are 404s in the error shape', async () => {
    await expectError(await t.app.inject({ method: 'GET', url: '/api/nope' }), 404, 'not_found', null);
  });
});
