import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type DecisionJson, type TestApp, type TestOrg } from '../support/testApp.js';

// GET /api/controls/breakers: the live policy's automatic circuit breakers with their level.

let t: TestApp;
let org: TestOrg;

beforeAll(async () => {
  t = await createTestApp();
  org = await t.addOrg('Breakers', {
    source: `policy "breakers" version 1
sources support_tool, ai_agent, automation

rule bot_breaker:
  block refunds from ai_agent when source refunded in last 1 hour over $5,000
  because "The refund bot has refunded $5,000 in the last hour"

rule burst:
  block refunds from ai_agent or automation when source refunds in last 2 days at least 30

rule not_a_breaker:
  flag refunds over $10,000
`,
  });
});
afterAll(async () => {
  await t.close();
});

interface Breaker { rule: string; source: string; level: number; threshold: number; tripped: boolean; text: string; measure: string }

async function breakers(): Promise<Breaker[]> {
  const response = await t.get('/api/controls/breakers', org.adminKey);
  expect(response.statusCode, response.body).toBe(200);
  return json<{ breakers: Breaker[] }>(response).breakers;
}

describe('automatic breakers', () => {
  it('lists each breaker per source with its level now, and says when it has tripped', async () => {
    const before = await breakers();
    expect(before.map((b) => [b.rule, b.source])).toEqual([['bot_breaker', 'ai_agent'], ['burst', 'ai_agent'], ['burst', 'automation']]);
    expect(before[0]).toMatchObject({ level: 0, threshold: 500_000, tripped: false, text: '$0 of $5,000 in the last hour', measure: 'sum' });
    expect(before[1]).toMatchObject({ level: 0, threshold: 30, text: '0 of 30 refunds in the last 2 days', measure: 'count' });

    for (let i = 0; i < 21; i += 1) {
      const response = await t.decide({ source: 'ai_agent', amount_cents: 20_000 }, { key: org.decisionKey });
      expect(json<DecisionJson>(response).decision.outcome).toBe('allow');
    }
    const level = (await breakers())[0]!;
    expect(level).toMatchObject({ level: 420_000, tripped: false, text: '$4,200 of $5,000 in the last hour' });

    for (let i = 0; i < 5; i += 1) await t.decide({ source: 'ai_agent', amount_cents: 20_000 }, { key: org.decisionKey });
    const tripped = (await breakers())[0]!;
    expect(tripped).toMatchObject({ level: 520_000, tripped: true, text: '$5,200 of $5,000 in the last hour' });
    const next = json<DecisionJson>(await t.decide({ source: 'ai_agent', amount_cents: 100 }, { key: org.decisionKey }));
    expect(next.decision).toMatchObject({ outcome: 'block', matched_rule: 'bot_breaker' });

    // An hour later the window is empty again.
    t.now = new Date(t.now.getTime() + 3_600_000);
    expect((await breakers())[0]).toMatchObject({ level: 0, tripped: false });
  });

  it('is for signed-in people and admin keys, not decision keys', async () => {
    expect((await t.get('/api/controls/breakers', org.decisionKey)).statusCode).toBe(403);
  });
});
