import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SOURCE, createTestApp, json, type DecisionJson, type ErrorJson, type TestApp } from '../support/testApp.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const V4 = ACME_SOURCE.replace('version 3', 'version 4').replace('refunds over $150 require finance_manager', 'refunds over $200 require finance_manager');

function publish(source: unknown, key = t.demo.adminKey) {
  return t.app.inject({ method: 'POST', url: '/api/policies', headers: { authorization: `Bearer ${key}` }, payload: { source } });
}

function activate(version: string, key = t.demo.adminKey) {
  return t.app.inject({ method: 'POST', url: `/api/policies/${version}/activate`, headers: { authorization: `Bearer ${key}` } });
}

interface PolicyJson {
  policy_version: string; version: number; name: string; hash: string; active: boolean; created: boolean; changed: boolean;
  source: string; ir: { version: number; hash: string }; diagnostics: unknown[];
}

async function policyRecords(orgId: string) {
  return (await t.app.store.ledger.scan(orgId, 0, 10_000)).filter((record) => record.kind === 'policy');
}

describe('policies', () => {
  it('the demo organisation starts with acme v3 published and live', async () => {
    const list = json<{ data: PolicyJson[] }>(await t.get('/api/policies', t.demo.adminKey));
    expect(list.data).toMatchObject([{ policy_version: 'v3', version: 3, name: 'acme-refunds', active: true, created_by: 'system' }]);
    const v3 = json<PolicyJson>(await t.get('/api/policies/v3', t.demo.adminKey));
    expect(v3.source).toBe(ACME_SOURCE);
    expect(v3.ir.version).toBe(3);
    expect(v3.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v3.ir.hash).toBe(v3.hash);
    expect((await policyRecords(t.demo.id)).map((record) => JSON.parse(record.body).action)).toEqual(['publish', 'activate']);
  });

  it('publishes a new version: 201, not live until activated', async () => {
    const response = await publish(V4);
    expect(response.statusCode).toBe(201);
    const body = json<PolicyJson>(response);
    expect(body).toMatchObject({ policy_version: 'v4', version: 4, name: 'acme-refunds', active: false, created: true, diagnostics: [] });
    const decision = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 18000, customer_tenure_days: 400 }));
    expect(decision.decision.policy_version).toBe('v3');
  });

  it('re-publishing the identical policy is a no-op (200, created=false), even reformatted', async () => {
    const before = await t.app.store.ledger.size();
    const same = await publish(V4);
    expect(same.statusCode).toBe(200);
    expect(json<PolicyJson>(same)).toMatchObject({ policy_version: 'v4', created: false });
    const reformatted = await publish(`# a comment that changes nothing\n${V4.replaceAll('  ', '    ')}`);
    expect(reformatted.statusCode).toBe(200);
    expect(json<PolicyJson>(reformatted).created).toBe(false);
    expect(json<PolicyJson>(await t.get('/api/policies/v4', t.demo.adminKey)).source).toBe(V4);
    expect(await t.app.store.ledger.size()).toBe(before);
  });

  it('a version never changes: a different policy under an existing version is a 409', async () => {
    const before = await t.app.store.ledger.size();
    for (const source of [V4.replace('$200', '$210'), ACME_SOURCE.replace('$150', '$151')]) {
      const response = await publish(source);
      expect(response.statusCode, response.body).toBe(409);
      expect(json<ErrorJson>(response).error).toMatchObject({ code: 'policy_version_exists', field: 'source' });
    }
    expect(await t.app.store.ledger.size()).toBe(before);
  });

  it('a policy that does not compile is a 422 with the compiler\'s diagnostics', async () => {
    const response = await publish('policy "x" version 9\nrule a:\n  refunds over $5 require finance_manger\n');
    expect(response.statusCode).toBe(422);
    const error = json<ErrorJson>(response).error;
    expect(error).toMatchObject({ code: 'policy_invalid', field: 'source' });
    expect(error['diagnostics']).toEqual([expect.objectContaining({
      file: 'policy.axiru', line: 3, column: expect.any(Number), endLine: 3, endColumn: expect.any(Number),
      severity: 'error', code: 'AX1003', message: expect.stringContaining('finance_manger'),
    })]);
    expect(error.message).toContain('line 3');
    expect((await t.get('/api/policies/v9', t.demo.adminKey)).statusCode).toBe(404);
  });

  it('validates the publish body', async () => {
    for (const [payload, code, field] of [
      [{}, 'missing_field', 'source'],
      [{ source: 42 }, 'invalid_field', 'source'],
      [{ source: '' }, 'invalid_field', 'source'],
      [{ source: V4, version: 4 }, 'unknown_field', 'version'],
    ] as const) {
      const response = await t.app.inject({ method: 'POST', url: '/api/policies', headers: { authorization: `Bearer ${t.demo.adminKey}` }, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json<ErrorJson>(response).error).toMatchObject({ code, field });
    }
  });

  it('activation makes a version live and seals a policy record; activating again changes nothing', async () => {
    const records = (await policyRecords(t.demo.id)).length;
    const response = await activate('v4');
    expect(response.statusCode).toBe(200);
    expect(json<PolicyJson>(response)).toMatchObject({ policy_version: 'v4', active: true, changed: true });
    const sealed = await policyRecords(t.demo.id);
    expect(sealed).toHaveLength(records + 1);
    expect(JSON.parse(sealed[sealed.length - 1]!.body)).toMatchObject({ action: 'activate', policy_version: 'v4', previous_version: 'v3' });
    expect(sealed[sealed.length - 1]!.actor).toMatch(/^api_key:key_/);

    const decision = json<DecisionJson>(await t.decide({ source: 'support_tool', amount_cents: 18000, customer_tenure_days: 400 }));
    // $180 is under v4's $200 threshold: no rule matches and the default (support_lead) applies.
    expect(decision.decision).toMatchObject({ policy_version: 'v4', matched_rule: null, approver_role: 'support_lead' });

    const again = await activate('v4');
    expect(json<PolicyJson>(again)).toMatchObject({ changed: false, active: true });
    expect(await policyRecords(t.demo.id)).toHaveLength(records + 1);
    const list = json<{ data: PolicyJson[] }>(await t.get('/api/policies', t.demo.adminKey));
    expect(list.data.map((policy) => [policy.policy_version, policy.active])).toEqual([['v3', false], ['v4', true]]);
    // Back to v3 for the other tests.
    expect((await activate('v3')).statusCode).toBe(200);
  });

  it('an unknown version is a 404; a malformed one a 400', async () => {
    expect(json<ErrorJson>(await activate('v99')).error).toMatchObject({ code: 'not_found', field: 'version' });
    for (const bad of ['4', 'v0', 'version4', 'v1234567890']) {
      const response = await t.get(`/api/policies/${bad}`, t.demo.adminKey);
      expect(response.statusCode, bad).toBe(400);
      expect(json<ErrorJson>(response).error.field).toBe('version');
    }
  });

  it('the live policy decides which sources are accepted', async () => {
    const org = await t.addOrg('Support only', { source: 'policy "support-only" version 1\nsources support_tool\nrule small:\n  allow refunds up to $10\n' });
    const response = await t.decide({ source: 'ai_agent', amount_cents: 100 }, { key: org.decisionKey });
    expect(response.statusCode).toBe(400);
    expect(json<ErrorJson>(response).error.message).toContain('allowed sources: support_tool');
  });

  it('an organisation without a live policy answers 409', async () => {
    const { createOrganisation } = await import('../../src/services/organisations.js');
    const created = await t.app.store.transaction((tx) => createOrganisation(tx, { name: 'No policy', defaultCurrency: 'eur' }));
    const response = await t.decide({ source: 'support_tool', amount_cents: 100 }, { key: created.keys.decision });
    expect(response.statusCode).toBe(409);
    expect(json<ErrorJson>(response).error.code).toBe('no_live_policy');
  });
});
