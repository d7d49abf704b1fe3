import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replay } from '@axiru/compiler';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../support/people.js';
import { createTestApp, json, tempDir, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

// Line 4 is a bad row (an amount that is not money); the rest are one refund each.
const REFUNDS_CSV = [
  'Refund ID,Created (UTC),Amount,Currency,Charge ID,Customer ID,source (metadata)',
  're_1,2026-03-01 10:00:00,20.00,usd,ch_1,cus_1,support_tool',
  're_2,2026-03-02 10:00:00,220.00,usd,ch_2,cus_2,support_tool',
  're_3,2026-03-03 10:00:00,twelve,usd,ch_3,cus_3,support_tool',
  're_4,2026-03-04 10:00:00,60.00,usd,ch_4,cus_4,ai_agent',
  're_5,2026-03-05 10:00:00,5000,jpy,ch_5,cus_5,support_tool',
].join('\n') + '\n';

const REFUNDS_JSONL = [
  { id: 're_a', object: 'refund', amount: 1500, currency: 'usd', created: 1772000000, status: 'succeeded', charge: 'ch_a', metadata: { source: 'support_tool' } },
  { id: 're_b', object: 'refund', amount: 30000, currency: 'usd', created: 1772100000, status: 'succeeded', charge: 'ch_b', metadata: { source: 'support_tool' } },
].map((r) => JSON.stringify(r)).join('\n') + '\n';

let t: TestApp;
let other: TestOrg;
const scratch = tempDir('axiru-replay-files-');

beforeAll(async () => {
  t = await createTestApp({ replayMaxBytes: 4096 });
  other = await t.addOrg('Other org');
});
afterAll(async () => {
  await t.close();
  scratch.remove();
});

interface Part { name: string; value: string; filename?: string; type?: string }

function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----axiru-test-boundary';
  const chunks = parts.map((part) => {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? `\r\nContent-Type: ${part.type ?? 'text/csv'}` : '';
    return `--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n${part.value}\r\n`;
  });
  return { payload: Buffer.from(`${chunks.join('')}--${boundary}--\r\n`), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function upload(parts: Part[], key = t.demo.adminKey, query = ''): Promise<LightMyRequestResponse> {
  const body = multipart(parts);
  return t.app.inject({ method: 'POST', url: `/api/replays${query}`, headers: { authorization: `Bearer ${key}`, ...body.headers }, payload: body.payload });
}

function raw(body: string, contentType: string, query = '', key = t.demo.adminKey): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: `/api/replays${query}`, headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, payload: body });
}

interface ReplayJson {
  id: string; status: string; origin: string; created_at: string; delete_after: string; deleted_at: string | null;
  policy_version: string; file_name: string; format: string | null; file_bytes: number;
  progress: { rows: number; replayed: number };
  report: Record<string, any> | null;
  error: { code: string; message: string } | null;
}

async function finished(id: string): Promise<ReplayJson> {
  await t.app.replays.wait(id);
  const response = await t.get(`/api/replays/${id}`, t.demo.adminKey);
  expect(response.statusCode).toBe(200);
  return json<ReplayJson>(response);
}

/** What the engine itself reports for the same file and policy (what `axiru replay --json` prints). */
async function engineReport(content: string, name: string): Promise<unknown> {
  const path = join(scratch.path, name);
  writeFileSync(path, content);
  const stored = await t.app.store.policies.get(t.demo.id, 3);
  const ir = (await t.app.store.policies.getIR(stored!.ir_hash)) as PolicyIR;
  const report = await replay(loadPolicy(ir), [path]);
  return JSON.parse(JSON.stringify({ ...report, bad_rows: report.bad_rows.map((row) => ({ ...row, file: 'FILE' })) }));
}

function withoutFile(report: Record<string, any>): unknown {
  return { ...report, bad_rows: report['bad_rows'].map((row: Record<string, unknown>) => ({ ...row, file: 'FILE' })) };
}

function replayFolders(): string[] {
  const dir = join(t.dataDir, 'replays');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('POST /api/replays', () => {
  it('takes a multipart upload, answers 202 running, and stores the same report as the engine plus one result per refund', async () => {
    const response = await upload([{ name: 'file', value: REFUNDS_CSV, filename: 'refunds.csv' }]);
    expect(response.statusCode).toBe(202);
    const started = json<ReplayJson>(response);
    expect(started).toMatchObject({ status: 'running', origin: 'upload', policy_version: 'v3', file_name: 'refunds.csv', report: null, error: null });
    expect(started.file_bytes).toBe(Buffer.byteLength(REFUNDS_CSV));
    expect(Date.parse(started.delete_after) - Date.parse(started.created_at)).toBe(30 * 86_400_000);

    const done = await finished(started.id);
    expect(done.status).toBe('done');
    expect(done.report!['refunds']).toBe(4);
    expect(done.report!['bad_row_count']).toBe(1);
    expect(done.report!['bad_rows'][0]).toMatchObject({ line: 4 });
    expect(done.report!['bad_rows'][0].reason).toContain('twelve');
    expect(done.progress.rows).toBe(4);
    expect(withoutFile(done.report!)).toEqual(await engineReport(REFUNDS_CSV, 'same.csv'));

    const results = json<{ data: Array<Record<string, unknown>>; next_cursor: string | null }>(
      await t.get(`/api/replays/${started.id}/results?limit=3`, t.demo.adminKey));
    expect(results.data.map((r) => r['refund_id'])).toEqual(['re_1', 're_2', 're_4']);
    expect(results.data[1]).toMatchObject({ n: 2, amount_cents: 22000, currency: 'usd', outcome: 'pending_approval', matched_rule: 'high_value_refund_review', approver_role: 'finance_manager' });
    expect(results.data[2]).toMatchObject({ outcome: 'pending_approval', matched_rule: 'bot_limit', source: 'ai_agent' });
    const rest = json<{ data: Array<Record<string, unknown>>; next_cursor: string | null }>(
      await t.get(`/api/replays/${started.id}/results?limit=3&cursor=${results.next_cursor}`, t.demo.adminKey));
    expect(rest.data.map((r) => [r['refund_id'], r['amount_cents'], r['currency']])).toEqual([['re_5', 5000, 'jpy']]);
    expect(rest.next_cursor).toBeNull();
  });

  it('takes a raw text/csv body with format and policy_version in the query', async () => {
    const response = await raw(REFUNDS_CSV, 'text/csv', '?format=refunds&policy_version=v3&file_name=export.csv');
    expect(response.statusCode).toBe(202);
    const done = await finished(json<ReplayJson>(response).id);
    expect(done).toMatchObject({ status: 'done', format: 'refunds', file_name: 'export.csv' });
    expect(done.report!['refunds']).toBe(4);
  });

  it('takes JSON Lines of Refund objects as application/x-ndjson, and the format as a multipart field after the file', async () => {
    const rawResponse = await raw(REFUNDS_JSONL, 'application/x-ndjson');
    expect(rawResponse.statusCode).toBe(202);
    const done = await finished(json<ReplayJson>(rawResponse).id);
    expect(done.format).toBe('jsonl');
    expect(done.report!['by_outcome']).toMatchObject({ allow: { count: 1, amount: { usd: 1500 } }, pending_approval: { count: 1, amount: { usd: 30000 } } });

    const multi = await upload([{ name: 'file', value: REFUNDS_JSONL, filename: 'refunds.txt', type: 'text/plain' }, { name: 'format', value: 'jsonl' }]);
    expect(multi.statusCode).toBe(202);
    expect((await finished(json<ReplayJson>(multi).id)).report!['refunds']).toBe(2);
  });

  it('refuses bad uploads with a 4xx naming the field, and leaves nothing behind', async () => {
    const before = json<{ data: unknown[] }>(await t.get('/api/replays?limit=200', t.demo.adminKey)).data.length;
    const foldersBefore = replayFolders().length;
    const cases: Array<[Promise<LightMyRequestResponse>, number, string, string | null]> = [
      [upload([{ name: 'format', value: 'refunds' }]), 400, 'missing_field', 'file'],
      [upload([{ name: 'file', value: REFUNDS_CSV, filename: 'a.csv' }, { name: 'colour', value: 'red' }]), 400, 'unknown_field', 'colour'],
      [upload([{ name: 'history', value: REFUNDS_CSV, filename: 'a.csv' }]), 400, 'unknown_field', 'history'],
      [upload([{ name: 'file', value: REFUNDS_CSV, filename: 'a.csv' }, { name: 'format', value: 'xlsx' }]), 400, 'invalid_field', 'format'],
      [upload([{ name: 'file', value: REFUNDS_CSV, filename: 'a.csv' }, { name: 'policy_version', value: 'v99' }]), 404, 'not_found', 'policy_version'],
      [upload([{ name: 'file', value: '', filename: 'a.csv' }]), 400, 'empty_file', 'file'],
      [upload([{ name: 'file', value: 'Name,Colour\nx,red\n', filename: 'a.csv' }]), 400, 'unreadable_history', 'file'],
      [upload([{ name: 'file', value: 'x'.repeat(5000), filename: 'big.csv' }]), 413, 'body_too_large', 'file'],
      [raw('x'.repeat(5000), 'text/csv'), 413, 'body_too_large', 'file'],
      [raw(REFUNDS_CSV, 'text/csv', '?policy_version=3'), 400, 'invalid_field', 'policy_version'],
      [raw(REFUNDS_CSV, 'text/csv', '?colour=red'), 400, 'unknown_field', 'colour'],
      [raw('{"a":1}', 'application/json'), 415, 'unsupported_media_type', null],
      [raw(REFUNDS_CSV, 'text/plain'), 415, 'unsupported_media_type', null],
    ];
    for (const [pending, status, code, field] of cases) {
      const response = await pending;
      expect(response.statusCode, response.body).toBe(status);
      expect(json<ErrorJson>(response).error).toMatchObject({ code, field });
    }
    const unreadable = json<ErrorJson>(await upload([{ name: 'file', value: 'Name,Colour\nx,red\n', filename: 'a.csv' }]));
    expect(unreadable.error.message).toMatch(/no column for/);
    expect(json<{ data: unknown[] }>(await t.get('/api/replays?limit=200', t.demo.adminKey)).data).toHaveLength(before);
    expect(replayFolders()).toHaveLength(foldersBefore);
  });

  it('needs an admin key or an admin user to upload; any user may read', async () => {
    const approver = await addUser(t, ['finance_manager']);
    const admin = await addUser(t, ['admin']);
    expect((await raw(REFUNDS_CSV, 'text/csv', '', t.demo.decisionKey)).statusCode).toBe(403);
    expect((await raw(REFUNDS_CSV, 'text/csv', '', approver.key)).statusCode).toBe(403);
    const byAdminUser = await raw(REFUNDS_CSV, 'text/csv', '', admin.key);
    expect(byAdminUser.statusCode).toBe(202);
    const id = json<ReplayJson>(byAdminUser).id;
    await t.app.replays.wait(id);
    expect((await t.get(`/api/replays/${id}`, approver.key)).statusCode).toBe(200);
    expect((await t.get('/api/replays', t.demo.decisionKey)).statusCode).toBe(403);
  });

  it("answers another organisation's replay exactly like one that does not exist", async () => {
    const id = json<ReplayJson>(await raw(REFUNDS_CSV, 'text/csv')).id;
    await t.app.replays.wait(id);
    const foreign = await t.get(`/api/replays/${id}`, other.adminKey);
    const missing = await t.get('/api/replays/rpl_00000000000000000000000000000000', other.adminKey);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toBe(missing.body);
    expect((await t.get(`/api/replays/${id}/results`, other.adminKey)).body).toBe(missing.body);
    expect(json<{ data: unknown[] }>(await t.get('/api/replays', other.adminKey)).data).toEqual([]);
  });
});

describe('GET /api/replays', () => {
  it('lists newest first with summary numbers and cursor pagination', async () => {
    const org = await t.addOrg('Lister');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await raw(REFUNDS_CSV, 'text/csv', '', org.adminKey);
      ids.push(json<ReplayJson>(response).id);
      await t.app.replays.wait(ids[i]!);
    }
    const first = json<{ data: Array<Record<string, any>>; next_cursor: string | null }>(await t.get('/api/replays?limit=2', org.adminKey));
    expect(first.data.map((r) => r['id'])).toEqual([ids[2], ids[1]]);
    expect(first.data[0]!['summary']).toMatchObject({ refunds: 4, bad_row_count: 1, by_outcome: { block: { count: 0 } } });
    expect(first.data[0]).not.toHaveProperty('report');
    const second = json<{ data: Array<Record<string, any>>; next_cursor: string | null }>(await t.get(`/api/replays?limit=2&cursor=${first.next_cursor}`, org.adminKey));
    expect(second.data.map((r) => r['id'])).toEqual([ids[0]]);
    expect(second.next_cursor).toBeNull();
    expect((await t.get('/api/replays?cursor=bm9wZQ', org.adminKey)).statusCode).toBe(400);
  });
});

describe('retention', () => {
  it('deletes the uploaded history and per-refund results 30 days after creation, keeping the report summary', async () => {
    const org = await t.addOrg('Retention');
    const id = json<ReplayJson>(await raw(REFUNDS_CSV, 'text/csv', '', org.adminKey)).id;
    await t.app.replays.wait(id);
    const done = json<ReplayJson>(await t.get(`/api/replays/${id}`, org.adminKey));
    expect(done.report!['drift'].examples.length).toBeGreaterThan(0);
    expect(existsSync(join(t.dataDir, 'replays', id, 'history'))).toBe(true);

    const start = t.now;
    t.now = new Date(Date.parse(done.delete_after) - 1000);
    expect(await t.app.replays.purgeExpired()).toBe(0);
    expect(existsSync(join(t.dataDir, 'replays', id))).toBe(true);

    t.now = new Date(Date.parse(done.delete_after));
    expect(await t.app.replays.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(t.dataDir, 'replays', id))).toBe(false);
    const after = json<ReplayJson>(await t.get(`/api/replays/${id}`, org.adminKey));
    expect(after.deleted_at).not.toBeNull();
    expect(after.status).toBe('done');
    expect(after.report!['refunds']).toBe(4);
    expect(after.report!['by_outcome']).toEqual(done.report!['by_outcome']);
    expect(after.report!['drift'].examples).toEqual([]);
    expect(after.report!['bad_rows']).toEqual([]);
    expect(after.report!['bad_row_count']).toBe(1);
    const results = await t.get(`/api/replays/${id}/results`, org.adminKey);
    expect(results.statusCode).toBe(410);
    expect(json<ErrorJson>(results).error.code).toBe('deleted');
    expect(await t.app.store.replays.results(id, 0, 10)).toEqual([]);
    t.now = start;
  });
});
