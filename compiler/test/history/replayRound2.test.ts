// Replay of a history with lists, velocity facts and local time (docs/language.md, "Round 2
// additions"): velocity_history.jsonl through guardrails.axiru, with guardrails_lists.json.
// The facts come from the history as the server computes them (the runtime's computeFacts):
//
//   re_a Mon 10:00Z $2,000 ai_agent cus_1             allow (nothing refunded before)
//   re_b Mon 10:10Z $2,000 ai_agent cus_2             allow ($2,000 from ai_agent in the hour)
//   re_c Mon 10:20Z $2,000 ai_agent cus_1             flag by busy_customer (cus_1: 1 refund, $2,000); $4,000 is not over $5,000
//   re_d Mon 10:30Z $2,000 ai_agent cus_3             block by bot_breaker ($6,000 in the hour)
//   re_e Mon 11:25Z $2,000 ai_agent cus_3             flag by busy_customer; only re_d is in (10:25, 11:25]
//   re_f Mon 12:00Z $30 support_tool cus_9 (ann)      flag by vip (cus_9 is on vip_customers)
//   re_g Mon 22:30Z $30 support_tool cus_4            flag by night (23:30 in Berlin)
//   re_h Sat 09:00Z $30 support_tool cus_4            flag by night (a Saturday in Berlin)
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { replay } from '@axiru/compiler';
import { main } from '../../src/cli/main.js';
import { captureIo, fixture, policyFile } from './helpers.js';

async function cli(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const io = captureIo();
  const status = await main(argv, io);
  return { status, out: io.stdout(), err: io.stderr() };
}

const POLICY = fixture('guardrails.axiru');
const HISTORY = fixture('velocity_history.jsonl');
const LISTS = JSON.parse(readFileSync(fixture('guardrails_lists.json'), 'utf8')) as Record<string, string[]>;

describe('replay with lists, velocity and local time', () => {
  test('each refund decides as the server would have decided it', async () => {
    const report = await replay(policyFile(POLICY), [HISTORY], { keepResults: true, lists: LISTS });
    const decided = Object.fromEntries((report.results ?? []).map(({ id, decision }) => [id, `${decision.outcome}${decision.matched_rule ? ` by ${decision.matched_rule}` : ''}`]));
    expect(decided).toEqual({
      re_a: 'allow',
      re_b: 'allow',
      re_c: 'flag by busy_customer',
      re_d: 'block by bot_breaker',
      re_e: 'flag by busy_customer',
      re_f: 'flag by vip',
      re_g: 'flag by night',
      re_h: 'flag by night',
    });
    // Only re_f says who asked (metadata requested_by); the others lack it, and nothing else.
    for (const { id, decision } of report.results ?? []) expect(decision.missing_fields).toEqual(id === 're_f' ? [] : ['requested_by']);
  });

  test('without the lists, list tests are unknown and name the list', async () => {
    const report = await replay(policyFile(POLICY), [HISTORY], { keepResults: true });
    const missing = new Set((report.results ?? []).flatMap(({ decision }) => decision.missing_fields));
    expect([...missing].sort()).toEqual(['lists.trainees', 'lists.vip_customers', 'requested_by']);
  });

  test('`axiru replay --lists` reads the lists from a file', async () => {
    const { status, out } = await cli(['replay', POLICY, HISTORY, '--lists', fixture('guardrails_lists.json'), '--json']);
    expect(status).toBe(0);
    const report = JSON.parse(out) as { by_outcome: Record<string, { count: number }> };
    expect(Object.fromEntries(Object.entries(report.by_outcome).map(([k, v]) => [k, v.count]))).toEqual({ allow: 2, flag: 5, pending_approval: 0, block: 1 });
  });

  test('a lists file that is not an object of string arrays is refused with the list named', async () => {
    const { status, err } = await cli(['replay', POLICY, HISTORY, '--lists', fixture('mapping.json')]);
    expect(status).toBe(2);
    expect(err).toMatch(/--lists .*mapping\.json: list "\w+" must be an array of strings/);
  });
});
