import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { addUser, del, post } from '../support/people.js';
import { addSink, type SinkJson } from '../support/exportsHelpers.js';
import { hashApiKey } from '../../src/services/apiKeys.js';
import { createTestApp, json, tempDir, type ErrorJson, type TestApp, type TestOrg } from '../support/testApp.js';

let t: TestApp;
let other: TestOrg;
let dir: { path: string; remove: () => void };
beforeAll(async () => {
  t = await createTestApp();
  // Sinks here point nowhere reachable; the app's loop must not matter to these tests.
  await t.app.exportDeliverer.stop();
  other = await t.addOrg('Other org');
  dir = tempDir('axiru-exports-api-');
});
afterAll(async () => {
  await t.close();
  dir.remove();
});

async function rejected(body: unknown, status = 400): Promise<ErrorJson['error']> {
  const response = await post(t, '/api/exports', t.demo.adminKey, body);
  expect(response.statusCode, response.body).toBe(status);
  return json<ErrorJson>(response).error;
}

describe('POST /api/exports', () => {
  it('creates each type of sink with defaults, starting at seq 0, secrets redacted', async () => {
    const files = await addSink(t, { type: 'files', dir: join(dir.path, 'out') });
    expect(files).toMatchObject({ type: 'files', name: 'files', format: 'ocsf', origin: 'api', cursor_seq: 0, in_flight: null, attempts: 0, last_error: null });
    expect(files.head_seq).toBeGreaterThan(0);
    expect(files.records_behind).toBe(files.head_seq);
    expect(files.settings).toEqual({ dir: join(dir.path, 'out'), batch_size: 1000 });
    const splunk = await addSink(t, { type: 'splunk', name: 'soc', url: 'https://splunk.example.com:8088', token: 'abc', format: 'ecs' });
    expect(splunk).toMatchObject({ name: 'soc', format: 'ecs' });
    expect(splunk.settings).toEqual({ url: 'https://splunk.example.com:8088', token: '[redacted]', batch_size: 500 });
    const datadog = await addSink(t, { type: 'datadog', api_key: 'k' });
    expect(datadog.settings).toEqual({ url: 'https://http-intake.logs.datadoghq.com', api_key: '[redacted]', batch_size: 1000 });
    const s3 = await addSink(t, { type: 's3', bucket: 'audit-bucket', access_key_id: 'AK', secret_access_key: 'SK', session_token: 'ST' });
    expect(s3.settings).toMatchObject({ bucket: 'audit-bucket', access_key_id: 'AK', secret_access_key: '[redacted]', session_token: '[redacted]' });
    const response = await t.get('/api/exports', t.demo.adminKey);
    expect(response.statusCode).toBe(200);
    expect(json<{ data: SinkJson[] }>(response).data.map((sink) => sink.id)).toEqual([files.id, splunk.id, datadog.id, s3.id]);
    expect(response.body).not.toMatch(/"abc"|"SK"|"ST"|"k"/);
  });

  it('names the field of every bad setting', async () => {
    expect(await rejected({ url: 'https://x.example' })).toMatchObject({ code: 'missing_field', field: 'type' });
    expect(await rejected({ type: 'kafka' })).toMatchObject({ code: 'invalid_field', field: 'type' });
    expect(await rejected({ type: 'splunk', url: 'https://x.example', token: 't', colour: 'red' })).toMatchObject({ code: 'unknown_field', field: 'colour' });
    expect(await rejected({ type: 'splunk', token: 't' })).toMatchObject({ field: 'url', message: expect.stringContaining('required for a splunk sink') });
    expect(await rejected({ type: 'splunk', url: 'https://x.example', token: 't', bucket: 'b-b-b' })).toMatchObject({ field: 'bucket', message: expect.stringContaining('not a setting of a splunk sink') });
    expect(await rejected({ type: 'splunk', url: 'ftp://x.example', token: 't' })).toMatchObject({ field: 'url' });
    expect(await rejected({ type: 'files', dir: 'relative/path' })).toMatchObject({ field: 'dir', message: expect.stringContaining('absolute') });
    expect(await rejected({ type: 'files', dir: '/tmp/x', batch_size: '10' })).toMatchObject({ field: 'batch_size' });
    expect(await rejected({ type: 'files', dir: '/tmp/x', batch_size: 0 })).toMatchObject({ field: 'batch_size' });
    expect(await rejected({ type: 'datadog', api_key: 'k', batch_size: 1001 })).toMatchObject({ field: 'batch_size', message: expect.stringContaining('1000') });
    expect(await rejected({ type: 'datadog', api_key: 'k', format: 'cef' })).toMatchObject({ field: 'format' });
    expect(await rejected({ type: 's3', bucket: 'Not_A_Bucket' })).toMatchObject({ field: 'bucket' });
    expect(await rejected({ type: 's3', bucket: 'ok-bucket', access_key_id: 'AK' })).toMatchObject({ field: 'secret_access_key' });
    expect(await rejected({ type: 's3', bucket: 'ok-bucket', force_path_style: 'true' })).toMatchObject({ field: 'force_path_style' });
    expect(await rejected([1, 2])).toMatchObject({ code: 'invalid_request' });
  });

  it('needs an admin key or an admin user to write, and any user to read', async () => {
    const reader = await addUser(t, ['support_lead']);
    const admin = await addUser(t, ['admin']);
    expect((await post(t, '/api/exports', t.demo.decisionKey, { type: 'datadog', api_key: 'k' })).statusCode).toBe(403);
    expect((await post(t, '/api/exports', reader.key, { type: 'datadog', api_key: 'k' })).statusCode).toBe(403);
    expect((await post(t, '/api/exports', 'sk_test_nope', { type: 'datadog', api_key: 'k' })).statusCode).toBe(401);
    const created = await addSink(t, { type: 'datadog', name: 'by-user', api_key: 'k' }, admin.key);
    expect((await t.get('/api/exports', reader.key)).statusCode).toBe(200);
    expect((await t.get('/api/exports', t.demo.decisionKey)).statusCode).toBe(403);
    expect((await del(t, `/api/exports/${created.id}`, reader.key)).statusCode).toBe(403);
  });
});

describe('tenant isolation and DELETE', () => {
  it('answers a foreign sink exactly like a missing one, and deletes only its own', async () => {
    const mine = await addSink(t, { type: 'datadog', name: 'mine', api_key: 'k' });
    const theirs = await addSink(t, { type: 'datadog', name: 'theirs', api_key: 'k' }, other.adminKey);
    const foreign = await t.get(`/api/exports/${theirs.id}`, t.demo.adminKey);
    const missing = await t.get('/api/exports/exp_00000000000000000000', t.demo.adminKey);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).toBe(missing.body);
    const foreignDelete = await del(t, `/api/exports/${theirs.id}`, t.demo.adminKey);
    expect(foreignDelete.statusCode).toBe(404);
    expect(foreignDelete.body).toBe((await del(t, '/api/exports/exp_00000000000000000000', t.demo.adminKey)).body);
    expect(json<{ data: SinkJson[] }>(await t.get('/api/exports', t.demo.adminKey)).data.map((sink) => sink.id)).not.toContain(theirs.id);
    // Each organisation's sink follows its own chain.
    expect(theirs.head_seq).toBe((await t.app.store.ledger.head(other.id))?.seq);

    const deleted = await del(t, `/api/exports/${mine.id}`, t.demo.adminKey);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(json<{ deleted: boolean; export: SinkJson }>(deleted)).toMatchObject({ deleted: true, export: { id: mine.id } });
    expect((await t.get(`/api/exports/${mine.id}`, t.demo.adminKey)).statusCode).toBe(404);
    expect((await del(t, `/api/exports/${mine.id}`, t.demo.adminKey)).statusCode).toBe(404);
    expect((await t.get(`/api/exports/${theirs.id}`, other.adminKey)).statusCode).toBe(200);
    // A deleted sink leaves the metrics at the next scrape; the other organisation's stays.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).not.toContain(`sink="${mine.id}"`);
    expect(metrics).toContain(`axiru_export_records_behind{org="${other.id}",sink="${theirs.id}",name="theirs",type="datadog"}`);
  });
});

/** The organisation's records after `afterSeq`, bodies parsed. */
async function recordsAfter(orgId: string, afterSeq: number): Promise<{ seq: number; kind: string; actor: string; body: Record<string, unknown> }[]> {
  const records = await t.app.store.ledger.scan(orgId, afterSeq, 1000);
  return records.map((record) => ({ seq: record.seq, kind: record.kind, actor: record.actor, body: JSON.parse(record.body) as Record<string, unknown> }));
}

describe('sealed sink changes', () => {
  it('seals each sink added or deleted through the API, with its actor and its secrets redacted', async () => {
    const before = (await t.app.store.ledger.head(t.demo.id))!.seq;
    const sink = await addSink(t, { type: 'splunk', name: 'sealed', url: 'https://splunk.example.com:8088', token: 'hec-secret-token' });
    expect((await del(t, `/api/exports/${sink.id}`, t.demo.adminKey)).statusCode).toBe(200);
    const records = await recordsAfter(t.demo.id, before);
    expect(records.map((record) => [record.kind, record.body['action']])).toEqual([['org', 'export_sink_added'], ['org', 'export_sink_removed']]);
    const adminKeyId = (await t.app.store.apiKeys.findByHash(hashApiKey(t.demo.adminKey)))!.id;
    for (const record of records) {
      expect(record.actor).toBe(`api_key:${adminKeyId}`);
      expect(record.body['sink']).toEqual({
        id: sink.id, type: 'splunk', name: 'sealed', format: 'ocsf', origin: 'api',
        settings: { url: 'https://splunk.example.com:8088', token: '[redacted]', batch_size: 500 },
      });
    }
    expect(JSON.stringify(records)).not.toContain('hec-secret-token');
    // A refused change seals nothing.
    const head = (await t.app.store.ledger.head(t.demo.id))!.seq;
    expect((await post(t, '/api/exports', t.demo.adminKey, { type: 'splunk', token: 't' })).statusCode).toBe(400);
    expect((await del(t, `/api/exports/${sink.id}`, t.demo.adminKey)).statusCode).toBe(404);
    expect((await t.app.store.ledger.head(t.demo.id))!.seq).toBe(head);
    expect((await t.get('/api/audit/verify', t.demo.adminKey)).body).toContain('"ok":true');
  });

  it('seals the config file\'s additions, changes and removals as the system', async () => {
    const before = (await t.app.store.ledger.head(other.id))!.seq;
    const line = { org: other.id, settings: { type: 'datadog', name: 'from-file', format: 'ecs', batch_size: 1000, url: 'http://127.0.0.1:9', api_key: 'dd-secret' } } as const;
    await t.app.exportSinks.configure([line]);
    await t.app.exportSinks.configure([line]);
    await t.app.exportSinks.configure([{ ...line, settings: { ...line.settings, url: 'http://127.0.0.1:10' } }]);
    await t.app.exportSinks.configure([]);
    const records = await recordsAfter(other.id, before);
    // An unchanged line (the second start) seals nothing.
    expect(records.map((record) => record.body['action'])).toEqual(['export_sink_added', 'export_sink_changed', 'export_sink_removed']);
    expect(records.every((record) => record.kind === 'org' && record.actor === 'system')).toBe(true);
    expect(records.map((record) => (record.body['sink'] as { settings: { url: string } }).settings.url))
      .toEqual(['http://127.0.0.1:9', 'http://127.0.0.1:10', 'http://127.0.0.1:10']);
    expect(records[0]!.body['sink']).toMatchObject({ name: 'from-file', origin: 'config', format: 'ecs', settings: { api_key: '[redacted]' } });
    expect(JSON.stringify(records)).not.toContain('dd-secret');
  });
});

describe('sinks from the config file', () => {
  function writeConfig(content: unknown): string {
    const file = join(dir.path, `axiru-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('reads one line per sink, resolving a relative dir against the file', () => {
    const file = writeConfig({ exports: [
      { org: t.demo.id, type: 'splunk', url: 'https://splunk.example.com:8088', token: 'T' },
      { type: 'files', dir: 'exports-out', name: 'local' },
    ] });
    const config = resolveConfig({ config: file }, {});
    expect(config.exports).toEqual([
      { org: t.demo.id, settings: { type: 'splunk', name: 'splunk', format: 'ocsf', batch_size: 500, url: 'https://splunk.example.com:8088', token: 'T' } },
      { org: null, settings: { type: 'files', name: 'local', format: 'ocsf', batch_size: 1000, dir: join(dir.path, 'exports-out') } },
    ]);
    expect(resolveConfig({}, { AXIRU_CONFIG: file }).exports).toHaveLength(2);
    expect(resolveConfig({}, {}).exports).toEqual([]);
  });

  it('stops with a message naming the setting at fault', () => {
    const message = (content: unknown): string => {
      try {
        resolveConfig({ config: writeConfig(content) }, {});
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(message('{ not json')).toContain('not valid JSON');
    expect(message({ export: [] })).toContain('unknown section "export"');
    expect(message({ exports: {} })).toContain('"exports" must be an array');
    expect(message({ exports: [{ type: 'splunk', url: 'https://x.example', token: 't', tokn: 'x' }] })).toContain('exports[0].tokn');
    expect(message({ exports: [{ type: 'datadog', api_key: 'k' }, { type: 'splunk', token: 't' }] })).toContain('exports[1].url');
    expect(message({ exports: [{ url: 'https://x.example' }] })).toContain('exports[0].type is required');
    expect(message({ exports: [{ type: 'files', dir: '/x', batch_size: -1 }] })).toContain('exports[0].batch_size');
    expect(() => resolveConfig({ config: join(dir.path, 'missing.json') }, {})).toThrow(/cannot read/);
  });

  it('keeps a config sink position across restarts, refuses its DELETE, and retires removed lines', async () => {
    const line = { org: t.demo.id, settings: { type: 'datadog', name: 'dd', format: 'ocsf', batch_size: 1000, url: 'http://127.0.0.1:9', api_key: 'k' } } as const;
    await t.app.exportSinks.configure([line]);
    const list = async (): Promise<SinkJson[]> => json<{ data: SinkJson[] }>(await t.get('/api/exports', t.demo.adminKey)).data.filter((sink) => sink.origin === 'config');
    const [first] = await list();
    expect(first).toMatchObject({ name: 'dd', origin: 'config' });
    // Delivered up to seq 2 (as the loop would record it), then a restart with a changed URL.
    await t.app.store.transaction((tx) => tx.exportSinks.advance(first!.id, 0, 2, new Date().toISOString()));
    await t.app.exportSinks.configure([{ ...line, settings: { ...line.settings, url: 'http://127.0.0.1:10' } }]);
    const [again] = await list();
    expect(again).toMatchObject({ id: first!.id, cursor_seq: 2, settings: { url: 'http://127.0.0.1:10' } });

    const refused = await del(t, `/api/exports/${first!.id}`, t.demo.adminKey);
    expect(refused.statusCode).toBe(409);
    expect(json<ErrorJson>(refused).error).toMatchObject({ code: 'configured_in_file', field: 'id' });

    await expect(t.app.exportSinks.configure([{ ...line, org: null }])).rejects.toThrow(/exports\[0\]\.org is required/);
    await expect(t.app.exportSinks.configure([{ ...line, org: 'org_missing' }])).rejects.toThrow(/no organisation org_missing/);
    await expect(t.app.exportSinks.configure([line, line])).rejects.toThrow(/exports\[1\]\.name/);
    await t.app.exportSinks.configure([]);
    expect(await list()).toEqual([]);
  });
});
