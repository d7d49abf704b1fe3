// Single sign-on end to end in Debian's Chromium: the real `axiru serve` process on
// http://127.0.0.1 (trusting the test CA through NODE_EXTRA_CA_CERTS, as production trusts a
// private CA), a real oidc-provider on https://localhost (another site). The sign-in page's
// "Sign in with SSO" goes to the provider's login page and comes back signed in, with roles
// from the provider's groups claim.

import { mkdtempSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './support/findChromium.js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServerProcess, type ServerProcess } from '../../server/test/support/serverProcess.js';
import { makeCerts, startIdentityProvider, type IdentityProvider } from '../../server/test/support/oidc.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];
const STEP_MS = 120_000;

let server: ServerProcess;
let idp: IdentityProvider;
let dir: string;
let context: BrowserContext;
let page: Page;
let adminKey: string;
let orgId: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() as T };
}

async function ssoSignIn(who: string, login: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByLabel('Work email or organisation id').fill(who);
  await page.getByRole('button', { name: 'Continue' }).click();
  // The provider's own page, on its own site.
  await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
  expect(new URL(page.url()).origin).toBe(new URL(idp.issuer).origin);
  await page.getByLabel('Username').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  expect(new URL(page.url()).origin).toBe(server.url);
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  // Signing out of Axiru leaves the provider's own session; the next person signs in there afresh.
  await context.clearCookies({ domain: 'localhost' });
}

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(join(REPO, 'dashboard/dist/index.html'))) throw new Error('dashboard/dist is missing: npm run build -w @axiru/dashboard');
  // One line naming what to install or set when no browser is found (support/findChromium.ts).
  const chromiumPath = findChromium().path;
  dir = mkdtempSync(join(tmpdir(), 'axiru-sso-e2e-'));
  const tls = makeCerts(dir);
  server = await startServerProcess(join(dir, 'data'), 30_000, { NODE_EXTRA_CA_CERTS: tls.caFile });
  adminKey = server.keys['AXIRU_ADMIN_KEY'] ?? '';
  idp = await startIdentityProvider(tls, `${server.url}/api/sso/callback`, {
    alice: { email: 'alice@acme.test', name: 'Alice Finance', groups: ['finance', 'everyone'] },
    bob: { email: 'bob@acme.test', name: 'Bob Nobody', groups: ['everyone'] },
  });
  const org = await api<{ id: string }>('GET', '/api/org');
  orgId = org.json.id;
  const configured = await api('PUT', '/api/org/sso', {
    issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret,
    role_map: { finance: ['finance_manager'] }, email_domains: ['acme.test'],
  });
  expect(configured.status, JSON.stringify(configured.json)).toBe(200);
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    // Chromium does not know the test CA; Axiru's process trusts it through NODE_EXTRA_CA_CERTS.
    executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(30_000);
}, STEP_MS);

afterAll(async () => {
  await context?.close();
  await idp?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });
}, STEP_MS);

describe('single sign-on in a real browser', () => {
  it('signs in from the sign-in page through the provider\'s login, back in the dashboard with roles from groups', async () => {
    await ssoSignIn('alice@acme.test', 'alice');
    await expect.poll(() => page.locator('.who').textContent()).toContain('Alice Finance');
    expect(await page.locator('.who').textContent()).toContain('finance_manager');
    expect(await page.locator('.who').textContent()).toContain('SSO');
    const cookies = await context.cookies(server.url);
    expect(cookies.find((cookie) => cookie.name === 'axiru_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The flow's state cookie was spent on the way back.
    expect(cookies.some((cookie) => cookie.name === 'axiru_sso_state')).toBe(false);
    const session = await page.request.get(`${server.url}/api/session`);
    expect(session.status()).toBe(200);
    expect(await session.json()).toMatchObject({ method: 'sso', user: { email: 'alice@acme.test', roles: ['finance_manager'], sso: { issuer: idp.issuer, subject: 'alice' } } });
    await signOut();
  }, STEP_MS);

  it('signs in by organisation id, and tells a person whose groups map to no role that they can approve nothing', async () => {
    await ssoSignIn(orgId, 'bob');
    await page.getByRole('status').filter({ hasText: 'none of your identity provider groups maps to an Axiru role' }).waitFor();
    await signOut();
  }, STEP_MS);

  it('loses a role removed at the provider at the next sign-in', async () => {
    idp.accounts.get('alice')!.groups = ['everyone'];
    await ssoSignIn('alice@acme.test', 'alice');
    await page.getByRole('status').filter({ hasText: 'cannot approve anything' }).waitFor();
    expect(await page.locator('.who').textContent()).not.toContain('finance_manager');
    await signOut();
  }, STEP_MS);

  it('brings a failed sign-in back to the sign-in page with the reason', async () => {
    await page.goto(`${server.url}/?sso`);
    await page.getByLabel('Work email or organisation id').fill('someone@unknown.test');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('No organisation signs in with single sign-on for this email domain');
  }, STEP_MS);
});
