import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { hashApiKey } from '../../src/services/apiKeys.js';
import { DEMO_EMAIL } from '../../src/services/bootstrap.js';
import { hashPassword, verifyPassword } from '../../src/services/passwords.js';
import { addUser, FM_REQUEST, decideExpect, type TestUser } from '../support/people.js';
import { createTestApp, json, type ErrorJson, type TestApp } from '../support/testApp.js';

const PASSWORD = 'correct horse battery staple';

interface SessionJson {
  user: { id: string; email: string; name: string; roles: string[] };
  org: { id: string; name: string };
  csrf_token: string;
  method: string;
}

let t: TestApp;
let admin: TestUser;
let finance: TestUser;

function signIn(email: string, password: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
}

async function session(user: TestUser): Promise<{ cookie: string; csrf: string }> {
  const response = await signIn(user.email, PASSWORD);
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'axiru_session');
  return { cookie: cookie!.value, csrf: json<SessionJson>(response).csrf_token };
}

function withCookie(method: 'GET' | 'POST' | 'DELETE', url: string, cookie: string, headers: Record<string, string> = {}, payload?: unknown) {
  return t.app.inject({
    method, url, cookies: { axiru_session: cookie }, headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await addUser(t, ['admin', 'finance_manager']);
  finance = await addUser(t, ['finance_manager']);
  await t.app.sessions.setPassword(t.demo.id, admin.id, PASSWORD);
  await t.app.sessions.setPassword(t.demo.id, finance.id, PASSWORD);
});

afterAll(async () => {
  await t.close();
});

describe('passwords', () => {
  it('are scrypt hashes with a per-password salt and their parameters', async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);
    expect(first).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword(PASSWORD, first)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, first)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$broken')).toBe(false);
  });

  it('the demo organisation has a demo admin with a password', async () => {
    const [demo] = await t.app.store.sessions.credentialsByEmail(DEMO_EMAIL);
    expect(demo?.user.roles).toEqual(['admin', 'finance_manager']);
    expect(demo?.password_hash).toMatch(/^scrypt\$/);
  });
});

describe('POST /api/session', () => {
  it('sets an HTTP-only SameSite=Strict cookie and answers the user, org and CSRF token', async () => {
    const response = await signIn(admin.email.toUpperCase(), PASSWORD);
    expect(response.statusCode, response.body).toBe(200);
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^axiru_session=[A-Za-z0-9_-]{43};/);
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Path=/');
    const body = json<SessionJson>(response);
    expect(body.user).toEqual({ id: admin.id, email: admin.email, name: expect.any(String), roles: ['admin', 'finance_manager'], method: 'password', sso: null });
    expect(body.method).toBe('password');
    expect(body.org).toEqual({ id: t.demo.id, name: 'Demo org' });
    expect(body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const cookie = response.cookies.find((c) => c.name === 'axiru_session')!.value;
    // Stored only as its SHA-256.
    const stored = await t.app.store.sessions.get(hashApiKey(cookie));
    expect(stored?.user_id).toBe(admin.id);
    expect(JSON.stringify(stored)).not.toContain(cookie);
    const again = await withCookie('GET', '/api/session', cookie);
    expect(again.statusCode, again.body).toBe(200);
    expect(json<SessionJson>(again)).toEqual(body);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await signIn(admin.email, 'not the password at all');
    const unknown = await signIn('nobody@example.com', PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(json<ErrorJson>(wrong).error.code).toBe('invalid_credentials');
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a user without a password, and malformed bodies by field', async () => {
    const nopass = await addUser(t, ['support_lead']);
    expect((await signIn(nopass.email, PASSWORD)).statusCode).toBe(401);
    const extra = await t.app.inject({ method: 'POST', url: '/api/session', payload: { email: admin.email, password: PASSWORD, remember: true } });
    expect(extra.statusCode).toBe(400);
    expect(extra.body).toContain('remember');
    const missing = await t.app.inject({ method: 'POST', url: '/api/session', payload: { email: admin.email } });
    expect(missing.statusCode).toBe(400);
    expect(json<ErrorJson>(missing).error.field).toBe('password');
  });
});

describe('sign-in throttling', () => {
  it('locks an account after 5 wrong passwords, the same way for an unknown email, then doubles the lock', async () => {
    const locked = await addUser(t, ['finance_manager']);
    await t.app.sessions.setPassword(t.demo.id, locked.id, PASSWORD);
    for (const email of [locked.email, 'nobody-here@example.test']) {
      for (let attempt = 0; attempt < 5; attempt += 1) expect((await signIn(email, 'wrong password!')).statusCode).toBe(401);
      const refused = await signIn(email, email === locked.email ? PASSWORD : 'wrong password!');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('60');
      expect(json<ErrorJson>(refused).error).toMatchObject({ code: 'too_many_attempts', retry_after_seconds: 60 });
    }
    // The next run of failures after the lock locks twice as long.
    t.now = new Date(t.now.getTime() + 60_000);
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await signIn(locked.email, 'wrong password!')).statusCode).toBe(401);
    expect((await signIn(locked.email, PASSWORD)).headers['retry-after']).toBe('120');
    // The right password works once the lock is over, and clears the count and the doubling.
    t.now = new Date(t.now.getTime() + 120_000);
    expect((await signIn(locked.email, PASSWORD)).statusCode).toBe(200);
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await signIn(locked.email, 'wrong password!')).statusCode).toBe(401);
    expect((await signIn(locked.email, PASSWORD)).headers['retry-after']).toBe('60');
    t.now = new Date(t.now.getTime() + 60_000);
    // Other accounts were never affected.
    expect((await signIn(finance.email, PASSWORD)).statusCode).toBe(200);
  });
});

describe('a session cookie', () => {
  it('needs the CSRF token to change anything, and nothing changes without it', async () => {
    const { cookie, csrf } = await session(admin);
    const body = { scope: 'org', reason: 'incident 42' };
    const missing = await withCookie('POST', '/api/controls/kill-switch', cookie, {}, body);
    expect(missing.statusCode).toBe(403);
    expect(json<ErrorJson>(missing).error).toMatchObject({ code: 'csrf_token_invalid', field: 'x-csrf-token' });
    const wrong = await withCookie('POST', '/api/controls/kill-switch', cookie, { 'x-csrf-token': csrf.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, body);
    expect(wrong.statusCode).toBe(403);
    const controls = await withCookie('GET', '/api/controls', cookie);
    expect(json<{ kill_switches: unknown[] }>(controls).kill_switches).toEqual([]);

    const on = await withCookie('POST', '/api/controls/kill-switch', cookie, { 'x-csrf-token': csrf }, body);
    expect(on.statusCode, on.body).toBe(201);
    expect(json<{ control: { actor: string } }>(on).control.actor).toBe(`user:${admin.id}`);
    const off = await withCookie('DELETE', '/api/controls/kill-switch/org', cookie, { 'x-csrf-token': csrf });
    expect(off.statusCode, off.body).toBe(200);
  });

  it('authenticates as a user (admin only with the admin role) and approves as that user', async () => {
    const { cookie, csrf } = await session(finance);
    const freeze = await withCookie('POST', '/api/controls/freezes', cookie, { 'x-csrf-token': csrf }, { stripe_account: 'acct_1', reason: 'r' });
    expect(freeze.statusCode).toBe(403);
    expect(json<ErrorJson>(freeze).error.code).toBe('forbidden');
    const id = await decideExpect(t, FM_REQUEST, 'pending_approval');
    const approved = await withCookie('POST', `/api/intents/${id}/approve`, cookie, { 'x-csrf-token': csrf }, { comment: 'ok' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(json<{ status: string }>(approved).status).toBe('approved');
    const record = (await t.get(`/api/intents/${id}`, t.demo.adminKey));
    expect(record.body).toContain(`user:${finance.id}`);
  });

  it('leaves API keys unchanged, even beside a cookie', async () => {
    const { cookie } = await session(finance);
    const byKey = await t.app.inject({ method: 'GET', url: '/api/users', cookies: { axiru_session: cookie }, headers: { authorization: `Bearer ${t.demo.adminKey}` } });
    expect(byKey.statusCode).toBe(200);
    const garbage = await withCookie('GET', '/api/controls', 'not-a-session');
    expect(garbage.statusCode).toBe(401);
  });

  it('expires after 12 hours unused, and 7 days after sign-in however much it is used', async () => {
    const idle = await session(finance);
    t.now = new Date(t.now.getTime() + 11 * 3_600_000);
    expect((await withCookie('GET', '/api/session', idle.cookie)).statusCode).toBe(200);
    t.now = new Date(t.now.getTime() + 12 * 3_600_000 + 1000);
    const expired = await withCookie('GET', '/api/session', idle.cookie);
    expect(expired.statusCode).toBe(401);
    expect(json<ErrorJson>(expired).error.code).toBe('unauthorized');

    const busy = await session(finance);
    for (let hours = 0; hours < 7 * 24 - 11; hours += 11) {
      t.now = new Date(t.now.getTime() + 11 * 3_600_000);
      expect((await withCookie('GET', '/api/controls', busy.cookie)).statusCode).toBe(200);
    }
    t.now = new Date(t.now.getTime() + 11 * 3_600_000);
    expect((await withCookie('GET', '/api/controls', busy.cookie)).statusCode).toBe(401);
  });

  it('ends at sign-out (which needs the CSRF token too)', async () => {
    const { cookie, csrf } = await session(admin);
    expect((await withCookie('DELETE', '/api/session', cookie)).statusCode).toBe(403);
    const out = await withCookie('DELETE', '/api/session', cookie, { 'x-csrf-token': csrf });
    expect(out.statusCode, out.body).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^axiru_session=;/);
    expect((await withCookie('GET', '/api/session', cookie)).statusCode).toBe(401);
  });
});

describe('invites', () => {
  it('let a new user set a password once and sign in', async () => {
    const newcomer = await addUser(t, ['support_lead']);
    const refused = await t.app.inject({ method: 'POST', url: `/api/users/${newcomer.id}/invite`, headers: { authorization: `Bearer ${finance.key}` } });
    expect(refused.statusCode).toBe(403);
    const created = await t.app.inject({ method: 'POST', url: `/api/users/${newcomer.id}/invite`, headers: { authorization: `Bearer ${t.demo.adminKey}` } });
    expect(created.statusCode, created.body).toBe(201);
    const { url } = json<{ url: string }>(created);
    expect(url).toMatch(/^http:\/\/localhost(:\d+)?\/invite#[0-9A-Za-z]{43}$/);
    const token = url.split('#')[1]!;

    const short = await t.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(json<ErrorJson>(short).error.field).toBe('password');
    const accepted = await t.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, password: PASSWORD } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json<SessionJson>(accepted).user.id).toBe(newcomer.id);
    expect(accepted.cookies.some((c) => c.name === 'axiru_session')).toBe(true);
    const reused = await t.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, password: `${PASSWORD}2` } });
    expect(reused.statusCode).toBe(404);
    expect(json<ErrorJson>(reused).error.code).toBe('invite_invalid');
    expect((await signIn(newcomer.email, PASSWORD)).statusCode).toBe(200);
    expect((await signIn(newcomer.email, `${PASSWORD}2`)).statusCode).toBe(401);
  });

  it('expire after 7 days; a foreign user is not found', async () => {
    const other = await t.addOrg('Other org');
    const stranger = await addUser(t, [], { adminKey: other.adminKey });
    const foreign = await t.app.inject({ method: 'POST', url: `/api/users/${stranger.id}/invite`, headers: { authorization: `Bearer ${t.demo.adminKey}` } });
    expect(foreign.statusCode).toBe(404);
    const late = await addUser(t, []);
    const created = await t.app.inject({ method: 'POST', url: `/api/users/${late.id}/invite`, headers: { authorization: `Bearer ${t.demo.adminKey}` } });
    const token = json<{ url: string }>(created).url.split('#')[1]!;
    t.now = new Date(t.now.getTime() + 7 * 24 * 3_600_000);
    const expired = await t.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, password: PASSWORD } });
    expect(expired.statusCode).toBe(404);
  });
});
