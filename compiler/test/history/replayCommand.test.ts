// `axiru replay`, run in-process through main(argv, io).
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo, fixture, PACK, tempDir } from './helpers.js';

const TMP = tempDir();
const SMALL = fixture('small.axiru');
const HISTORY = fixture('small_history.jsonl');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(['replay', ...argv], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('axiru replay POLICY FILE...', () => {
  test('prints the report for people', async () => {
    const { code, out, err } = await run(SMALL, HISTORY);
    expect(code).toBe(0);
    expect(err).toBe('');
    const lines = out.split('\n');
    expect(lines[0]).toBe('small v1 replayed over 7 refunds, 2026-01-01 10:00 UTC to 2026-01-07 10:00 UTC');
    expect(lines).toContain('  would allow                            2  ¥3,000 · $50.00');
    expect(lines).toContain('  would need approval                    3  €80.00 · $180.00');
    expect(lines).toContain('  would block                            2  $510.00');
    expect(lines).toContain('  finance_manager                        1  $150.00');
    expect(out).toMatch(/\n {2}fraud +2 +2 {2}block +\$510\.00\n/);
    expect(out).toContain('Policy drift: refunds that happened, but this policy would have stopped');
    expect(out).toContain('    re_4  $10.00  block by fraud');
    expect(out).toContain('  total refunded                 €80.00 · ¥3,000 · $740.00');
    expect(out).toContain('  bypassed any control           7 of 7 refunds');
    expect(out).toContain('no refund in it passed through a control');
    expect(out).toContain('1 row could not be read');
    expect(out).toContain(`  ${HISTORY}:4: amount \`-5\` is not a positive integer of minor units`);
  });

  test('--json prints one document with refunds and every outcome', async () => {
    const { code, out } = await run(SMALL, HISTORY, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown> & { by_outcome: Record<string, { count: number; amount: Record<string, number> }> };
    expect(report['refunds']).toBe(7);
    expect(Object.keys(report.by_outcome)).toEqual(['allow', 'flag', 'pending_approval', 'block']);
    expect(report.by_outcome['pending_approval']).toEqual({ count: 3, amount: { eur: 8000, usd: 18000 } });
    expect(report['results']).toBeUndefined();
  });

  test('--since and --until take dates', async () => {
    const { out } = await run(SMALL, HISTORY, '--json', '--since', '2026-01-03', '--until', '2026-01-06T00:00:00Z');
    expect(JSON.parse(out)).toMatchObject({ refunds: 3, from: '2026-01-03T10:00:00.000Z', to: '2026-01-05T10:00:00.000Z' });
  });

  test('--mapping reads CSV files with other headers', async () => {
    const { code, out } = await run(SMALL, fixture('refunds_custom.csv'), '--mapping', fixture('mapping.json'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ refunds: 2, cfo: { refunded: { gbp: 201999 } } });
  });

  test('--format overrides sniffing', async () => {
    const path = join(TMP, 'history.txt');
    copyFileSync(HISTORY, path);
    const { code, out } = await run(SMALL, path, '--format', 'jsonl', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ refunds: 7 });
  });
});

describe('axiru replay --against', () => {
  test('prints how decisions change, per transition, with counts and amounts', async () => {
    const other = join(TMP, 'stricter.axiru');
    writeFileSync(other, 'policy "small" version 2\nroles finance_manager\nrule large:\n  refunds over $40 require finance_manager\n');
    const { code, out } = await run(SMALL, HISTORY, '--against', other);
    expect(code).toBe(0);
    expect(out).toContain('small v1 -> small v2 over 7 refunds');
    expect(out).toContain('  allow -> pending_approval: 1, $50.00');
    expect(out).toContain('  block -> pending_approval: 1, $500.00');
    expect(out).toContain('  block -> allow: 1, $10.00');
    expect(out).toContain('  pending_approval -> allow: 2, €80.00 · $30.00');
    expect(out).toContain('5 refunds decided differently (71.4%)');
  });

  test('--json prints both reports and the transitions', async () => {
    const { out } = await run(SMALL, HISTORY, '--against', SMALL, '--json');
    const comparison = JSON.parse(out) as { refunds: number; changed: number; transitions: unknown[]; before: { refunds: number }; after: { refunds: number } };
    expect(comparison).toMatchObject({ refunds: 7, changed: 0, transitions: [], before: { refunds: 7 }, after: { refunds: 7 } });
  });
});

describe('axiru replay --pack', () => {
  test('with the curated pack by default: per policy, what it would have caught', async () => {
    const { code, out } = await run('--pack', HISTORY);
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe('7 policies replayed over 7 refunds, 2026-01-01 10:00 UTC to 2026-01-07 10:00 UTC');
    // re_3 ($30) is from a customer of an hour ago; re_7 ($500) is over the agent's $100.
    expect(out).toContain('pack-bot-and-automation-limits v1: would have caught 2 refunds (28.6%)\n  blocked                      0  —\n  held for approval            2  $530.00');
    expect(out).toContain('  caught most by: agent_ceiling 1, bot_new_customer 1');
    // Every customer of this history paid for the first time hours before their refunds.
    expect(out).toContain('pack-new-customer-block v1: would have caught 7 refunds (100.0%)');
    expect(out).toContain('pack-high-value-review v1: would have caught 0 refunds');
  });

  test('with a pack given as files or a directory; --json has a report per policy', async () => {
    const { code, out } = await run('--pack', join(PACK, 'high-value-review.axiru'), join(PACK, 'stale-charges.axiru'), HISTORY, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { refunds: number; policies: { policy: string }[] };
    expect(json.refunds).toBe(7);
    expect(json.policies.map((p) => p.policy)).toEqual(['pack-high-value-review', 'pack-stale-charges']);
    const fromDirectory = JSON.parse((await run('--pack', PACK, HISTORY, '--json')).out) as { policies: unknown[] };
    expect(fromDirectory.policies).toHaveLength(7);
  });
});

describe('exit codes', () => {
  test('2 for a history file that cannot be read', async () => {
    const { code, err } = await run(SMALL, fixture('no-such-history.csv'));
    expect(code).toBe(2);
    expect(err).toBe(`axiru: ${fixture('no-such-history.csv')}: no such file`);
  });

  test('2 for a bad mapping, and for a mapping naming a column the file lacks', async () => {
    const bad = await run(SMALL, fixture('refunds_custom.csv'), '--mapping', fixture('bad_mapping.json'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('`amount` must be a column header');
    const missing = await run(SMALL, fixture('refunds_custom.csv'), '--mapping', fixture('mapping_missing_column.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('No Such Column');
    const absent = await run(SMALL, HISTORY, '--mapping', fixture('no-such-mapping.json'));
    expect(absent.code).toBe(2);
  });

  test('2 for a CSV without the columns its format needs', async () => {
    const { code, err } = await run(SMALL, fixture('refunds_custom.csv'));
    expect(code).toBe(2);
    expect(err).toContain('no column for created');
  });

  test('2 for a bad date, a bad format, no history file, --against with --pack', async () => {
    expect((await run(SMALL, HISTORY, '--since', 'last week')).code).toBe(2);
    expect((await run(SMALL, HISTORY, '--format', 'xml')).code).toBe(2);
    expect((await run(SMALL)).code).toBe(2);
    expect((await run('--pack', HISTORY, '--against', SMALL)).code).toBe(2);
    expect((await run('--pack')).code).toBe(2);
  });

  test('2 for a policy file that does not exist, 1 for one that does not compile', async () => {
    expect((await run(fixture('nope.axiru'), HISTORY)).code).toBe(2);
    const broken = join(TMP, 'broken.axiru');
    writeFileSync(broken, 'policy "broken" version 1\nrule x:\n  refunds over $10 require nobody\n');
    const { code, err } = await run(broken, HISTORY);
    expect(code).toBe(1);
    expect(err).toContain('nobody');
  });
});
