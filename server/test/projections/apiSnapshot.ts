// Every GET answer of the API for one organisation's ledger, as bytes: the lists, each intent
// (its detail, proof and replay), the numbers, diffs, controls, approvals, checkpoints. Two
// snapshots of the same ledger must be identical whatever state the projections were in.

import { expect } from 'vitest';
import type { TestApp } from '../support/testApp.js';

export async function apiSnapshot(t: TestApp, intents: readonly string[]): Promise<Map<string, string>> {
  const urls = [
    '/api/intents?limit=200',
    '/api/intents?status=pending_approval&limit=200',
    '/api/intents?status=executed&limit=200',
    '/api/intents?outcome=block&limit=100',
    '/api/approvals',
    '/api/approvals/settings',
    '/api/controls',
    '/api/org',
    '/api/org/numbers?since=2026-01-01T00:00:00Z&until=2027-01-01T00:00:00Z',
    '/api/org/numbers?since=2026-04-28T14:32:11.100Z&until=2026-04-28T14:32:12Z',
    '/api/policies',
    '/api/policies/v3',
    '/api/policies/v4',
    '/api/policies/v4/diff?since=2026-01-01T00:00:00Z&until=2027-01-01T00:00:00Z&limit=200',
    '/api/policies/v3/diff?since=2026-01-01T00:00:00Z&until=2027-01-01T00:00:00Z&limit=200',
    '/api/audit/verify',
    '/api/audit/checkpoints',
    '/api/audit/checkpoints/latest',
    '/api/audit/public-keys',
    '/api/webhooks',
    '/api/users',
    '/api/stripe/connection',
    '/api/exports',
    '/api/lists',
    '/api/lists/vip_customers',
  ];
  for (const id of intents) urls.push(`/api/intents/${id}`, `/api/intents/${id}/proof`, `/api/intents/${id}/replay`);
  const answers = new Map<string, string>();
  for (const url of urls) {
    const response = await t.get(url, t.demo.adminKey);
    answers.set(url, `${response.statusCode} ${response.body}`);
  }
  return answers;
}

/** Compares two snapshots answer by answer, so a failure names the URL. */
export function expectSameAnswers(actual: Map<string, string>, expected: Map<string, string>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [url, answer] of expected) expect(actual.get(url), url).toBe(answer);
}
