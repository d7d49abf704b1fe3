// `axiru eval … --lists FILE.json`, and local time and weekday from an input `received_at` in the
// policy's time zone (docs/language.md, "Round 2 additions").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/captureIo.js';
import { EXAMPLES } from '../helpers/paths.js';

const GUARDRAILS = join(EXAMPLES, 'agent-guardrails.axiru');
const dir = mkdtempSync(join(tmpdir(), 'axiru-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function evalWith(input: object, ...extra: string[]) {
  const captured = captureIo();
  const status = await main(['eval', GUARDRAILS, '--input', JSON.stringify(input), ...extra], captured.io);
  return { status, out: captured.stdout(), err: captured.stderr() };
}

const lists = file('lists.json', JSON.stringify({ trainees: ['ann'], vip_customers: [], merchants_under_review: [], flagged_tickets: [] }));

describe('axiru eval with lists and time of day', () => {
  test('--lists supplies the lists; received_at gives local time and weekday in the policy zone', async () => {
    const { status, out } = await evalWith({ amount_cents: 6000, source: 'support_tool', requested_by: 'ann', received_at: '2026-03-10T14:30:00+01:00' }, '--lists', lists);
    expect(status).toBe(0);
    expect(JSON.parse(out).decision).toMatchObject({ outcome: 'pending_approval', matched_rule: 'trainee_review' });
  });

  test('Berlin time decides: 21:30Z on a Tuesday is 22:30 there, a night refund', async () => {
    const { out } = await evalWith({ amount_cents: 4000, source: 'support_tool', requested_by: 'eve', received_at: '2026-03-10T21:30:00Z' }, '--lists', lists, '--explain');
    expect(JSON.parse(out).decision).toMatchObject({ outcome: 'flag', matched_rule: 'night_shift' });
  });

  test('without the lists, the missing ones are named', async () => {
    const { out } = await evalWith({ amount_cents: 4000, source: 'support_tool', requested_by: 'eve', local_time: '09:00', weekday: 'monday' });
    expect(JSON.parse(out).decision.missing_fields).toContain('lists.trainees');
  });

  test('bad lists files and instants are refused with what was wrong', async () => {
    expect((await evalWith({}, '--lists', file('bad.json', '{"trainees": "ann"}'))).err).toContain('list "trainees" must be an array of strings');
    expect((await evalWith({}, '--lists', file('broken.json', '{'))).err).toContain('is not valid JSON');
    expect((await evalWith({ received_at: '2026-03-10 14:30' })).err).toContain('received_at must be an ISO 8601 instant with an offset');
  });
});
