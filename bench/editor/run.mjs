// npm run bench:editor — the dashboard's policy editor in Chromium (Debian's /usr/bin/chromium,
// through playwright-core) against the real server on a loopback port.
//
// 1. Keystroke → diagnostics: the generated 1,000-rule policy (language-server/bench, 92 KB) in
//    the editor; BENCH_KEYSTROKES (default 50) keystrokes, each timed in the page from its
//    keydown to the editor showing the diagnostics of the text it produced (the language
//    worker's check stage, through @codemirror/lint). Target p95 < 100 ms.
// 2. Keystroke → counts: BENCH_EDITOR_DECISIONS (default 100,000) sealed decisions, seeded by
//    bench/support/seedDecisions.mjs (the server's sealDecisions, 20,000 to a transaction) with
//    received times over the last 29 days; the live policy's `$150` threshold typed as `$100` and back, BENCH_EDITS times
//    (default 10), each timed from the last keydown to the impact panel showing the counts of the
//    new text (the 400 ms typing debounce included). Target p95 < 1 s. Needs POST
//    /api/policies/impact; a server without it is reported as such.
// Prints one JSON line. BENCH_KEEP=1 keeps the data folder. --quick (CI): 2,000 decisions, 10
// keystrokes, 2 edits — the same code and checks; its figures mean nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp } from '../../server/dist/app.js';
import { bootstrap } from '../../server/dist/services/bootstrap.js';
import { generatePolicy } from '../../language-server/bench/dist/generatePolicy.js';
import { parseArgs } from 'node:util';
import { seedDecisions } from '../support/seedDecisions.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean' } } });
const KEYSTROKES = Number(process.env.BENCH_KEYSTROKES ?? (args.quick ? 10 : 50));
const DECISIONS = Number(process.env.BENCH_EDITOR_DECISIONS ?? (args.quick ? 2_000 : 100_000));
const EDITS = Number(process.env.BENCH_EDITS ?? (args.quick ? 2 : 10));
const DAY_MS = 86_400_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v) => Math.round(v * 10) / 10;
  return { n: sorted.length, p50_ms: round(quantile(sorted, 0.5)), p95_ms: round(quantile(sorted, 0.95)), max_ms: round(sorted[sorted.length - 1]) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'axiru-bench-editor-'));
const end = Date.now();
// The wall clock; seeding gives each decision its received time itself.
const clock = () => new Date();
let browser;
let app;

/** The editor's view and language client, which PolicyEditor.tsx puts on its host element. */
const EDITOR = '[data-testid="policy-editor"]';

try {
  app = await buildApp({ dataDir, checkpointIntervalMs: 1000, maxBatch: 256, logLevel: 'silent', clock });
  await app.ready();
  const demo = await bootstrap(app.store);
  const org = await app.store.organisations.get(demo.orgId);
  const seeded = await seedDecisions(app.store, {
    orgId: org.id, count: DECISIONS, fromMs: end - 29 * DAY_MS, toMs: end - DAY_MS, catchUp: () => app.projections.catchUp(),
  });
  const seedSeconds = seeded.seconds;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${app.server.address().port}`;

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(120_000);
  await page.goto(`${url}/`);
  await page.getByLabel('Email').fill(demo.demoEmail);
  await page.getByLabel('Password').fill(demo.demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies', exact: true }).click();

  // 1. Keystroke → diagnostics on the 1,000-rule policy.
  await page.getByRole('button', { name: 'New empty policy' }).click();
  await page.locator('.cm-content').waitFor();
  const large = generatePolicy(1000, 42);
  await page.evaluate(([selector, text]) => {
    const { view } = document.querySelector(selector).policyEditor;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  }, [EDITOR, large]);
  await page.waitForFunction((selector) => document.querySelector(selector).policyEditor.client.latest?.final === true, EDITOR, { timeout: 120_000 });
  // Type into the middle of the policy: a rule name, so each keystroke leaves a valid policy.
  await page.evaluate((selector) => {
    const { view } = document.querySelector(selector).policyEditor;
    const text = view.state.doc.toString();
    const middle = text.indexOf('rule ', Math.floor(text.length / 2)) + 'rule '.length;
    const nameEnd = text.indexOf(':', middle);
    view.dispatch({ selection: { anchor: nameEnd }, scrollIntoView: true });
    view.focus();
  }, EDITOR);
  await page.evaluate((selector) => {
    const { client } = document.querySelector(selector).policyEditor;
    window.benchDiagnostics = [];
    let keyAt = 0;
    document.addEventListener('keydown', () => (keyAt = performance.now()), true);
    // Registered after the editor's own listener: called right after it has shown the report.
    client.onDiagnostics((report) => {
      if (report.stage === 'checked' && report.version === client.currentVersion && keyAt > 0) {
        window.benchDiagnostics.push(performance.now() - keyAt);
        keyAt = 0;
      }
    });
  }, EDITOR);
  for (let i = 0; i < KEYSTROKES; i++) {
    await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
    await page.waitForFunction((count) => window.benchDiagnostics.length >= count, i + 1);
  }
  const diagnostics = summary(await page.evaluate(() => window.benchDiagnostics));
  // What the analysis stage takes after a pause (diagnostics exactly `axiru check`'s).
  const finalStarted = Date.now();
  await page.waitForFunction((selector) => document.querySelector(selector).policyEditor.client.latest?.final === true, EDITOR, { timeout: 120_000 });
  const toFinalMs = Date.now() - finalStarted;

  // 2. Keystroke → counts over the sealed decisions, on the live policy.
  const live = (await app.store.policies.list(demo.orgId)).length;
  await page.goto(`${url}/policies`);
  await page.getByRole('button', { name: 'New version from this one' }).click();
  await page.locator('.cm-content').waitFor();
  let counts = null;
  const first = await page.waitForFunction(() => {
    const panel = document.querySelector('[data-testid="impact"]');
    return panel && panel.getAttribute('aria-busy') === 'false' && (panel.querySelector('[data-testid="impact-changed"]') || panel.querySelector('[role="alert"], [role="status"]'));
  }, null, { timeout: 300_000 }).then(() => page.locator('[data-testid="impact-changed"]').count());
  if (first === 0) {
    counts = { unavailable: (await page.getByTestId('impact').textContent())?.trim() };
  } else {
    const times = [];
    let threshold = '$150';
    for (let i = 0; i < EDITS; i++) {
      const next = threshold === '$150' ? '$100' : '$150';
      const before = await page.getByTestId('impact-changed').textContent();
      await page.evaluate(([selector, from]) => {
        const { view } = document.querySelector(selector).policyEditor;
        const text = view.state.doc.toString();
        const at = text.indexOf(`refunds over ${from} require finance_manager`) + 'refunds over '.length;
        view.dispatch({ selection: { anchor: at, head: at + from.length } });
        view.focus();
        window.benchCounts = null;
        let keyAt = 0;
        document.addEventListener('keydown', () => (keyAt = performance.now()), { capture: true });
        const panel = document.querySelector('[data-testid="impact"]');
        const observer = new MutationObserver(() => {
          const changed = panel.querySelector('[data-testid="impact-changed"]')?.textContent;
          if (panel.getAttribute('aria-busy') === 'false' && changed !== window.benchBefore && keyAt > 0) {
            window.benchCounts = performance.now() - keyAt;
            observer.disconnect();
          }
        });
        observer.observe(panel, { subtree: true, childList: true, characterData: true, attributes: true });
      }, [EDITOR, threshold]);
      await page.evaluate((b) => (window.benchBefore = b), before);
      await page.keyboard.type(next);
      await page.waitForFunction(() => window.benchCounts !== null, null, { timeout: 120_000 });
      times.push(await page.evaluate(() => window.benchCounts));
      threshold = next;
    }
    counts = summary(times);
  }
  console.log(JSON.stringify({
    measured_at: new Date().toISOString(),
    loadavg: loadavg().map((v) => Math.round(v * 100) / 100),
    policy: { rules: 1000, bytes: large.length },
    keystroke_to_diagnostics: diagnostics,
    pause_to_final_diagnostics_ms: toFinalMs,
    decisions: DECISIONS,
    seed_seconds: Math.round(seedSeconds * 10) / 10,
    published_versions: live,
    keystroke_to_counts: counts,
  }));
} finally {
  await browser?.close();
  await app?.close();
  if (process.env.BENCH_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
}
