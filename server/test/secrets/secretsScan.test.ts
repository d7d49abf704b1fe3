import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { startReceiver, waitFor } from '../support/receiver.js';
import { SEED_REQUEST, tempDir } from '../support/testApp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function token(length: number): string {
  return randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length);
}

/** Every file of the data folder, raw bytes (the database, its WAL and shared memory, the key file…). */
function rawFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path));
  }
  return files;
}

function leaks(haystacks: ReadonlyMap<string, string | Buffer>, secrets: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const [where, content] of haystacks) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    for (const [name, secret] of Object.entries(secrets)) {
      if (bytes.includes(Buffer.from(secret))) found.push(`${name} in ${where}`);
    }
  }
  return found;
}

describe('every stored secret is sealed at rest', () => {
  it('never shows a plaintext secret in the raw database files, debug logs, API answers or the audit export', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const secrets = {
      stripe_restricted_key: `rk_test_${token(40)}`,
      stripe_webhook_secret: `whsec_${token(32)}`,
      slack_bot_token: `xoxb-${token(40)}`,
      slack_signing_secret: token(32),
      splunk_token: token(36),
      datadog_api_key: token(32),
      s3_secret_access_key: token(40),
      s3_session_token: token(120),
      oidc_client_secret: token(48),
      smtp_password: token(24),
    } as Record<string, string>;
    const logs: string[] = [];
    const app: FastifyInstance = await buildApp({
      dataDir: dir.path, logLevel: 'debug', logStream: { write: (line) => { logs.push(line); } },
      checkpointIntervalMs: 0, webhookPollMs: 20, webhookRetryBaseMs: 10, exportPollMs: 20, exportRetryBaseMs: 10,
      // Nothing listens on port 9: Slack, SMTP and the sinks fail, and their failures are logged.
      slackApiUrl: 'http://127.0.0.1:9/api/',
      email: { smtpUrl: `smtp://mailer:${secrets['smtp_password']}@127.0.0.1:9`, from: 'Axiru <axiru@localhost>', publicUrl: undefined },
    });
    let closed = false;
    cleanups.push(() => (closed ? undefined : app.close()));
    await app.ready();
    const demo = await bootstrap(app.store, { now: new Date() });
    const admin = { authorization: `Bearer ${demo.adminKey!}` };
    const answers = new Map<string, string>();
    const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, key = admin) => {
      const response = await app.inject({ method, url, headers: key, ...(payload !== undefined ? { payload: payload as object } : {}) });
      answers.set(`${method} ${url} #${answers.size}`, response.body);
      return response;
    };

    expect((await call('PUT', '/api/stripe/connection', { restricted_key: secrets['stripe_restricted_key'], webhook_secret: secrets['stripe_webhook_secret'] })).statusCode).toBe(200);
    expect((await call('PUT', '/api/slack/settings', { bot_token: secrets['slack_bot_token'], channel: 'C0123456789', signing_secret: secrets['slack_signing_secret'] })).statusCode).toBe(200);
    for (const sink of [
      { type: 'splunk', name: 'splunk', url: 'http://127.0.0.1:9/services/collector', token: secrets['splunk_token'] },
      { type: 'datadog', name: 'datadog', url: 'http://127.0.0.1:9/api/v2/logs', api_key: secrets['datadog_api_key'] },
      { type: 's3', name: 's3', bucket: 'audit', endpoint: 'http://127.0.0.1:9', force_path_style: true, region: 'us-east-1',
        access_key_id: 'AKIDEXAMPLE', secret_access_key: secrets['s3_secret_access_key'], session_token: secrets['s3_session_token'] },
    ]) {
      const created = await call('POST', '/api/exports', sink);
      expect(created.statusCode, created.body).toBe(201);
    }
    const sso = await call('PUT', '/api/org/sso', {
      issuer: 'https://127.0.0.1:9/idp', client_id: 'axiru', client_secret: secrets['oidc_client_secret'], role_map: { finance: ['finance_manager'] },
    });
    expect(sso.statusCode, sso.body).toBe(200);
    // The webhook secret is shown once, in the answer that creates the endpoint; that answer is the only exception.
    const endpoint = await app.inject({ method: 'POST', url: '/api/webhooks', headers: admin, payload: { url: `${receiver.url}/hooks`, events: ['intent.pending_approval'] } });
    expect(endpoint.statusCode).toBe(201);
    const { secret: webhookSecret, endpoint: { id: endpointId } } = endpoint.json<{ secret: string; endpoint: { id: string } }>();
    secrets['webhook_endpoint_secret'] = webhookSecret;

    // Use them: a decision that asks for approval goes to the webhook, Slack and email.
    const decision = await app.inject({ method: 'POST', url: '/api/decision', headers: { authorization: `Bearer ${demo.decisionKey!}` }, payload: SEED_REQUEST });
    expect(decision.statusCode).toBe(200);
    const intentId = decision.json<{ intent_id: string }>().intent_id;
    await waitFor(() => receiver.received.length >= 1);
    await app.slack.idle();
    await app.email?.idle();
    await app.auditCheckpoints.tick();

    // Every GET the API has (ids filled in), at debug level.
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const ids: Record<string, string> = { id: intentId, org_id: demo.orgId! };
    let gets = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      if (!('get' in operations) || path.startsWith('/api/events')) continue;
      const url = path.replace(/\{(\w+)\}/g, (_match, name: string) => (path.startsWith('/api/webhooks') ? endpointId : ids[name] ?? 'x'));
      await call('GET', url);
      gets += 1;
    }
    expect(gets).toBeGreaterThan(20);
    const exported = await call('GET', '/api/audit/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('"sso_configured"');
    expect(exported.body).toContain('export_sink_added');

    // The signing key is made by the server: read it back through the keyring, then look for its PEM body.
    const [signingKey] = await app.store.signingKeys.list();
    expect(signingKey!.private_key).toContain('PRIVATE KEY');
    secrets['checkpoint_signing_key'] = signingKey!.private_key.split('\n')[1]!;

    const whileOpen = rawFiles(dir.path);
    expect([...whileOpen.keys()]).toEqual(expect.arrayContaining(['axiru.sqlite', 'axiru.sqlite-wal', 'secrets.key']));
    expect(whileOpen.get('axiru.sqlite-wal')!.length).toBeGreaterThan(0);
    expect(leaks(whileOpen, secrets)).toEqual([]);
    expect(leaks(answers, secrets)).toEqual([]);
    await app.close();
    closed = true;
    // Per-request lines are only written at debug (app.ts): their presence shows the level took.
    expect(logs.some((line) => line.includes('"msg":"incoming request"'))).toBe(true);
    expect(logs.some((line) => line.includes('"level":40'))).toBe(true);
    expect(logs.length).toBeGreaterThan(gets);
    expect(leaks(new Map([['logs', logs.join('')]]), secrets)).toEqual([]);
    expect(leaks(rawFiles(dir.path), secrets)).toEqual([]);
    // Sealed is not lost: each one reads back from a new open.
    const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
    cleanups.push(() => store.close());
    expect((await store.stripe.getConnection(demo.orgId!))?.restricted_key).toBe(secrets['stripe_restricted_key']);
    expect((await store.slack.getSettings(demo.orgId!))?.signing_secret).toBe(secrets['slack_signing_secret']);
    expect((await store.sso.get(demo.orgId!))?.client_secret).toBe(secrets['oidc_client_secret']);
    expect((await store.webhooks.getEndpoint(demo.orgId!, endpointId))?.secret).toBe(webhookSecret);
    expect((await store.exportSinks.list(demo.orgId!)).map((sink) => sink.config).join()).toContain(secrets['s3_session_token']);
  });
});
