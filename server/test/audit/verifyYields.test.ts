import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/services/verifyChain.js';
import { createTestApp, type TestApp } from '../support/testApp.js';

// Verification reads synchronously underneath; it must still let the server do other work
// between pages rather than hold the event loop for the whole chain.
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const answers = await Promise.all(Array.from({ length: 1_100 }, (_, i) =>
    t.decide({ source: 'support_tool', amount_cents: 1_000 + i, customer_id: `cus_${i % 40}` })));
  expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
});

afterAll(async () => {
  await t.close();
});

describe('verifyChain', () => {
  it('gives the event loop a turn between pages of a long chain, and still verifies all of it', async () => {
    const order: string[] = [];
    const verifying = verifyChain(t.app.store, t.demo.id).then((report) => {
      order.push('verified');
      return report;
    });
    setImmediate(() => order.push('other work'));
    const report = await verifying;
    expect(report).toMatchObject({ ok: true, first_bad_seq: null });
    expect(report.records).toBeGreaterThan(1_100);
    expect(order).toEqual(['other work', 'verified']);
  });
});
