import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FM_REQUEST, addUser, decideExpect, type TestUser } from '../support/people.js';
import { createTestApp, json, type ErrorJson, type TestApp } from '../support/testApp.js';

let t: TestApp;
let admin: TestUser;
let fm: TestUser;
let pending: string;
beforeAll(async () => {
  t = await createTestApp({ webhookPollMs: 0 });
  admin = await addUser(t, ['admin']);
  fm = await addUser(t, ['finance_manager']);
  pending = await decideExpect(t, FM_REQUEST, 'pending_approval');
});
afterAll(async () => {
  await t.close();
});

const ODD_BODIES: Array<string> = [
  '[]', '"text"', '1', '{"unknown":1}', '{"comment":{}}', '{"reason":""}', '{', '{"scope":"org","reason":"\\u0000"}',
  '{"stripe_account":"","reason":"x"}', '{"email":"x","name":"","roles":"admin"}', '{"url":"http://","events":[]}',
  JSON.stringify({ comment: 'x'.repeat(5000) }),
];

describe('the new endpoints never answer 500, whatever the body', () => {
  it('answers every odd body with a 4xx in the API error shape', async () => {
    const routes: Array<[string, string]> = [
      [`/api/intents/${pending}/approve`, fm.key], [`/api/intents/${pending}/deny`, fm.key],
      [`/api/intents/${pending}/hold`, admin.key], [`/api/intents/${pending}/release`, admin.key],
      [`/api/intents/${pending}/executed`, t.demo.decisionKey], ['/api/controls/freezes', admin.key],
      ['/api/controls/kill-switch', admin.key], ['/api/users', admin.key], ['/api/webhooks', admin.key],
      ['/api/intents/%ZZ/approve', fm.key], [`/api/intents/${'x'.repeat(101)}/approve`, fm.key],
    ];
    for (const [url, key] of routes) {
      for (const payload of ODD_BODIES) {
        const response = await t.app.inject({
          method: 'POST', url, payload, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        });
        expect(response.statusCode, `${url} ${payload}: ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, `${url} ${payload}: ${response.body}`).toBeLessThan(500);
        const error = json<ErrorJson>(response).error;
        expect(typeof error.code).toBe('string');
        expect(typeof error.message).toBe('string');
      }
    }
    // Slack callbacks with garbage bodies are refused as unsigned.
    const slack = await t.app.inject({ method: 'POST', url: '/api/slack/interactions', payload: 'payload=%7B', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(slack.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/slack/interactions', payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);
    expect((await t.get(`/api/intents/${pending}`, t.demo.adminKey)).statusCode).toBe(200);
  });
});
