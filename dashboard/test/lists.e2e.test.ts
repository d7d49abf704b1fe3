// The Lists view and the Controls view's automatic breakers, end to end: the real `axiru serve`
// process on a loopback port driven by Chromium through playwright-core. Each step acts in the
// browser and checks the result on the page and through the API.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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

let server: ServerProcess;
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let keys: { email: string; password: string; decisionKey: string; adminKey: string };

async function callApi<T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T };
}

interface DecisionJson { decision: { outcome: string; matched_rule: string | null }; intent_id: string }

async function decide(body: Record<string, unknown>): Promise<DecisionJson> {
  const { status, json } = await callApi<DecisionJson>('POST', '/api/decision', keys.decisionKey, body);
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
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
  dataDir = mkdtempSync(join(tmpdir(), 'axiru-e2e-lists-'));
  profileDir = mkdtempSync(join(tmpdir(), 'axiru-e2e-lists-chromium-'));
  server = await startServerProcess(dataDir, SERVER_READY_MS);
  keys = {
    email: server.keys['AXIRU_DEMO_EMAIL'] ?? '', password: server.keys['AXIRU_DEMO_PASSWORD'] ?? '',
    decisionKey: server.keys['AXIRU_DECISION_KEY'] ?? '', adminKey: server.keys['AXIRU_ADMIN_KEY'] ?? '',
  };
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${server.url}/`);
  await page.getByLabel('Email').fill(keys.email);
  await page.getByLabel('Password').fill(keys.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}, STEP_MS);

afterAll(async () => {
  if (context) await context.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  for (const dir of [dataDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, STEP_MS);

describe('lists and automatic breakers in a real browser', () => {
  it('creates a list, adds and removes values, and shows the sealed history', async () => {
    await go('Lists');
    await page.getByText('No lists yet').waitFor();
    await page.getByLabel('New list name').fill('vip_customers');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByText('This list is empty').waitFor();

    await page.getByLabel('Add values (one a line, or separated by commas)').fill('cus_gold, cus_silver\ncus_bronze');
    await page.getByRole('button', { name: 'Add to list' }).click();
    const values = page.getByRole('list', { name: 'Values of vip_customers' });
    await values.getByText('cus_silver').waitFor();
    expect(await values.getByRole('listitem').count()).toBe(3);

    await values.getByRole('button', { name: 'Remove cus_silver' }).click();
    await expect.poll(() => values.getByRole('listitem').count()).toBe(2);

    const history = page.getByRole('table', { name: 'History of vip_customers' });
    await history.locator('tr[data-version="3"]').waitFor();
    expect(await history.locator('tr[data-version="3"]').textContent()).toContain('−1: cus_silver');
    expect(await history.locator('tr[data-version="2"]').textContent()).toContain('+3');
    expect(await history.locator('tr[data-version="1"]').textContent()).toContain('created empty');
    expect(await history.textContent()).toContain('Demo admin');
    await page.screenshot({ path: join(SCREENSHOTS, '20-lists.png'), fullPage: true });

    // The server holds exactly what the page shows, at version 3.
    const api = await callApi<{ list: { version: number }; values: string[] }>('GET', '/api/lists/vip_customers', keys.adminKey);
    expect(api.json).toMatchObject({ list: { version: 3 }, values: ['cus_bronze', 'cus_gold'] });
    // A bad value is refused in place, naming the field.
    await page.getByLabel('Add values (one a line, or separated by commas)').fill('x'.repeat(300));
    await page.getByRole('button', { name: 'Add to list' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('values.0');
  }, STEP_MS);

  it('shows an automatic breaker in Controls with its level, and marks it tripped', async () => {
    const source = `policy "breaker" version 10
roles support_lead < finance_manager < cfo
sources support_tool, ai_agent

rule bot_breaker:
  block refunds from ai_agent when source refunded in last 1 hour over $5,000
  because "The refund bot has refunded $5,000 in the last hour"
`;
    const published = await callApi<{ version: number }>('POST', '/api/policies', keys.adminKey, { source });
    expect(published.status, JSON.stringify(published.json)).toBe(201);
    expect((await callApi('POST', '/api/policies/v10/activate', keys.adminKey)).status).toBe(200);
    for (let i = 0; i < 21; i += 1) expect((await decide({ source: 'ai_agent', amount_cents: 20_000 })).decision.outcome).toBe('allow');

    await go('Controls');
    const breakers = page.getByRole('list', { name: 'Automatic breakers' });
    const item = breakers.locator('li[data-rule="bot_breaker"][data-source="ai_agent"]');
    await item.getByText('$4,200 of $5,000 in the last hour').waitFor();
    expect(await item.textContent()).toContain('Armed');
    await page.screenshot({ path: join(SCREENSHOTS, '21-controls-breakers.png'), fullPage: true });

    // Six more: the last of them comes after $5,000 went through, and the page follows live.
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i += 1) outcomes.push((await decide({ source: 'ai_agent', amount_cents: 20_000 })).decision.outcome);
    expect(outcomes).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'block']);
    await item.getByText('$5,200 of $5,000 in the last hour').waitFor();
    await item.getByText('Tripped').waitFor();
  }, STEP_MS);
});
