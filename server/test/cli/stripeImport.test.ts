import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startStripeServer, type FakeRefund, type StripeServer } from '../support/stripeServer.js';
import { createTestApp, json, tempDir, type TestApp } from '../support/testApp.js';
import { axiru } from '../support/cli.js';

const KEY = 'rk_test_51CliReadOnlyKey0123456789abcdef';
const nowS = Math.floor(Date.now() / 1000);
const DAY = 86_400;

const REFUNDS: FakeRefund[] = [1, 2, 3, 4, 5].map((n) => ({
  id: `re_cli_${n}`, amount: n * 10000, currency: 'usd', created: nowS - n * 10 * DAY,
  charge: { id: `ch_cli_${n}`, amount: n * 20000, currency: 'usd', created: nowS - n * 10 * DAY - 400 * DAY, customer: `cus_cli_${n}`, metadata: { source: 'support_tool' } },
}));

let t: TestApp;
let stripe: StripeServer;
const dir = tempDir('axiru-cli-stripe-');

beforeAll(async () => {
  stripe = await startStripeServer({ key: KEY, refunds: REFUNDS, pageSize: 2 });
  t = await createTestApp({ dataDir: dir.path });
});
afterAll(async () => {
  await t.close();
  await stripe.close();
  dir.remove();
});


describe('axiru stripe import', () => {
  it('refuses an organisation without a Stripe connection', async () => {
    const result = await axiru('stripe', 'import', '--data', dir.path, '--stripe-api', `http://127.0.0.1:${stripe.port}`);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain('no Stripe account is connected');
  });

  it('imports every page through the SDK, prints the report, and stores it as a replay the API shows', async () => {
    const put = await t.app.inject({
      method: 'PUT', url: '/api/stripe/connection', headers: { authorization: `Bearer ${t.demo.adminKey}` }, payload: { restricted_key: KEY },
    });
    expect(put.statusCode).toBe(200);
    const result = await axiru('stripe', 'import', '--data', dir.path, '--since', '55d', '--json', '--stripe-api', `http://127.0.0.1:${stripe.port}`);
    expect(result.err.join('\n')).toMatch(/Stored as replay rpl_/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out.join('\n')) as { refunds: number; by_outcome: Record<string, { count: number; amount: Record<string, number> }> };
    // 55 days back takes all five refunds (10 to 50 days ago): three pages of at most two.
    expect(report.refunds).toBe(5);
    // $100 is routine; $200 to $500 go to approval (acme: over $150 needs finance_manager).
    expect(report.by_outcome['allow']).toEqual({ count: 1, amount: { usd: 10000 } });
    expect(report.by_outcome['pending_approval']).toEqual({ count: 4, amount: { usd: 140000 } });
    const lists = stripe.requests.filter((r) => r.path === '/v1/refunds' && r.status === 200);
    expect(lists.map((r) => r.query.get('starting_after'))).toEqual([null, 're_cli_2', 're_cli_4']);

    const id = /rpl_[0-9a-f]{32}/.exec(result.err.join('\n'))![0];
    // The CLI is another process as far as the server's store knows: its commits show within the
    // store's snapshot refresh, not instantly.
    await vi.waitFor(async () => {
      expect(json<{ status: string }>(await t.get(`/api/replays/${id}`, t.demo.adminKey)).status).toBe('done');
    }, { timeout: 60_000, interval: 20 });
    const stored = json<{ status: string; origin: string; created_by: string; report: unknown }>(await t.get(`/api/replays/${id}`, t.demo.adminKey));
    expect(stored).toMatchObject({ status: 'done', origin: 'stripe_import', created_by: 'cli' });
    expect(stored.report).toEqual(report);

    const text = await axiru('stripe', 'import', '--data', dir.path, '--since', '15d', '--stripe-api', `http://127.0.0.1:${stripe.port}`);
    expect(text.code).toBe(0);
    expect(text.out.join('\n')).toContain('replayed over 1 refund');
  });

  it('says what Stripe refused and exits 1', async () => {
    const put = await t.app.inject({
      method: 'PUT', url: '/api/stripe/connection', headers: { authorization: `Bearer ${t.demo.adminKey}` }, payload: { restricted_key: 'rk_test_51RevokedKey000000000000000' },
    });
    expect(put.statusCode).toBe(200);
    const result = await axiru('stripe', 'import', '--data', dir.path, '--stripe-api', `http://127.0.0.1:${stripe.port}`);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain('Stripe rejected the stored restricted key');
    const bad = await axiru('stripe', 'import', '--data', dir.path, '--since', 'soon', '--stripe-api', `http://127.0.0.1:${stripe.port}`);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toContain('--since');
  });
});
