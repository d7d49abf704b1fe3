import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { bootstrap, DEMO_POLICY_PATH } from '../../src/services/bootstrap.js';
import { createOrganisation } from '../../src/services/organisations.js';
import type { EmailSettings } from '../../src/services/email.js';
import type { ProjectionsPluginOptions } from '../../src/plugins/projections.js';
import { compilePolicy } from '../../src/services/PolicyService.js';
import type { RateLimits } from '../../src/services/rateLimits.js';
import { UNLIMITED_RATE_LIMITS } from './serverProcess.js';
import { databaseUrlFor } from './testDatabase.js';

export const ACME_SOURCE = readFileSync(DEMO_POLICY_PATH, 'utf8');

/** The seed request of the product page, minus its key. */
export const SEED_REQUEST = {
  source: 'support_tool',
  action: 'refund',
  stripe_charge_id: 'ch_3PLs9k',
  amount_cents: 22000,
  customer_tenure_days: 9,
  reason: 'duplicate_charge',
} as const;

export function tempDir(prefix = 'axiru-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestOrg {
  readonly id: string;
  readonly decisionKey: string;
  readonly adminKey: string;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** The demo organisation created by bootstrap (acme v3 live). */
  readonly demo: TestOrg;
  /** Current time of the app's clock; tests may move it. */
  now: Date;
  decide(body: Record<string, unknown>, options?: { key?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  get(url: string, key: string): Promise<LightMyRequestResponse>;
  /** Another organisation with acme (or the given policy) live. */
  addOrg(name: string, options?: { source?: string; currency?: string }): Promise<TestOrg>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly dataDir?: string;
  readonly maxBatch?: number;
  /** Reopen a data folder a previous test app left behind, with its demo organisation. */
  readonly reopen?: TestOrg;
  readonly webhookPollMs?: number;
  readonly slackApiUrl?: string;
  /** Where the Stripe SDK connects (a local Stripe-shaped server). */
  readonly stripeApi?: { host: string; port: number; protocol: 'http' | 'https' };
  readonly replayMaxBytes?: number;
  readonly now?: Date;
  /** Approval emails through a (local) SMTP server. */
  readonly email?: EmailSettings;
  /** How projections catch up (`background: false` leaves them behind until a reader needs them). */
  readonly projections?: ProjectionsPluginOptions;
  /** The fetch single sign-on reaches identity providers with (one that trusts a test CA). */
  readonly ssoFetch?: typeof fetch;
  /** Rate-limit defaults (default: limits no test reaches). */
  readonly rateLimits?: RateLimits;
  /** The app's clock instead of the one `now` moves (clock-step tests). */
  readonly clock?: () => Date;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = options.dataDir ? null : tempDir();
  const dataDir = options.dataDir ?? dir!.path;
  const state = { now: options.now ?? new Date('2026-04-28T14:32:11.061Z') };
  // A clock that moves 1 ms per reading, so received_at is strictly increasing and reproducible.
  const clock = () => {
    const current = new Date(state.now.getTime());
    state.now = new Date(state.now.getTime() + 1);
    return current;
  };
  // On the PostgreSQL run, each data folder has a database of its own (testDatabase.ts).
  const databaseUrl = await databaseUrlFor(dataDir);
  const app = await buildApp({
    dataDir, databaseUrl, checkpointIntervalMs: 0, maxBatch: options.maxBatch ?? 256, clock: options.clock ?? clock,
    rateLimits: options.rateLimits ?? UNLIMITED_RATE_LIMITS,
    ...(options.webhookPollMs !== undefined ? { webhookPollMs: options.webhookPollMs } : {}),
    ...(options.slackApiUrl !== undefined ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.stripeApi !== undefined ? { stripeApi: options.stripeApi } : {}),
    ...(options.replayMaxBytes !== undefined ? { replayMaxBytes: options.replayMaxBytes } : {}),
    ...(options.email !== undefined ? { email: options.email } : {}),
    ...(options.projections !== undefined ? { projections: options.projections } : {}),
    ...(options.ssoFetch !== undefined ? { ssoFetch: options.ssoFetch } : {}),
  });
  await app.ready();
  let demo: TestOrg;
  if (options.reopen) {
    demo = options.reopen;
  } else {
    const first = await bootstrap(app.store, { now: new Date('2026-04-01T00:00:00.000Z') });
    if (!first.created || !first.orgId || !first.decisionKey || !first.adminKey) throw new Error('expected a fresh data folder');
    demo = { id: first.orgId, decisionKey: first.decisionKey, adminKey: first.adminKey };
  }
  const testApp: TestApp = {
    app,
    dataDir,
    demo,
    get now() {
      return state.now;
    },
    set now(value: Date) {
      state.now = value;
    },
    decide(body, { key = demo.decisionKey, headers = {} } = {}) {
      return app.inject({
        method: 'POST',
        url: '/api/decision',
        headers: { authorization: `Bearer ${key}`, ...headers },
        payload: body,
      });
    },
    get(url, key) {
      return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    },
    async addOrg(name, { source = ACME_SOURCE, currency = 'usd' } = {}) {
      const policy = compilePolicy(source);
      const created = await app.store.transaction((tx) => createOrganisation(tx, { name, defaultCurrency: currency, policy }));
      return { id: created.org.id, decisionKey: created.keys.decision, adminKey: created.keys.admin };
    },
    async close() {
      await app.close();
      dir?.remove();
    },
  };
  return testApp;
}

export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

export interface ErrorJson {
  error: { code: string; message: string; field: string | null; [extra: string]: unknown };
}

export interface DecisionJson {
  decision: {
    outcome: string; reason: string; policy_version: string; matched_rule: string | null; approver_role: string | null;
    approver_roles: string[] | null; approvals_required: number | null; matched_rules: string[]; missing_fields: string[];
  };
  intent_id: string;
  received_at: string;
}
