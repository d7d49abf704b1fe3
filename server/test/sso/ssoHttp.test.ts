import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SEED_REQUEST, tempDir, type TestApp } from '../support/testApp.js';
import {
  CookieJar, makeCerts, startIdentityProvider, startRogueIssuer, trustingFetch, type IdentityProvider, type RogueIssuer, type Tls,
} from '../support/oidc.js';

// Single sign-on over real HTTP: Axiru on http://127.0.0.1 (in-process, listening), the
// identity provider on https://localhost with a throwaway CA: two different sites.

let dir: { path: string; remove: () => void };
let tls: Tls;
let t: TestApp;
let base: string;
let idp: IdentityProvider;
let rogue: RogueIssuer;
let fetchTls: typeof fetch;
const admin = () => ({ authorization: `Bearer ${t.demo.adminKey}`, 'content-type': 'application/json' });

beforeAll(async () => {
  dir = tempDir();
  tls = makeCerts(dir.path);
  fetchTls = trustingFetch(tls);
  t = await createTestApp({ ssoFetch: fetchTls });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  t.app.sso.useBaseUrl(base);
  idp = await startIdentityProvider(tls, `${base}/api/sso/callback`, {
    alice: { email: 'alice@acme.test', name: 'Alice Finance', groups: ['finance', 'staff'] },
    bob: { email: 'bob@acme.test', name: 'Bob Staff', groups: ['staff'] },
    carol: { email: 'carol@acme.test', name: 'Carol Finance', groups: ['finance'] },
  });
  rogue = await startRogueIssuer(tls, idp.clientId);
}, 60_000);

afterAll(async () => {
  await rogue?.close();
  await idp?.close();
  await t?.close();
  dir?.remove();
});

async function configure(body: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${base}/api/org/sso`, {
    method: 'PUT', headers: admin(),
    body: JSON.stringify({
      issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret,
      role_map: { finance: ['finance_manager'], admins: ['admin'] }, ...body,
    }),
  });
}

interface Flow {
  /** The browser's cookies for Axiru (axiru_sso_state, then axiru_session). */
  readonly axiru: CookieJar;
  /** The provider's redirect back to Axiru, with code and state. */
  readonly callbackUrl: string;
}

/** Start at Axiru, sign in at the provider as `login`: the provider's redirect back, not yet followed. */
async function toCallback(login: string, start = `${base}/api/sso/start?org=${t.demo.id}`): Promise<Flow> {
  const axiru = new CookieJar();
  const provider = new CookieJar();
  const started = await fetch(start, { redirect: 'manual' });
  expect(started.status, await started.clone().text()).toBe(302);
  axiru.take(started);
  expect([...axiru.cookies.keys()]).toEqual(['axiru_sso_state']);
  expect(started.headers.getSetCookie()[0]).toMatch(/SameSite=Lax/);
  let location = started.headers.get('location')!;
  const authorize = new URL(location);
  expect(authorize.origin).toBe(new URL(idp.issuer).origin);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${base}/api/sso/callback`);
  for (let hops = 0; hops < 10; hops += 1) {
    const url = new URL(location, idp.issuer);
    if (url.origin === base) return { axiru, callbackUrl: url.href };
    const isLogin = /^\/interaction\/[\w-]+$/.test(url.pathname);
    if (isLogin) {
      const page = await fetchTls(url.href, { headers: { cookie: provider.header() }, redirect: 'manual' });
      provider.take(page);
      expect(await page.text()).toContain('name="login"');
    }
    const response = await fetchTls(url.href, isLogin
      ? { method: 'POST', headers: { cookie: provider.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: `login=${encodeURIComponent(login)}`, redirect: 'manual' }
      : { headers: { cookie: provider.header() }, redirect: 'manual' });
    provider.take(response);
    expect([302, 303], await response.clone().text()).toContain(response.status);
    location = response.headers.get('location')!;
  }
  throw new Error('the provider never redirected back');
}

async function complete(flow: Flow): Promise<Response> {
  const response = await fetch(flow.callbackUrl, { headers: { cookie: flow.axiru.header() }, redirect: 'manual' });
  flow.axiru.take(response);
  return response;
}

async function signIn(login: string): Promise<CookieJar> {
  const flow = await toCallback(login);
  const response = await complete(flow);
  expect(response.status, await response.clone().text()).toBe(302);
  expect(flow.axiru.cookies.has('axiru_session')).toBe(true);
  return flow.axiru;
}

async function session(jar: CookieJar): Promise<Response> {
  return fetch(`${base}/api/session`, { headers: { cookie: jar.header() } });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = await response.json() as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe('single sign-on settings', () => {
  it('PUT stores them, GET shows them without the secret, and each change is sealed with the secret redacted', async () => {
    const put = await configure({ email_domains: ['acme.test'] });
    expect(put.status).toBe(200);
    const view = await put.json() as Record<string, unknown>;
    expect(view).toMatchObject({
      issuer: idp.issuer, client_id: idp.clientId, client_secret_set: true, groups_claim: 'groups', enforce: false,
      role_map: { finance: ['finance_manager'], admins: ['admin'] }, redirect_uri: `${base}/api/sso/callback`,
    });
    expect(JSON.stringify(view)).not.toContain(idp.clientSecret);
    const got = await fetch(`${base}/api/org/sso`, { headers: admin() });
    expect(got.status).toBe(200);
    const text = await got.text();
    expect(text).not.toContain(idp.clientSecret);
    expect(JSON.parse(text)).toEqual(view);

    const exported = await (await fetch(`${base}/api/audit/export`, { headers: admin() })).text();
    expect(exported).toContain('"action":"sso_configured"');
    expect(exported).toContain('"client_secret":"[redacted]"');
    expect(exported).not.toContain(idp.clientSecret);
  });

  it('refuses a role the live policy does not know, an http issuer, and a first configuration without a secret', async () => {
    const badRole = await configure({ role_map: { finance: ['treasurer'] } });
    expect(await errorOf(badRole)).toMatchObject({ status: 400, code: 'invalid_field' });
    const insecure = await configure({ issuer: 'http://idp.example.com' });
    expect(await errorOf(insecure)).toMatchObject({ status: 400, code: 'invalid_field', message: '"issuer" must be an https:// URL (http:// is only allowed for localhost).' });
    const other = await t.addOrg('Other');
    const noSecret = await fetch(`${base}/api/org/sso`, {
      method: 'PUT', headers: { authorization: `Bearer ${other.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ issuer: idp.issuer, client_id: 'x', role_map: {} }),
    });
    expect(await errorOf(noSecret)).toMatchObject({ status: 400, code: 'invalid_field' });
    const decisionKey = await fetch(`${base}/api/org/sso`, { headers: { authorization: `Bearer ${t.demo.decisionKey}` } });
    expect(decisionKey.status).toBe(403);
  });
});

describe('signing in with the identity provider', () => {
  it('creates the user on first sign-in, with roles from groups, and a session that says sso', async () => {
    const jar = await signIn('alice');
    const response = await session(jar);
    expect(response.status).toBe(200);
    const body = await response.json() as { user: { id: string; email: string; roles: string[]; sso: { issuer: string; subject: string } }; method: string; notice: string | null };
    expect(body.method).toBe('sso');
    expect(body.user).toMatchObject({ email: 'alice@acme.test', roles: ['finance_manager'], method: 'sso', sso: { issuer: idp.issuer, subject: 'alice' } });
    expect(body.notice).toBeNull();
    // The same person again is the same user.
    const again = await (await session(await signIn('alice'))).json() as { user: { id: string } };
    expect(again.user.id).toBe(body.user.id);
  });

  it('finds the organisation by work email domain', async () => {
    const flow = await toCallback('carol', `${base}/api/sso/start?email=carol%40acme.test`);
    expect((await complete(flow)).status).toBe(302);
    const unknown = await fetch(`${base}/api/sso/start?email=someone%40nowhere.test`, { redirect: 'manual' });
    expect(await errorOf(unknown)).toMatchObject({ status: 404, code: 'sso_not_configured' });
  });

  it('recomputes roles at every sign-in and cuts the sessions of a user whose roles shrink', async () => {
    idp.accounts.get('carol')!.groups = ['finance'];
    const first = await signIn('carol');
    expect((await (await session(first)).json() as { user: { roles: string[] } }).user.roles).toEqual(['finance_manager']);
    idp.accounts.get('carol')!.groups = ['staff'];
    const second = await signIn('carol');
    const now = await (await session(second)).json() as { user: { roles: string[] }; notice: string };
    expect(now.user.roles).toEqual([]);
    expect(now.notice).toMatch(/none of your identity provider groups maps to an Axiru role, so you cannot approve anything/);
    // The session opened while carol was a finance manager ended at once.
    expect(await errorOf(await session(first))).toMatchObject({ status: 401, code: 'unauthorized' });
    idp.accounts.get('carol')!.groups = ['finance'];
  });

  it('lets an SSO approver approve a refund, sealed with issuer and subject, and refuses self-approval', async () => {
    const jar = await signIn('alice');
    const me = await (await session(jar)).json() as { user: { id: string }; csrf_token: string };
    const decided = await t.decide(SEED_REQUEST);
    const intentId = (decided.json() as { intent_id: string }).intent_id;
    const approve = (id: string) => fetch(`${base}/api/intents/${id}/approve`, {
      method: 'POST', headers: { cookie: jar.header(), 'x-csrf-token': me.csrf_token, 'content-type': 'application/json' }, body: '{}',
    });
    const approved = await approve(intentId);
    expect(approved.status, await approved.clone().text()).toBe(200);
    const records = (await t.app.store.ledger.byIntent(t.demo.id, intentId));
    const approval = records.find((record) => record.kind === 'approval')!;
    expect(approval.actor).toBe(`user:${me.user.id}`);
    expect(JSON.parse(approval.body as unknown as string)).toMatchObject({ user_id: me.user.id, sso: { issuer: idp.issuer, subject: 'alice' } });

    const own = await t.decide({ ...SEED_REQUEST, stripe_charge_id: 'ch_self', requested_by: 'alice@acme.test' });
    const refused = await approve((own.json() as { intent_id: string }).intent_id);
    expect(await errorOf(refused)).toMatchObject({ status: 403, code: 'self_approval' });
  });

  it('signs in a user whose groups map to no role, who is told so and can approve nothing', async () => {
    const jar = await signIn('bob');
    const me = await (await session(jar)).json() as { user: { roles: string[] }; notice: string; csrf_token: string };
    expect(me.user.roles).toEqual([]);
    expect(me.notice).toContain('you cannot approve anything');
    const decided = await t.decide({ ...SEED_REQUEST, stripe_charge_id: 'ch_bob' });
    const refused = await fetch(`${base}/api/intents/${(decided.json() as { intent_id: string }).intent_id}/approve`, {
      method: 'POST', headers: { cookie: jar.header(), 'x-csrf-token': me.csrf_token, 'content-type': 'application/json' }, body: '{}',
    });
    expect(await errorOf(refused)).toMatchObject({ status: 403, code: 'role_insufficient' });
  });
});

describe('sign-in errors are clear and leak nothing', () => {
  it('an unknown organisation and one without SSO get the same answer', async () => {
    const unknown = await errorOf(await fetch(`${base}/api/sso/start?org=org_nope`, { redirect: 'manual' }));
    const other = await t.addOrg('No SSO');
    const without = await errorOf(await fetch(`${base}/api/sso/start?org=${other.id}`, { redirect: 'manual' }));
    expect(unknown).toEqual({ status: 404, code: 'sso_not_configured', message: 'Single sign-on is not set up for this organisation, or no organisation has this id.' });
    expect(without).toEqual(unknown);
    expect(await errorOf(await fetch(`${base}/api/sso/start`, { redirect: 'manual' }))).toMatchObject({ status: 400, code: 'invalid_field' });
  });

  it('an issuer that cannot be reached', async () => {
    const other = await t.addOrg('Unreachable');
    const put = await fetch(`${base}/api/org/sso`, {
      method: 'PUT', headers: { authorization: `Bearer ${other.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ issuer: 'https://localhost:9/realms/gone', client_id: 'c', client_secret: 's3cr3t-value', role_map: {} }),
    });
    expect(put.status).toBe(200);
    const failed = await errorOf(await fetch(`${base}/api/sso/start?org=${other.id}`, { redirect: 'manual' }));
    expect(failed).toMatchObject({ status: 502, code: 'sso_issuer_unreachable' });
    expect(failed.message).toContain('https://localhost:9/realms/gone could not be reached');
    expect(failed.message).not.toMatch(/ECONNREFUSED|s3cr3t/);
  });

  it('a bad state: none, another browser\'s, a made-up one', async () => {
    const flow = await toCallback('alice');
    const withoutCookie = await fetch(flow.callbackUrl, { redirect: 'manual' });
    expect(await errorOf(withoutCookie)).toMatchObject({ status: 400, code: 'sso_state_invalid' });
    const otherBrowser = await fetch(flow.callbackUrl, { headers: { cookie: 'axiru_sso_state=someone-elses' }, redirect: 'manual' });
    expect(await errorOf(otherBrowser)).toMatchObject({ status: 400, code: 'sso_state_invalid' });
    const forged = new URL(flow.callbackUrl);
    forged.searchParams.set('state', 'forged');
    const madeUp = await fetch(forged, { headers: { cookie: 'axiru_sso_state=forged' }, redirect: 'manual' });
    expect(await errorOf(madeUp)).toMatchObject({ status: 400, code: 'sso_state_invalid' });
    // The real browser can still finish (nothing above consumed its state).
    expect((await complete(flow)).status).toBe(302);
    // …once.
    const twice = await fetch(flow.callbackUrl, { headers: { cookie: `axiru_sso_state=${new URL(flow.callbackUrl).searchParams.get('state')}` }, redirect: 'manual' });
    expect(await errorOf(twice)).toMatchObject({ status: 400, code: 'sso_state_invalid' });
  });

  it('a replayed code', async () => {
    const used = await toCallback('alice');
    expect((await complete(used)).status).toBe(302);
    const code = new URL(used.callbackUrl).searchParams.get('code')!;
    // A fresh sign-in in the same browser, answered with the code already redeemed.
    const fresh = await toCallback('alice');
    const replay = new URL(fresh.callbackUrl);
    replay.searchParams.set('code', code);
    const response = await fetch(replay, { headers: { cookie: fresh.axiru.header() }, redirect: 'manual' });
    const error = await errorOf(response);
    expect(error).toMatchObject({ status: 400, code: 'sso_code_invalid' });
    expect(error.message).toContain('it was already used, has expired, or belongs to another sign-in');
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('axiru_session='))).toBe(false);
  });

  it('an ID token for another audience, and an expired one', async () => {
    const other = await t.addOrg('Rogue');
    const put = await fetch(`${base}/api/org/sso`, {
      method: 'PUT', headers: { authorization: `Bearer ${other.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ issuer: rogue.issuer, client_id: idp.clientId, client_secret: 'rogue-secret', role_map: { finance: ['finance_manager'] } }),
    });
    expect(put.status).toBe(200);
    const attempt = async () => {
      const jar = new CookieJar();
      const started = await fetch(`${base}/api/sso/start?org=${other.id}`, { redirect: 'manual' });
      jar.take(started);
      const back = await fetchTls(started.headers.get('location')!, { redirect: 'manual' });
      const response = await fetch(back.headers.get('location')!, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.take(response);
      return { response, jar };
    };
    rogue.token = { aud: 'some-other-client' };
    const wrongAudience = await attempt();
    expect(await errorOf(wrongAudience.response)).toEqual({
      status: 400, code: 'sso_token_invalid',
      message: 'The identity provider\'s ID token was issued for another application (its audience is not this organisation\'s client_id); you were not signed in.',
    });
    rogue.token = { expired: true };
    const expired = await attempt();
    expect(await errorOf(expired.response)).toMatchObject({ status: 400, code: 'sso_token_expired' });
    // The same issuer with a good token signs in: the refusals above were about the tokens.
    rogue.token = {};
    const good = await attempt();
    expect(good.response.status).toBe(302);
    expect(good.jar.cookies.has('axiru_session')).toBe(true);
  });
});

describe('enforce', () => {
  it('refuses password sign-in and invites for the organisation, while admin keys keep working', async () => {
    const org = await t.addOrg('Enforced');
    const headers = { authorization: `Bearer ${org.adminKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/users`, { method: 'POST', headers, body: JSON.stringify({ email: 'pat@enforced.test', name: 'Pat', roles: [] }) });
    expect(created.status).toBe(201);
    const userId = (await created.json() as { user: { id: string } }).user.id;
    await t.app.sessions.setPassword(org.id, userId, 'a long enough password 123');
    const signInWithPassword = () => fetch(`${base}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pat@enforced.test', password: 'a long enough password 123' }),
    });
    expect((await signInWithPassword()).status).toBe(200);
    const put = await fetch(`${base}/api/org/sso`, {
      method: 'PUT', headers,
      body: JSON.stringify({ issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret, role_map: {}, enforce: true }),
    });
    expect(put.status).toBe(200);
    expect(await errorOf(await signInWithPassword())).toEqual({ status: 403, code: 'sso_required', message: 'Your organisation signs in with single sign-on only; use "Sign in with SSO".' });
    const invite = await fetch(`${base}/api/users/${userId}/invite`, { method: 'POST', headers, body: '{}' });
    expect(await errorOf(invite)).toMatchObject({ status: 409, code: 'sso_enforced' });
    expect((await fetch(`${base}/api/org/sso`, { headers })).status).toBe(200);
    expect((await fetch(`${base}/api/users`, { headers })).status).toBe(200);
    // A wrong password still gets the usual answer: enforce reveals nothing about who exists.
    const wrong = await fetch(`${base}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pat@enforced.test', password: 'not the password at all' }),
    });
    expect(await errorOf(wrong)).toMatchObject({ status: 401, code: 'invalid_credentials' });

    const removed = await fetch(`${base}/api/org/sso`, { method: 'DELETE', headers });
    expect(removed.status).toBe(200);
    expect((await signInWithPassword()).status).toBe(200);
    expect(await errorOf(await fetch(`${base}/api/org/sso`, { headers }))).toMatchObject({ status: 404, code: 'not_found' });
    const exported = await (await fetch(`${base}/api/audit/export`, { headers })).text();
    expect(exported).toContain('"action":"sso_removed"');
    expect(exported).not.toContain(idp.clientSecret);
  });
});
