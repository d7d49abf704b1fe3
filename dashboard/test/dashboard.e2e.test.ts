// The dashboard end to end: the real `axiru serve` process (built dist, fresh data folder, a
// loopback port) driven by Chromium (or Chrome; support/findChromium.ts says which) through
// playwright-core. Each step acts in the browser and checks the result both on the page and,
// where it matters, through the API.
// Screenshots of every main view go to artifacts/screenshots/ (git-ignored, kept by CI).

import { existsSync, readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, SERVER_READY_MS, startServerProcess, type ServerProcess } from '../../server/test/support/serverProcess.js';
import { findChromium } from './support/findChromium.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = join(REPO, 'artifacts', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];
/** A guard against a hang, not a speed requirement: every step waits for what it needs. */
const STEP_MS = 300_000;

// Set by beforeAll one after the other: when a step fails (no browser, no build), the later ones
// stay undefined and afterAll cleans up only what exists.
let server: ServerProcess;
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let demo: { email: string; password: string; decisionKey: string; adminKey: string; userId: string };
let finance: { email: string; password: string; id: string; key: string };

async function callApi<T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T };
}

interface DecisionJson { decision: { outcome: string; reason: string }; intent_id: string }

async function decide(body: Record<string, unknown>): Promise<DecisionJson> {
  const { status, json } = await callApi<DecisionJson>('POST', '/api/decision', demo.decisionKey, body);
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function signIn(email: string, password: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

async function go(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

beforeAll(async () => {
  const chromiumPath = findChromium().path;
  assertBuilt();
  if (!existsSync(join(REPO, 'dashboard/dist/index.html'))) throw new Error('dashboard/dist is missing: npm run build -w @axiru/dashboard');
  mkdirSync(SCREENSHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'axiru-e2e-data-'));
  profileDir = mkdtempSync(join(tmpdir(), 'axiru-e2e-chromium-'));
  // A checkpoint every record (signed within a second), so an intent page can show its proof.
  server = await startServerProcess(dataDir, SERVER_READY_MS, { AXIRU_AUDIT_CHECKPOINT_RECORDS: '1' });
  const keys = server.keys;
  demo = {
    email: keys['AXIRU_DEMO_EMAIL'] ?? '', password: keys['AXIRU_DEMO_PASSWORD'] ?? '',
    decisionKey: keys['AXIRU_DECISION_KEY'] ?? '', adminKey: keys['AXIRU_ADMIN_KEY'] ?? '', userId: '',
  };
  expect(demo.email).toMatch(/@/);
  expect(demo.password.length).toBeGreaterThanOrEqual(12);
  const users = await callApi<{ data: Array<{ id: string; email: string }> }>('GET', '/api/users', demo.adminKey);
  demo.userId = users.json.data.find((u) => u.email === demo.email)?.id ?? '';
  expect(demo.userId).toMatch(/^usr_/);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(60_000);
}, STEP_MS);

afterAll(async () => {
  if (context) await context.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  for (const dir of [dataDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, STEP_MS);

describe('the dashboard in a real browser', () => {
  it('refuses a wrong password in place, then signs in with the printed demo credentials', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(demo.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('email or password is not right');
    await shot('01-login');
    await signIn(demo.email, demo.password);
    await expect.poll(() => page.locator('.who').textContent()).toContain('Demo admin');
    const cookies = await context.cookies(server.url);
    const session = cookies.find((c) => c.name === 'axiru_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
  }, STEP_MS);

  it('shows a decision in the ledger live, as soon as POST /api/decision answers', async () => {
    await go('Ledger');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const decided = await decide({ source: 'support_tool', amount_cents: 4200, customer_tenure_days: 400, customer_id: 'cus_live', stripe_charge_id: 'ch_live' });
    expect(decided.decision.outcome).toBe('allow');
    const row = page.locator(`tr[data-intent="${decided.intent_id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('$42.00');
    expect(await row.textContent()).toContain('cus_live');
    await shot('02-ledger');
    // An amount range is filtered by the API, in the organisation's currency.
    const small = await decide({ source: 'support_tool', amount_cents: 900, customer_tenure_days: 400, customer_id: 'cus_small' });
    await page.locator(`tr[data-intent="${small.intent_id}"]`).waitFor();
    await page.getByLabel('Min amount').fill('40');
    await page.getByLabel('Max amount').fill('42');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('tr[data-intent]').count()).toBe(1);
    expect(await page.locator(`tr[data-intent="${decided.intent_id}"]`).count()).toBe(1);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator(`tr[data-intent="${small.intent_id}"]`).waitFor();
  }, STEP_MS);

  it('lets a finance user set a password from an invite and approve a pending refund, and the intent changes', async () => {
    const created = await callApi<{ user: { id: string }; key: string }>('POST', '/api/users', demo.adminKey, {
      email: 'fran@example.com', name: 'Fran Finance', roles: ['finance_manager'],
    });
    expect(created.status).toBe(201);
    finance = { email: 'fran@example.com', password: 'a long finance password', id: created.json.user.id, key: created.json.key };
    // The demo admin asks for the refund, so it is not theirs to approve.
    const pending = await decide({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 400, customer_id: 'cus_pending', stripe_charge_id: 'ch_pending', requested_by: demo.userId });
    expect(pending.decision.outcome).toBe('pending_approval');

    // The requester sees the request but cannot act, with the reason.
    await go('Approvals');
    await page.getByLabel(/Show requests I cannot act on/).check();
    const own = page.locator('.approval').filter({ hasText: '$220.00' });
    await own.getByText('You requested this refund').waitFor();
    expect(await own.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    await shot('03-approvals-own-request');

    const invite = await callApi<{ url: string }>('POST', `/api/users/${finance.id}/invite`, demo.adminKey);
    expect(invite.status).toBe(201);
    await signOut();
    await page.goto(invite.json.url);
    await page.getByLabel('New password').fill(finance.password);
    await page.getByLabel('Repeat it').fill(finance.password);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect.poll(() => page.locator('.who').textContent()).toContain('Fran Finance');

    await go('Approvals');
    const card = page.locator('.approval').filter({ hasText: '$220.00' });
    await card.waitFor();
    expect(await card.textContent()).toContain('ch_pending');
    await shot('04-approvals');
    await card.getByRole('link', { name: 'Full record' }).click();
    await page.getByRole('heading', { name: 'Refund request' }).waitFor();
    expect(await page.locator('[data-status]').first().getAttribute('data-status')).toBe('pending_approval');
    await page.getByLabel(/Comment/).fill('Duplicate charge confirmed with the customer');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('approved');
    await page.getByText('Duplicate charge confirmed with the customer').waitFor();
    // The decision record's inclusion proof, checked by the page itself against the checkpoint.
    await expect.poll(async () => {
      const note = await page.getByTestId('inclusion').textContent();
      if (note?.startsWith('not in a signed checkpoint')) await page.getByRole('button', { name: 'Check again' }).click();
      return note;
    }).toMatch(/^✓ in signed checkpoint of \d+ records/);
    await shot('05-intent-approved');
    const record = await callApi<{ status: string }>('GET', `/api/intents/${pending.intent_id}`, demo.adminKey);
    expect(record.json.status).toBe('approved');
  }, STEP_MS);

  it('refuses to let the requester approve their own refund, server side too', async () => {
    const own = await decide({ source: 'support_tool', amount_cents: 30000, customer_tenure_days: 400, stripe_charge_id: 'ch_own', requested_by: finance.id });
    await page.goto(`${server.url}/intents/${own.intent_id}`);
    await page.getByText('You requested this refund').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    // The button is only a hint: the server refuses the same action on its own.
    const attempt = await callApi<{ error: { code: string } }>('POST', `/api/intents/${own.intent_id}/approve`, finance.key, {});
    expect(attempt.status).toBe(403);
    expect(attempt.json.error.code).toBe('self_approval');
    await signOut();
  }, STEP_MS);

  it('flips the kill switch behind a confirmation with a reason, and the next decision is blocked', async () => {
    await signIn(demo.email, demo.password);
    await go('Controls');
    await page.getByLabel('Reason', { exact: true }).first().fill('Refund bot incident 42');
    await page.getByRole('button', { name: 'Turn kill switch on…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Turn the kill switch on?' });
    await dialog.getByText('Refund bot incident 42').waitFor();
    await dialog.getByRole('button', { name: 'Yes, stop these refunds' }).click();
    const on = page.getByRole('list', { name: 'Kill switches on' });
    await on.getByText('Refund bot incident 42').waitFor();
    expect(await on.textContent()).toContain('Demo admin');
    await page.locator('.banner').waitFor();
    await shot('06-controls-kill-switch');

    const blocked = await decide({ source: 'support_tool', amount_cents: 1000, customer_tenure_days: 400, customer_id: 'cus_killed' });
    expect(blocked.decision.outcome).toBe('block');
    expect(blocked.decision.reason).toContain('Refund bot incident 42');
    await go('Ledger');
    const row = page.locator(`tr[data-intent="${blocked.intent_id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Block');

    await go('Controls');
    await on.getByRole('button', { name: 'Turn off' }).click();
    await page.getByText('Off — refunds flow under the live policy.').waitFor();
    expect((await decide({ source: 'support_tool', amount_cents: 1000, customer_tenure_days: 400 })).decision.outcome).toBe('allow');
  }, STEP_MS);

  it('freezes and unfreezes a merchant', async () => {
    await page.getByLabel('Stripe account').fill('acct_e2e_frozen');
    await page.getByLabel('Reason', { exact: true }).nth(1).fill('Chargeback spike under review');
    await page.getByRole('button', { name: 'Freeze merchant' }).click();
    const frozen = page.getByRole('list', { name: 'Frozen merchants' });
    await frozen.getByText('acct_e2e_frozen').waitFor();
    expect(await frozen.textContent()).toContain('Chargeback spike under review');
    await shot('07-controls-freeze');
    const refused = await decide({ source: 'support_tool', amount_cents: 1000, customer_tenure_days: 400, stripe_account: 'acct_e2e_frozen' });
    expect(refused.decision.outcome).toBe('block');
    const elsewhere = await decide({ source: 'support_tool', amount_cents: 1000, customer_tenure_days: 400, stripe_account: 'acct_e2e_other' });
    expect(elsewhere.decision.outcome).toBe('allow');

    await frozen.getByRole('button', { name: 'Unfreeze' }).click();
    await page.getByText('No merchant is frozen').waitFor();
    const after = await decide({ source: 'support_tool', amount_cents: 1000, customer_tenure_days: 400, stripe_account: 'acct_e2e_frozen' });
    expect(after.decision.outcome).toBe('allow');
  }, STEP_MS);

  it('uploads a small history, shows progress and reads its numbers', async () => {
    await go('Replay');
    const csv = [
      'id,Created (UTC),Amount,Currency,Charge ID,Customer ID,Status',
      're_e2e_1,2026-03-01 10:00:00,40.00,usd,ch_e1,cus_e1,succeeded',
      're_e2e_2,2026-03-02 10:00:00,220.00,usd,ch_e2,cus_e2,succeeded',
      're_e2e_3,2026-03-03 10:00:00,3000.00,usd,ch_e3,cus_e3,succeeded',
    ].join('\n');
    await page.getByLabel('History file').setInputFiles({ name: 'refunds-march.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel('Format').selectOption('refunds');
    await page.getByRole('button', { name: 'Upload and replay' }).click();
    const numbers = page.getByTestId('replay-numbers');
    await numbers.waitFor();
    await page.getByText('3 refunds from').waitFor();
    expect(await numbers.textContent()).toContain('$3,260.00');
    await shot('08-replay-report');
    await go('Replay');
    await page.getByRole('link', { name: 'refunds-march.csv' }).waitFor();
    expect(await page.locator('.list').textContent()).toMatch(/history deleted on/);
  }, STEP_MS);

  it('shows the overview, policies and audit views (screenshots), also at phone width', async () => {
    await go('Overview');
    await page.getByRole('heading', { name: 'Decisions over time' }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await shot('09-overview');
    await go('Policies');
    await page.locator('pre.source .tok-keyword').first().waitFor();
    expect(await page.locator('pre.source').textContent()).toContain('rule high_value_refund_review');
    await shot('10-policies');
    await go('Audit');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByText(/The chain is intact/).waitFor();
    // The bundle link downloads, with the session cookie, a bundle ending at a signed checkpoint.
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download audit bundle' }).click();
    const bundlePath = await (await download).path();
    const bundleLines = readFileSync(bundlePath, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(bundleLines[0]!)).toMatchObject({ type: 'axiru-audit-bundle', version: 1 });
    expect(JSON.parse(bundleLines.at(-1)!)).toMatchObject({ type: 'checkpoint' });
    await shot('11-audit');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menu' }).click();
    await go('Ledger');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await shot('12-ledger-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, STEP_MS);
});
