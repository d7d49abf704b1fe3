// The policy editor end to end, in Debian's Chromium against the real `axiru serve` process:
// sign in, open the live policy in the editor, misspell a role and take the "did you mean" fix,
// lower a threshold and watch what it would have done to the organisation's own sealed
// decisions, publish, start as shadow, see the diff, promote with the preview; the live version
// is then the new one and the ledger holds each step with its actor. A screenshot of each state
// goes to artifacts/screenshots/ (git-ignored).

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './support/findChromium.js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServerProcess, type ServerProcess } from '../../server/test/support/serverProcess.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = join(REPO, 'artifacts', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];
const STEP_MS = 120_000;
/** How long a condition may take to hold: generous, since the machine may be busy; never a pass/fail on speed. */
const POLL = { timeout: 30_000 };
/** Refunds of $120 the live policy allows (`routine`, up to $150) and a $100 threshold would hold. */
const HELD_BY_NEW_THRESHOLD = 3;

let server: ServerProcess;
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let demo: { email: string; password: string; decisionKey: string; adminKey: string; userId: string };
let liveBefore = '';
let published = '';

async function callApi<T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: T; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: T = null as T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    // NDJSON (the audit bundle): the caller reads `text`.
  }
  return { status: response.status, json, text };
}

async function decide(body: Record<string, unknown>): Promise<{ decision: { outcome: string }; intent_id: string }> {
  const { status, json, text } = await callApi<{ decision: { outcome: string }; intent_id: string }>('POST', '/api/decision', demo.decisionKey, body);
  expect(status, text).toBe(200);
  return json;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The editor's text, read from CodeMirror's state (the DOM renders only what is in view). */
function editorText(): Promise<string> {
  return page.evaluate(() => {
    const host = document.querySelector('[data-testid="policy-editor"]') as (HTMLElement & { policyEditor?: { view: { state: { doc: { toString(): string } } } } }) | null;
    return host?.policyEditor?.view.state.doc.toString() ?? '';
  });
}

/** Selects `needle` (its first occurrence after `after`) in the editor and focuses it, as a drag would. */
async function select(needle: string, after: string): Promise<void> {
  await page.evaluate(([n, a]) => {
    const host = document.querySelector('[data-testid="policy-editor"]') as HTMLElement & { policyEditor: { view: { state: { doc: { toString(): string } }; dispatch(spec: unknown): void; focus(): void } } };
    const view = host.policyEditor.view;
    const text = view.state.doc.toString();
    const from = text.indexOf(n!, text.indexOf(a!));
    if (from < 0) throw new Error(`${n} is not in the editor`);
    view.dispatch({ selection: { anchor: from, head: from + n!.length }, scrollIntoView: true });
    view.focus();
  }, [needle, after]);
}

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(join(REPO, 'dashboard/dist/index.html'))) throw new Error('dashboard/dist is missing: npm run build -w @axiru/dashboard');
  // One line naming what to install or set when no browser is found (support/findChromium.ts).
  const chromiumPath = findChromium().path;
  mkdirSync(SCREENSHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'axiru-editor-e2e-data-'));
  profileDir = mkdtempSync(join(tmpdir(), 'axiru-editor-e2e-chromium-'));
  server = await startServerProcess(dataDir, 30_000);
  const keys = server.keys;
  demo = {
    email: keys['AXIRU_DEMO_EMAIL'] ?? '', password: keys['AXIRU_DEMO_PASSWORD'] ?? '',
    decisionKey: keys['AXIRU_DECISION_KEY'] ?? '', adminKey: keys['AXIRU_ADMIN_KEY'] ?? '', userId: '',
  };
  const users = await callApi<{ data: Array<{ id: string; email: string }> }>('GET', '/api/users', demo.adminKey);
  demo.userId = users.json.data.find((u) => u.email === demo.email)?.id ?? '';
  expect(demo.userId).toMatch(/^usr_/);
  // Sealed traffic for "what your change would have done": three $120 refunds the live policy
  // allows, and two small ones no threshold change touches.
  for (let i = 0; i < HELD_BY_NEW_THRESHOLD; i++) {
    const decided = await decide({ source: 'support_tool', amount_cents: 12_000, customer_tenure_days: 400, customer_id: `cus_mid_${i}` });
    expect(decided.decision.outcome).toBe('allow');
  }
  for (let i = 0; i < 2; i++) await decide({ source: 'support_tool', amount_cents: 2_000, customer_tenure_days: 400, customer_id: `cus_small_${i}` });
  const policies = await callApi<{ data: Array<{ policy_version: string; live: boolean }> }>('GET', '/api/policies', demo.adminKey);
  liveBefore = policies.json.data.find((p) => p.live)?.policy_version ?? '';
  expect(liveBefore).toMatch(/^v\d+$/);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 },
  });
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(30_000);
}, STEP_MS);

afterAll(async () => {
  await context?.close();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
}, STEP_MS);

describe('the policy editor in a real browser', () => {
  it('signs in and opens the live policy in the editor as a new draft', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email').fill(demo.email);
    await page.getByLabel('Password').fill(demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies', exact: true }).click();
    await page.getByRole('button', { name: 'New version from this one' }).click();
    await page.locator('.cm-content').waitFor();
    await expect.poll(editorText, POLL).toContain('rule high_value_refund_review');
    // The header is moved on to the next version number, which publishing needs.
    const next = Number(liveBefore.slice(1)) + 1;
    expect(await editorText()).toMatch(new RegExp(`version ${next}\\b`));
    // Highlighted from the language's own tokens, and checked: no problems in the live policy.
    await page.locator('.cm-content .tok-keyword').first().waitFor();
    await page.locator('.cm-content .tok-function', { hasText: 'high_value_refund_review' }).first().waitFor();
    await expect.poll(() => page.getByTestId('diagnostics-state').getAttribute('data-final'), POLL).toBe('true');
    expect(await page.getByTestId('diagnostics-state').textContent()).toContain('0 errors, 0 warnings');
    await shot('20-editor-open');
  }, STEP_MS);

  it('shows a misspelled role’s diagnostic as it is typed, with the "did you mean" fix, and applies it', async () => {
    await select('finance_manager', 'rule high_value_refund_review');
    // Measured in the page, from the last keystroke to the diagnostic being shown by the editor.
    await page.evaluate(() => {
      const w = window as unknown as { diagnosticShownAfter?: number };
      delete w.diagnosticShownAfter;
      let lastKey = 0;
      document.addEventListener('keydown', () => (lastKey = performance.now()), true);
      const observer = new MutationObserver(() => {
        if (document.querySelector('.cm-lintRange-error')) {
          w.diagnosticShownAfter = performance.now() - lastKey;
          observer.disconnect();
        }
      });
      observer.observe(document.querySelector('.cm-content')!, { subtree: true, childList: true, attributes: true });
    });
    await page.keyboard.type('finance_manger');
    await page.locator('.cm-lintRange-error').first().waitFor();
    const shownAfter = await page.evaluate(() => (window as unknown as { diagnosticShownAfter?: number }).diagnosticShownAfter);
    // The delay itself is a figure, not a pass/fail: on a busy machine it says more about the
    // scheduler than the editor. `npm run bench:editor` measures keystroke → diagnostics p95 on a
    // quiet machine against its target; here it is reported, and must be a real measurement.
    expect(shownAfter).toBeGreaterThan(0);
    console.info(`keystroke → diagnostic shown: ${Math.round(shownAfter!)} ms`);
    await expect.poll(() => page.getByTestId('diagnostics-state').textContent(), POLL).toContain('1 error');
    await page.locator('.cm-lintRange-error').first().hover();
    const tooltip = page.locator('.cm-tooltip-lint');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toContain('did you mean `finance_manager`');
    await shot('21-editor-diagnostic');
    await tooltip.getByRole('button', { name: 'Change to `finance_manager`' }).click();
    await expect.poll(editorText, POLL).toContain('refunds over $150 require finance_manager\n');
    await expect.poll(() => page.locator('.cm-lintRange-error').count(), POLL).toBe(0);
    await expect.poll(() => page.getByTestId('diagnostics-state').textContent(), POLL).toContain('0 errors');
    await shot('22-editor-fixed');
    // Mod-Shift-F formats (`axiru fmt`): stray spaces go.
    await select('rule very_high_value:', 'rule very_high_value:');
    await page.keyboard.press('End');
    await page.keyboard.type('   ');
    await expect.poll(editorText, POLL).toContain('rule very_high_value:   \n');
    await page.keyboard.press('Control+Shift+F');
    await expect.poll(editorText, POLL).toContain('rule very_high_value:\n');
  }, STEP_MS);

  it('shows, beside the editor, that the unchanged policy would change none of the sealed decisions', async () => {
    await expect.poll(() => page.getByTestId('impact-changed').textContent(), { timeout: 60_000 }).toBe('0');
    const rules = await page.getByTestId('impact-rules').textContent();
    expect(rules).toContain('routine');
  }, STEP_MS);

  it('shows what lowering $150 to $100 would have done to the sealed decisions, each transition listing its refunds', async () => {
    await select('$150', 'rule high_value_refund_review');
    await page.keyboard.type('$100');
    await expect.poll(editorText, POLL).toContain('refunds over $100 require finance_manager');
    await expect.poll(() => page.getByTestId('impact-changed').textContent(), { timeout: 60_000 }).toBe(String(HELD_BY_NEW_THRESHOLD));
    const transition = page.getByTestId('transition-text');
    expect(await transition.first().textContent()).toBe(`allow → pending_approval: ${HELD_BY_NEW_THRESHOLD}, $360.00`);
    expect((await page.getByTestId('impact-summary').textContent())?.length).toBeGreaterThan(0);
    expect(await page.getByTestId('impact-rules').textContent()).toContain('high_value_refund_review');
    await transition.first().click();
    await expect.poll(() => page.locator('.impact-panel tbody tr a[href^="/intents/"]').count(), POLL).toBe(HELD_BY_NEW_THRESHOLD);
    await shot('23-editor-impact');
  }, STEP_MS);

  it('keeps the draft and its undo history through a page reload', async () => {
    await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('axiru:policy-drafts:')).map((k) => localStorage.getItem(k)).join('')), POLL)
      .toContain('refunds over $100 require finance_manager');
    await page.reload();
    await page.locator('.cm-content').waitFor();
    await expect.poll(editorText, POLL).toContain('refunds over $100 require finance_manager');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+z');
    await expect.poll(editorText, POLL).toContain('refunds over $150 require finance_manager');
    await page.keyboard.press('Control+y');
    await expect.poll(editorText, POLL).toContain('refunds over $100 require finance_manager');
  }, STEP_MS);

  it('publishes the draft as a new immutable version, then starts it as a shadow', async () => {
    await expect.poll(() => page.getByTestId('diagnostics-state').getAttribute('data-final'), POLL).toBe('true');
    // The impact step may have failed without the threshold change typed: publish what the issue asks.
    expect(await editorText()).toContain('refunds over $100 require finance_manager');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.waitForURL(/\/policies\/v\d+\?published=1$/);
    const note = page.getByTestId('published');
    await note.waitFor();
    published = /Published (v\d+)/.exec((await note.textContent()) ?? '')?.[1] ?? '';
    expect(published).toBe(`v${Number(liveBefore.slice(1)) + 1}`);
    await shot('24-published');
    await page.getByRole('button', { name: 'Start as shadow' }).click();
    await page.waitForURL(`**/policies/${published}`);
    await page.locator('.badge', { hasText: 'Shadow' }).first().waitFor();
    const detail = await callApi<{ source: string; shadow: boolean }>('GET', `/api/policies/${published}`, demo.adminKey);
    expect(detail.json.shadow).toBe(true);
    expect(detail.json.source).toContain('refunds over $100 require finance_manager');
    // Published drafts leave the browser's storage.
    expect(await page.getByRole('heading', { name: 'Drafts' }).count()).toBe(0);
  }, STEP_MS);

  it('shows the shadow diff, then promotes with the preview: the new version is live and the ledger holds each step', async () => {
    // A new refund is decided by the live policy and by the shadow, which would hold it.
    const decided = await decide({ source: 'support_tool', amount_cents: 12_500, customer_tenure_days: 400, customer_id: 'cus_after_shadow' });
    expect(decided.decision.outcome).toBe('allow');
    await page.reload();
    const diff = page.locator('section.card', { has: page.getByRole('heading', { name: 'Shadow vs live' }) });
    await expect.poll(async () => (await diff.textContent()) ?? '', POLL).toMatch(/1 of 1 decisions? since .* would differ/);
    await shot('25-shadow-diff');
    await page.getByRole('button', { name: 'Promote to live…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Replayed against \d+ recent decisions/);
    await page.getByLabel('Reason (recorded in the ledger)').fill('Lower the finance review threshold to $100');
    await shot('26-promote-preview');
    await dialog.getByRole('button', { name: `Promote ${published}` }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.versions a[aria-current="page"] .badge', { hasText: 'Live' }).waitFor();
    await shot('27-promoted');

    const list = await callApi<{ data: Array<{ policy_version: string; live: boolean }> }>('GET', '/api/policies', demo.adminKey);
    expect(list.json.data.find((p) => p.live)?.policy_version).toBe(published);
    const after = await decide({ source: 'support_tool', amount_cents: 12_000, customer_tenure_days: 400, customer_id: 'cus_after_promote' });
    expect(after.decision.outcome).toBe('pending_approval');

    // The ledger: publish, shadow start and promote of the new version, each sealed with the
    // signed-in admin as actor.
    const bundle = await callApi<unknown>('GET', '/api/audit/export', demo.adminKey);
    expect(bundle.status).toBe(200);
    const steps = bundle.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record['kind'] === 'policy')
      .map((record) => ({ actor: record['actor'], body: (typeof record['body'] === 'string' ? JSON.parse(record['body']) : record['body']) as Record<string, unknown> }))
      .filter((step) => step.body['policy_version'] === published);
    expect(steps.map((s) => s.actor)).toEqual(steps.map(() => `user:${demo.userId}`));
    expect(steps.length).toBeGreaterThanOrEqual(3);
    const actions = steps.map((s) => String(s.body['action']));
    expect(actions[0]).toBe('publish');
    expect(actions.at(-1)).toBe('promote');
    expect(actions.some((a) => /shadow/.test(a))).toBe(true);
    expect(steps.at(-1)!.body).toMatchObject({ previous_version: liveBefore, reason: 'Lower the finance review threshold to $100' });
  }, STEP_MS);
  it('shows an approver the editor read-only, and the API refuses them publishing, shadowing and promoting', async () => {
    const created = await callApi<{ user: { id: string }; key: string }>('POST', '/api/users', demo.adminKey, {
      email: 'fran@example.com', name: 'Fran Finance', roles: ['finance_manager'],
    });
    expect(created.status).toBe(201);
    const invite = await callApi<{ url: string }>('POST', `/api/users/${created.json.user.id}/invite`, demo.adminKey);
    expect(invite.status).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(invite.json.url);
    await page.getByLabel('New password').fill('a long finance password');
    await page.getByLabel('Repeat it').fill('a long finance password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies', exact: true }).click();
    await page.getByRole('link', { name: 'Open in editor' }).click();
    await page.locator('.cm-content').waitFor();
    expect(await page.locator('.cm-content').getAttribute('contenteditable')).toBe('false');
    await expect.poll(() => page.getByTestId('diagnostics-state').getAttribute('data-final'), POLL).toBe('true');
    expect(await page.getByRole('button', { name: 'Publish', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New version from this one' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'New empty policy' }).count()).toBe(0);
    await shot('28-approver-read-only');

    const source = (await callApi<{ source: string }>('GET', `/api/policies/${published}`, demo.adminKey)).json.source;
    const key = created.json.key;
    expect((await callApi('POST', '/api/policies', key, { source: source.replace(/version \d+/, 'version 99') })).status).toBe(403);
    expect((await callApi('POST', `/api/policies/${liveBefore}/shadow`, key)).status).toBe(403);
    expect((await callApi('POST', `/api/policies/${liveBefore}/promote`, key, { confirm: true })).status).toBe(403);
  }, STEP_MS);
});
