import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, post } from '../support/people.js';
import { createTestApp, json, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

let t: TestApp;
let other: TestOrg;
beforeAll(async () => {
  t = await createTestApp();
  other = await t.addOrg('Other org');
});
afterAll(async () => {
  await t.close();
});

describe('users', () => {
  it('creates a user with a personal key shown once and stored hashed', async () => {
    const response = await post(t, '/api/users', t.demo.adminKey,
      { email: 'Ana@Example.com', name: 'Ana', roles: ['finance_manager'], slack_user_id: 'U111' });
    expect(response.statusCode, response.body).toBe(201);
    const body = json<{ user: Record<string, unknown>; key: string }>(response);
    expect(body.key).toMatch(/^sk_user_[0-9A-Za-z]{43}$/);
    expect(body.user).toMatchObject({ email: 'ana@example.com', name: 'Ana', roles: ['finance_manager'], slack_user_id: 'U111', disabled_at: null });
    expect(String(body.user['id'])).toMatch(/^usr_/);
    const stored = await t.app.store.users.get(t.demo.id, String(body.user['id']));
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(body.key);
    const listed = await t.get('/api/users', t.demo.adminKey);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(body.key);
    expect(listed.body).not.toContain('key_hash');
  });

  it('refuses unknown roles, repeated emails and bad fields', async () => {
    const unknown = await post(t, '/api/users', t.demo.adminKey, { email: 'x@example.com', name: 'X', roles: ['treasurer'] });
    expect(unknown.statusCode).toBe(400);
    expect(json<ErrorJson>(unknown).error).toMatchObject({ code: 'invalid_field', field: 'roles.0' });
    expect(json<ErrorJson>(unknown).error.message).toContain('cfo, finance_manager, support_lead');
    await post(t, '/api/users', t.demo.adminKey, { email: 'dup@example.com', name: 'D', roles: [] });
    const dup = await post(t, '/api/users', t.demo.adminKey, { email: 'DUP@example.com', name: 'D', roles: [] });
    expect(dup.statusCode).toBe(409);
    expect(json<ErrorJson>(dup).error.code).toBe('user_exists');
    const extra = await post(t, '/api/users', t.demo.adminKey, { email: 'e@example.com', name: 'E', roles: [], password: 'x' });
    expect(extra.statusCode).toBe(400);
  });

  it('only admin keys and admin users manage users', async () => {
    const decision = await post(t, '/api/users', t.demo.decisionKey, { email: 'a@b.c', name: 'A', roles: [] });
    expect(decision.statusCode).toBe(403);
    expect(json<ErrorJson>(decision).error).toEqual({ code: 'forbidden', message: 'This endpoint needs an admin key or a user with the admin role.', field: null });
    const lead = await addUser(t, ['support_lead']);
    expect((await post(t, '/api/users', lead.key, { email: 'b@b.c', name: 'B', roles: [] })).statusCode).toBe(403);
    const admin = await addUser(t, ['admin']);
    expect((await post(t, '/api/users', admin.key, { email: 'c@b.c', name: 'C', roles: ['cfo'] })).statusCode).toBe(201);
    expect((await t.get('/api/users', 'sk_user_' + 'a'.repeat(43))).statusCode).toBe(401);
  });

  it('disabling a user stops their key at once; foreign ids do not exist', async () => {
    const user = await addUser(t, ['finance_manager']);
    expect((await t.get('/api/approvals', user.key)).statusCode).toBe(200);
    expect((await post(t, `/api/users/${user.id}/disable`, other.adminKey)).statusCode).toBe(404);
    const disabled = await post(t, `/api/users/${user.id}/disable`, t.demo.adminKey);
    expect(disabled.statusCode).toBe(200);
    expect(json<{ changed: boolean }>(disabled).changed).toBe(true);
    const after = await t.get('/api/approvals', user.key);
    expect(after.statusCode).toBe(401);
    expect(json<ErrorJson>(after).error.code).toBe('unauthorized');
    const otherList = await t.get('/api/users', other.adminKey);
    expect(otherList.body).not.toContain(user.id);
  });
});
