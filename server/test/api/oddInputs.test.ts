import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type ErrorJson, type TestApp } from '../support/testApp.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function expectErrorShape(response: { statusCode: number; body: string }, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  const body = JSON.parse(response.body) as ErrorJson;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).slice(0, 3)).toEqual(['code', 'message', 'field']);
}

describe('odd requests still get the error shape, never a 500', () => {
  it('malformed percent-encoding in the URL', async () => {
    expectErrorShape(await t.get('/api/intents/%E0%A4%A', t.demo.decisionKey), 400);
  });

  it('an over-long path parameter', async () => {
    expectErrorShape(await t.get(`/api/intents/${'a'.repeat(500)}`, t.demo.decisionKey), 404);
  });

  it('a repeated Idempotency-Key header', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/api/decision',
      headers: { authorization: `Bearer ${t.demo.decisionKey}`, 'idempotency-key': ['a', 'b'] },
      payload: { source: 'support_tool', amount_cents: 100 },
    });
    expect(response.statusCode).toBeLessThan(500);
  });

  it('an Authorization header that is not a Bearer token', async () => {
    for (const authorization of ['Bearer', 'Bearer  ', 'Token abc', `Bearer ${t.demo.decisionKey} extra`]) {
      expectErrorShape(await t.app.inject({ method: 'GET', url: '/api/intents', headers: { authorization } }), 401);
    }
  });

  it('a body on a route that takes none, and the activate route with an empty JSON body', async () => {
    const activate = await t.app.inject({
      method: 'POST', url: '/api/policies/v3/activate',
      headers: { authorization: `Bearer ${t.demo.adminKey}`, 'content-type': 'application/json' }, payload: '',
    });
    expect(activate.statusCode).toBe(200);
  });

  it('deeply nested JSON', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await t.app.inject({
      method: 'POST', url: '/api/decision',
      headers: { authorization: `Bearer ${t.demo.decisionKey}`, 'content-type': 'application/json' }, payload: deep,
    });
    expect(response.statusCode).toBeLessThan(500);
  });

  it('unsupported methods on known paths', async () => {
    expectErrorShape(await t.app.inject({ method: 'DELETE', url: '/api/decision' }), 404);
    expectErrorShape(await t.app.inject({ method: 'PUT', url: '/api/policies' }), 404);
  });
});
