import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/services/apiKeys.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, TokenBucket, type RateLimits } from '../../src/services/rateLimits.js';
import { createTestApp, json, SEED_REQUEST, type ErrorJson, type TestApp } from '../support/testApp.js';

// Rate limits: token buckets per key and per organisation, for POST /api/decision and the admin
// API. A refused request is a 429 with Retry-After, counted in /metrics, and records nothing.

const SLOW = 0.01; // one token per 100 s: no bucket refills while a test runs

function limits(overrides: Partial<RateLimits>): RateLimits {
  return { ...DEFAULT_RATE_LIMITS, ...overrides };
}

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function counts(app: TestApp): Promise<{ ledger: number; intents: number }> {
  const ledger = await app.app.store.ledger.size();
  const intents = json<{ data: unknown[] }>(await app.get('/api/intents?limit=200', app.demo.adminKey)).data.length;
  return { ledger, intents };
}

async function metric(app: TestApp, line: string): Promise<number> {
  const text = (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = text.split('\n').find((l) => l.startsWith(line));
  return match === undefined ? 0 : Number(match.slice(line.length).trim());
}

describe('token buckets', () => {
  it('admits a burst, then one request per 1/rate seconds, on the clock it is given', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const l = limits({ decision_per_key: { rate_per_second: 2, burst: 3 } });
    for (let i = 0; i < 3; i += 1) expect(limiter.admit('decision', 'org', 'key', l)).toBeNull();
    expect(limiter.admit('decision', 'org', 'key', l)).toEqual({ scope: 'key', retryAfterSeconds: 1 });
    now += 499;
    expect(limiter.admit('decision', 'org', 'key', l)).not.toBeNull();
    now += 1;
    expect(limiter.admit('decision', 'org', 'key', l)).toBeNull();
    // Another key of the same organisation has its own bucket.
    expect(limiter.admit('decision', 'org', 'other', l)).toBeNull();
  });

  it('refuses on the organisation\'s bucket without taking from the key\'s', () => {
    const now = 0;
    const limiter = new RateLimiter(() => now);
    const l = limits({ decision_per_org: { rate_per_second: SLOW, burst: 2 } });
    expect(limiter.admit('decision', 'org', 'a', l)).toBeNull();
    expect(limiter.admit('decision', 'org', 'b', l)).toBeNull();
    expect(limiter.admit('decision', 'org', 'c', l)).toEqual({ scope: 'org', retryAfterSeconds: 100 });
    // Admin requests are counted apart from decisions.
    expect(limiter.admit('admin', 'org', 'a', l)).toBeNull();
  });

  it('never gains tokens from a clock that goes backwards', () => {
    let now = 10_000;
    const bucket = new TokenBucket({ rate_per_second: 1, burst: 1 }, now);
    expect(bucket.wait(now)).toBe(0);
    bucket.take();
    now -= 3_600_000;
    expect(bucket.wait(now)).toBe(1);
    now += 1000;
    expect(bucket.wait(now)).toBe(0);
  });

  it('forgets idle buckets once there are many, keeping the busy ones', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const l = limits({ admin_per_key: { rate_per_second: SLOW, burst: 1 } });
    expect(limiter.admit('admin', 'org', 'busy', l)).toBeNull();
    // 40,000 buckets over 20 s; each refills to full 20 ms after its one request.
    for (let i = 0; i < 20_000; i += 1) {
      limiter.admit('admin', `org${i}`, `k${i}`, limits({}));
      now += 1;
    }
    expect(limiter.size).toBeLessThanOrEqual(10_000 + 2);
    expect(limiter.admit('admin', 'org', 'busy', l)).not.toBeNull();
  });
});

describe('POST /api/decision over a limit', () => {
  it('answers 429 with Retry-After, seals nothing, and counts the refusal', async () => {
    t = await createTestApp({ rateLimits: limits({ decision_per_key: { rate_per_second: SLOW, burst: 3 } }) });
    for (let i = 0; i < 3; i += 1) expect((await t.decide({ ...SEED_REQUEST, amount_cents: 1000 + i })).statusCode).toBe(200);
    const before = await counts(t);
    const refused = await t.decide({ ...SEED_REQUEST, amount_cents: 5000 }, { headers: { 'idempotency-key': 'limited-1' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('100');
    expect(json<ErrorJson>(refused).error).toMatchObject({ code: 'rate_limited', field: null });
    expect(json<ErrorJson>(refused).error.message).toMatch(/key.*decision limit.*retry after 100 s/);
    expect(await counts(t)).toEqual(before);
    expect(await metric(t, 'axiru_rate_limited_total{route="decision",scope="key"}')).toBe(1);
  });

  it('limits the organisation as a whole, and no other organisation', async () => {
    t = await createTestApp({ rateLimits: limits({ decision_per_org: { rate_per_second: SLOW, burst: 2 } }) });
    const second = await t.app.store.transaction((tx) => createApiKey(tx, t!.demo.id, 'decision', 'test', 'second', new Date()));
    expect((await t.decide(SEED_REQUEST)).statusCode).toBe(200);
    expect((await t.decide(SEED_REQUEST, { key: second.key })).statusCode).toBe(200);
    const refused = await t.decide(SEED_REQUEST, { key: second.key });
    expect(refused.statusCode).toBe(429);
    expect(json<ErrorJson>(refused).error.message).toMatch(/organisation/);
    const other = await t.addOrg('Other');
    expect((await t.decide(SEED_REQUEST, { key: other.decisionKey })).statusCode).toBe(200);
    expect(await metric(t, 'axiru_rate_limited_total{route="decision",scope="org"}')).toBe(1);
  });

  it('refuses before validation, so an invalid body over the limit is a 429 too', async () => {
    t = await createTestApp({ rateLimits: limits({ decision_per_key: { rate_per_second: SLOW, burst: 1 } }) });
    expect((await t.decide({ source: 'support_tool' })).statusCode).toBe(400);
    expect((await t.decide({ source: 'support_tool' })).statusCode).toBe(429);
  });
});

describe('the admin API and GET/PUT/DELETE /api/org/limits', () => {
  it('shows the defaults, sets an organisation\'s own limits within the ceiling, and enforces them', async () => {
    t = await createTestApp({ rateLimits: DEFAULT_RATE_LIMITS });
    const admin = (method: 'GET' | 'PUT' | 'DELETE', payload?: unknown) => t!.app.inject({
      method, url: '/api/org/limits', headers: { authorization: `Bearer ${t!.demo.adminKey}` }, ...(payload === undefined ? {} : { payload }),
    });
    const shown = json<{ limits: RateLimits; defaults: RateLimits; ceiling: RateLimits; overridden: string[] }>(await admin('GET'));
    expect(shown).toMatchObject({ limits: DEFAULT_RATE_LIMITS, defaults: DEFAULT_RATE_LIMITS, overridden: [] });
    expect(shown.ceiling.decision_per_key).toEqual({ rate_per_second: 10_000, burst: 20_000 });

    const tooHigh = await admin('PUT', { decision_per_key: { rate_per_second: 10_001, burst: 10 } });
    expect(tooHigh.statusCode).toBe(400);
    expect(json<ErrorJson>(tooHigh).error).toMatchObject({ code: 'invalid_limit', field: 'decision_per_key.rate_per_second' });
    const wrongShape = await admin('PUT', { decision_per_key: { rate_per_second: 5 } });
    expect(wrongShape.statusCode).toBe(400);
    expect(json<ErrorJson>(wrongShape).error.field).toMatch(/decision_per_key/);
    const unknown = await admin('PUT', { decisions: { rate_per_second: 5, burst: 5 } });
    expect(unknown.statusCode).toBe(400);

    const set = await admin('PUT', { decision_per_key: { rate_per_second: SLOW, burst: 1 } });
    expect(set.statusCode).toBe(200);
    expect(json<{ limits: RateLimits; overridden: string[] }>(set)).toMatchObject({
      limits: { ...DEFAULT_RATE_LIMITS, decision_per_key: { rate_per_second: SLOW, burst: 1 } }, overridden: ['decision_per_key'],
    });
    expect((await t.decide(SEED_REQUEST)).statusCode).toBe(200);
    expect((await t.decide(SEED_REQUEST)).statusCode).toBe(429);

    const reset = await admin('DELETE');
    expect(json<{ overridden: string[] }>(reset).overridden).toEqual([]);
    expect((await t.decide(SEED_REQUEST)).statusCode).toBe(200);
  });

  it('limits admin requests per key with 429 and Retry-After, counted in /metrics', async () => {
    t = await createTestApp({ rateLimits: limits({ admin_per_key: { rate_per_second: SLOW, burst: 2 } }) });
    expect((await t.get('/api/org', t.demo.adminKey)).statusCode).toBe(200);
    expect((await t.get('/api/policies', t.demo.adminKey)).statusCode).toBe(200);
    const refused = await t.get('/api/controls', t.demo.adminKey);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Decisions are counted apart.
    expect((await t.decide(SEED_REQUEST)).statusCode).toBe(200);
    expect(await metric(t, 'axiru_rate_limited_total{route="admin",scope="key"}')).toBe(1);
    // Unauthenticated requests are refused by authentication, not counted.
    expect((await t.app.inject({ method: 'GET', url: '/api/org' })).statusCode).toBe(401);
  });
});
