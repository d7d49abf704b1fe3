// The replay report, checked by hand on small_history.jsonl (seven refunds, shuffled, and a bad
// line) through small.axiru:
//
//   re_1 Jan 1 $50    cus_1 support_tool            allow (no rule)
//   re_2 Jan 2 $150   cus_1 support_tool            pending finance_manager by large
//   re_3 Jan 3 $30    cus_1 ai_agent                pending support_lead by bot; repeat matches (re_1, re_2 in 7 days)
//   re_4 Jan 4 $10    cus_2 fraudulent              block by fraud
//   re_5 Jan 5 €80    cus_3                          pending support_lead by euro
//   re_6 Jan 6 ¥3,000 cus_3                          allow
//   re_7 Jan 7 $500   cus_2 ai_agent fraudulent     block by fraud; large and bot match too
import { beforeAll, describe, expect, test } from 'vitest';
import { replay, replayAgainst, replayMany, type ReplayReport } from '@axiru/compiler';
import { fixture, policyFile, policyFrom } from './helpers.js';

const SMALL = policyFile(fixture('small.axiru'));
const HISTORY = fixture('small_history.jsonl');

describe('the report of small_history.jsonl through small.axiru', () => {
  let report: ReplayReport;
  beforeAll(async () => {
    report = await replay(SMALL, [HISTORY]);
  });

  test('counts and amounts by outcome', () => {
    expect(report).toMatchObject({ policy: 'small', policy_version: 'v1', hash: SMALL.hash, refunds: 7 });
    expect(report.from).toBe('2026-01-01T10:00:00.000Z');
    expect(report.to).toBe('2026-01-07T10:00:00.000Z');
    expect(report.by_outcome).toEqual({
      allow: { count: 2, amount: { jpy: 3000, usd: 5000 } },
      flag: { count: 0, amount: {} },
      pending_approval: { count: 3, amount: { eur: 8000, usd: 18000 } },
      block: { count: 2, amount: { usd: 51000 } },
    });
  });

  test('approvals by role', () => {
    expect(report.by_role).toEqual({
      finance_manager: { count: 1, amount: { usd: 15000 } },
      support_lead: { count: 2, amount: { eur: 8000, usd: 3000 } },
    });
  });

  test('every rule, with what it matched and what it decided', () => {
    expect(report.rules).toEqual({
      large: { outcome: 'pending_approval', matched: 2, decided: 1, amount: { usd: 65000 } },
      bot: { outcome: 'pending_approval', matched: 2, decided: 1, amount: { usd: 53000 } },
      repeat: { outcome: 'flag', matched: 1, decided: 0, amount: { usd: 3000 } },
      fraud: { outcome: 'block', matched: 2, decided: 2, amount: { usd: 51000 } },
      euro: { outcome: 'pending_approval', matched: 1, decided: 1, amount: { eur: 8000 } },
    });
  });

  test('drift: what the policy would have stopped, with one example per deciding rule, blocks first', () => {
    expect(report.drift).toEqual({
      blocked: { count: 2, amount: { usd: 51000 } },
      held: { count: 3, amount: { eur: 8000, usd: 18000 } },
      examples: [
        { id: 're_4', outcome: 'block', rule: 'fraud', amount: '$10.00' },
        { id: 're_2', outcome: 'pending_approval', rule: 'large', amount: '$150.00' },
        { id: 're_3', outcome: 'pending_approval', rule: 'bot', amount: '$30.00' },
        { id: 're_5', outcome: 'pending_approval', rule: 'euro', amount: '€80.00' },
      ],
    });
  });

  test("the CFO's four numbers: every refund of history bypassed any control", () => {
    expect(report.cfo).toEqual({
      refunded: { eur: 8000, jpy: 3000, usd: 74000 },
      needed_approval: { eur: 8000, usd: 18000 },
      blocked: { usd: 51000 },
      bypassed: 7,
    });
  });

  test('the bad line is reported, and no results are kept unless asked', () => {
    expect(report.bad_row_count).toBe(1);
    expect(report.bad_rows).toEqual([{ file: HISTORY, line: 4, reason: 'amount `-5` is not a positive integer of minor units' }]);
    expect(report.results).toBeUndefined();
  });
});

describe('replay options', () => {
  test('results, in time order, when asked', async () => {
    const report = await replay(SMALL, [HISTORY], { keepResults: true });
    expect(report.results?.map((r) => `${r.id} ${r.decision.outcome} ${r.decision.matched_rule ?? '-'}`)).toEqual([
      're_1 allow -',
      're_2 pending_approval large',
      're_3 pending_approval bot',
      're_4 block fraud',
      're_5 pending_approval euro',
      're_6 allow -',
      're_7 block fraud',
    ]);
    expect(report.results?.[2]?.decision.matched_rules).toEqual(['bot', 'repeat']);
  });

  test('--since: earlier refunds are not replayed but still count for the facts of later ones', async () => {
    const report = await replay(SMALL, [HISTORY], { since: new Date('2026-01-03T00:00:00Z'), keepResults: true });
    expect(report.refunds).toBe(5);
    expect(report.from).toBe('2026-01-03T10:00:00.000Z');
    // re_3 still sees re_1 and re_2 in its 7-day window.
    expect(report.rules['repeat']?.matched).toBe(1);
    expect(report.results?.[0]?.id).toBe('re_3');
  });

  test('--until: refunds at or after it are left out', async () => {
    const report = await replay(SMALL, [HISTORY], { until: new Date('2026-01-05T10:00:00Z') });
    expect(report.refunds).toBe(4);
    expect(report.to).toBe('2026-01-04T10:00:00.000Z');
  });

  test('progress is reported while reading, then while replaying', async () => {
    const seen: { phase: string; rows: number; bytes: number; totalBytes: number; replayed: number }[] = [];
    await replay(SMALL, [HISTORY], { onProgress: (p) => void seen.push({ ...p }) });
    const last = seen[seen.length - 1];
    expect(seen[0]?.phase).toBe('reading');
    expect(last).toMatchObject({ phase: 'replaying', rows: 7, replayed: 7 });
    expect(last?.bytes).toBe(last?.totalBytes);
    expect(last?.totalBytes).toBeGreaterThan(0);
  });

  test('an invalid Date is refused', async () => {
    await expect(replay(SMALL, [HISTORY], { since: new Date('nope') })).rejects.toThrow(RangeError);
  });

  test('no files: an empty report', async () => {
    const report = await replay(SMALL, []);
    expect(report).toMatchObject({ refunds: 0, from: null, to: null, bad_row_count: 0 });
    expect(Object.keys(report.rules)).toEqual(['large', 'bot', 'repeat', 'fraud', 'euro']);
  });

  test('several files of different formats replay as one history', async () => {
    const report = await replay(SMALL, [HISTORY, fixture('payments_export.csv'), fixture('refunds_list.csv')]);
    expect(report.refunds).toBe(7 + 4 + 4);
    expect(report.bad_row_count).toBe(1 + 3 + 3);
    expect(report.bad_rows.map((r) => r.line)).toEqual([4, 6, 7, 10, 5, 7, 9]);
  });
});

describe('replayAgainst', () => {
  test('counts and amounts per transition between two policies over the same history', async () => {
    const stricter = policyFrom(`policy "small" version 2
roles support_lead < finance_manager
rule large:
  refunds over $40 require finance_manager
rule fraud:
  block refunds when reason is fraudulent
rule euro:
  refunds over €50 require support_lead
`);
    const comparison = await replayAgainst(SMALL, stricter, [HISTORY]);
    expect(comparison.refunds).toBe(7);
    expect(comparison.changed).toBe(2);
    expect(comparison.transitions).toEqual([
      { from: 'allow', to: 'pending_approval', detail: null, count: 1, amount: { usd: 5000 }, by_rule: { large: 1 }, examples: ['re_1'] },
      { from: 'pending_approval', to: 'allow', detail: null, count: 1, amount: { usd: 3000 }, by_rule: { '(otherwise)': 1 }, examples: ['re_3'] },
    ]);
    expect(comparison.before.policy_version).toBe('v1');
    expect(comparison.after.policy_version).toBe('v2');
  });

  test('a change of approver alone is a transition too', async () => {
    const cfo = policyFrom(SMALL_SOURCE_WITH('rule large:\n  refunds over $100 require 2 approvals from finance_manager'));
    const comparison = await replayAgainst(SMALL, cfo, [HISTORY]);
    expect(comparison.transitions).toEqual([
      expect.objectContaining({ from: 'pending_approval', to: 'pending_approval', detail: 'finance_manager -> 2 x finance_manager', count: 1, examples: ['re_2'] }),
    ]);
  });
});

function SMALL_SOURCE_WITH(largeRule: string): string {
  return `policy "small" version 3
roles support_lead < finance_manager
${largeRule}
rule bot:
  refunds from ai_agent over $20 require support_lead
rule repeat:
  flag refunds when customer refunds in last 7 days at least 2
rule fraud:
  block refunds when reason is fraudulent
rule euro:
  refunds over €50 require support_lead
`;
}

describe('replayMany', () => {
  test('one pass for several policies gives each the report of its own replay', async () => {
    const policies = [SMALL, policyFrom(SMALL_SOURCE_WITH('rule large:\n  refunds over $20 require finance_manager'))];
    const together = await replayMany(policies, [HISTORY, fixture('payments_export.csv')]);
    const apart = await Promise.all(policies.map((p) => replay(p, [HISTORY, fixture('payments_export.csv')])));
    expect(together).toEqual(apart);
  });
});
