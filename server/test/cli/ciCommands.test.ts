// `axiru publish` and `axiru impact` against a real `axiru serve` process over loopback HTTP.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../compiler/src/cli/main.js';
import { AXIRU_BIN, assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { ACME_SOURCE, tempDir } from '../support/testApp.js';
import { V4, V5 } from '../support/shadowPolicies.js';

interface Run { out: string; err: string; code: number }

async function axiru(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), color: false, readStdin: () => '' });
  return { out: out.join('\n'), err: err.join('\n'), code };
}

/** The real `axiru` program in a process of its own, with the given environment. */
function axiruProcess(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AXIRU_BIN, ...args], { env: { ...process.env, AXIRU_URL: '', AXIRU_ADMIN_KEY: '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('close', (code) => resolve({ out, err, code: code ?? -1 }));
  });
}

const dir = tempDir('axiru-ci-cli-');
let server: ServerProcess;
let admin: string;
let decisionKey: string;
const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};

async function api(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess(join(dir.path, 'data'), 180_000);
  admin = server.keys['AXIRU_ADMIN_KEY']!;
  decisionKey = server.keys['AXIRU_DECISION_KEY']!;
  // Under acme v3: three $120 refunds allowed, one $400 to a new customer waiting for approval.
  for (const amount of [12000, 12000, 12000]) {
    expect((await api('POST', '/api/decision', decisionKey, { source: 'support_tool', amount_cents: amount, customer_tenure_days: 400 })).status).toBe(200);
  }
  expect((await api('POST', '/api/decision', decisionKey, { source: 'support_tool', amount_cents: 40000, customer_tenure_days: 5 })).status).toBe(200);
}, 240_000);
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  dir.remove();
});

describe('axiru impact', () => {
  it('prints the transitions, changed refunds and rules as text, JSON and Markdown', async () => {
    const v4 = file('v4.axiru', V4);
    const text = await axiru('impact', v4, '--server', server.url, '--key', admin);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('acme-refunds v4');
    expect(text.out).toContain('4 decisions re-evaluated, 4 would change');
    expect(text.out).toContain('allow → pending_approval: 3, $360.00');
    expect(text.out).toContain('pending_approval → block: 1, $400.00');
    expect(text.out).toMatch(/\$120\.00 {2}routine -> high_value_refund_review/);

    const json = await axiru('impact', v4, '--server', server.url, '--key', admin, '--format', 'json', '--days', '7');
    expect(json.code).toBe(0);
    const body = JSON.parse(json.out);
    expect(body.window.days).toBe(7);
    expect(body.against.version).toBe('v3');
    expect(body).toMatchObject({ evaluated: 4, changed: 4 });
    expect(body.transitions.map((t: { text: string }) => t.text)).toEqual(['allow → pending_approval: 3, $360.00', 'pending_approval → block: 1, $400.00']);

    const markdown = await axiru('impact', v4, '--server', server.url, '--key', admin, '--format', 'markdown');
    expect(markdown.code).toBe(0);
    expect(markdown.out).toContain('### Axiru impact: `acme-refunds` v4 against v3');
    expect(markdown.out).toContain('| `allow` → `pending_approval` | 3 | $360.00 |');
    expect(markdown.out).toContain('| `new_customer_large_refund` | 1 | 1 |');
    expect(markdown.out).toContain('**4** would be decided differently');
  });

  it('--fail-on exits 3 when a gate is crossed and 0 when none is', async () => {
    const v4 = file('v4.axiru', V4);
    const crossed = await axiru('impact', v4, '--server', server.url, '--key', admin, '--fail-on', 'allow->block>0, allow->pending_approval>2');
    expect(crossed.code).toBe(3);
    expect(crossed.err).toContain('--fail-on allow->pending_approval>2 crossed: 3 refunds');
    expect(crossed.err).not.toContain('allow->block>0 crossed');
    expect((await axiru('impact', v4, '--server', server.url, '--key', admin, '--fail-on', 'allow->pending_approval>3', '--fail-on', '*->block>=2')).code).toBe(0);
    expect((await axiru('impact', v4, '--server', server.url, '--key', admin, '--fail-on', '*->block>=1')).code).toBe(3);
    expect((await axiru('impact', v4, '--server', server.url, '--key', admin, '--fail-on', 'changed>3')).code).toBe(3);
    const bad = await axiru('impact', v4, '--server', server.url, '--key', admin, '--fail-on', 'allow->blocked>0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('`blocked` is not an outcome');
    expect((await axiru('impact', v4, '--server', server.url, '--key', admin, '--days', '91')).code).toBe(2);
  });

  it('refuses a policy with errors locally, with its diagnostics', async () => {
    const broken = file('broken.axiru', ACME_SOURCE.replace('require finance_manager', 'require finance_manger'));
    const run = await axiru('impact', broken, '--server', server.url, '--key', admin);
    expect(run.code).toBe(1);
    expect(run.err).toContain('error[AX1003]');
    expect(run.err).toContain('nothing was sent to the server');
  });

  it('takes the server and key from AXIRU_URL and AXIRU_ADMIN_KEY', async () => {
    const v4 = file('v4.axiru', V4);
    const run = await axiruProcess(['impact', v4, '--format', 'json'], { AXIRU_URL: server.url, AXIRU_ADMIN_KEY: admin });
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out).changed).toBe(4);
    const missing = await axiruProcess(['impact', v4], {});
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--server URL or AXIRU_URL');
  });
});

describe('talking to a server that cannot be used', () => {
  it('a bad key: refused, and the key is never echoed', async () => {
    const wrong = 'sk_test_thisKeyDoesNotExist0123456789abcdefghijk';
    for (const command of ['impact', 'publish']) {
      const run = await axiru(command, file('v4.axiru', V4), '--server', server.url, '--key', wrong);
      expect(run.code).toBe(2);
      expect(run.err).toContain('refused the key');
      expect(run.out + run.err).not.toContain(wrong);
    }
    const notAdmin = await axiru('impact', file('v4.axiru', V4), '--server', server.url, '--key', decisionKey);
    expect(notAdmin.code).toBe(2);
    expect(notAdmin.err).toContain('need an admin key');
    expect(notAdmin.out + notAdmin.err).not.toContain(decisionKey);
  });

  it('an unreachable server', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const run = await axiru('impact', file('v4.axiru', V4), '--server', `http://127.0.0.1:${port}`, '--key', admin);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`cannot reach the Axiru server at http://127.0.0.1:${port} (connection refused)`);
    expect(run.err).not.toContain(admin);
  });

  it('a server too old for the command, and something that is not an Axiru server', async () => {
    // An older Axiru answers every unknown route as its not-found handler does.
    let notAxiru = false;
    const old: Server = createServer((request, response) => {
      if (notAxiru) {
        response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not_found', message: `There is no ${request.method} ${request.url} endpoint.`, field: null } }));
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(old.address() as { port: number }).port}`;
    try {
      const run = await axiru('impact', file('v4.axiru', V4), '--server', url, '--key', admin);
      expect(run.code).toBe(2);
      expect(run.err).toContain('has no POST /api/policies/impact: it is older than this axiru command; upgrade the server');
      notAxiru = true;
      const other = await axiru('impact', file('v4.axiru', V4), '--server', url, '--key', admin);
      expect(other.code).toBe(2);
      expect(other.err).toContain('is --server the address of an Axiru server?');
    } finally {
      await new Promise((resolve) => old.close(resolve));
    }
  });
});

describe('axiru publish', () => {
  it('publishes a new version, and publishing the same IR again is a no-op that prints it', async () => {
    const v4 = file('v4.axiru', V4);
    const first = await axiru('publish', v4, '--server', server.url, '--key', admin);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/^published v4 \(sha256:[0-9a-f]{64}\)$/);
    const records = (await api('GET', '/api/audit/verify', admin)).body.records;
    // Re-formatting and comments do not change the IR, so this is the same policy.
    const again = await axiru('publish', file('v4-commented.axiru', `# reviewed\n${V4}`), '--server', server.url, '--key', admin, '--json');
    expect(again.code).toBe(0);
    const body = JSON.parse(again.out);
    expect(body).toMatchObject({ policy_version: 'v4', created: false, live: false, shadow: false });
    expect(first.out).toContain(body.ir_hash);
    expect((await api('GET', '/api/audit/verify', admin)).body.records).toBe(records);
    expect((await api('GET', '/api/policies', admin)).body.data.map((p: { policy_version: string }) => p.policy_version)).toEqual(['v3', 'v4']);
  });

  it('refuses a policy with errors (exit 1, diagnostics) and a different policy under a published version', async () => {
    const broken = await axiru('publish', file('broken.axiru', ACME_SOURCE.replace('sources support_tool', 'sources support_tool, support_tool')), '--server', server.url, '--key', admin);
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('error[AX1018]');
    const clash = await axiru('publish', file('clash.axiru', V4.replace('over $100 require', 'over $110 require')), '--server', server.url, '--key', admin);
    expect(clash.code).toBe(1);
    expect(clash.err).toContain('HTTP 409 policy_version_exists');
  });

  it('--shadow starts it as a shadow policy, once', async () => {
    const v5 = file('v5.axiru', V5);
    const run = await axiru('publish', v5, '--server', server.url, '--key', admin, '--shadow');
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('v5 runs as a shadow policy');
    const listed = (await api('GET', '/api/policies', admin)).body.data.find((p: { policy_version: string }) => p.policy_version === 'v5');
    expect(listed).toMatchObject({ shadow: true, live: false });
    const again = await axiru('publish', v5, '--server', server.url, '--key', admin, '--shadow', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ policy_version: 'v5', created: false, shadow: true });
  });

  it('--activate shows the impact and needs --yes; with it the version goes live', async () => {
    const v4 = file('v4.axiru', V4);
    const unconfirmed = await axiru('publish', v4, '--server', server.url, '--key', admin, '--activate');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.out).toContain('3 refunds that were allowed would go to the approvals queue ($360.00)');
    expect(unconfirmed.err).toContain('activating needs --yes');
    expect((await api('GET', '/api/org', admin)).body.live_policy_version).toBe('v3');
    expect((await axiru('publish', v4, '--server', server.url, '--key', admin, '--shadow', '--activate')).code).toBe(2);
    expect((await axiru('publish', v4, '--server', server.url, '--key', admin, '--yes')).code).toBe(2);

    const confirmed = await axiru('publish', v4, '--server', server.url, '--key', admin, '--activate', '--yes', '--json');
    expect(confirmed.code, confirmed.err).toBe(0);
    expect(JSON.parse(confirmed.out)).toMatchObject({ policy_version: 'v4', live: true, previous_policy_version: 'v3' });
    expect((await api('GET', '/api/org', admin)).body.live_policy_version).toBe('v4');
    const again = await axiru('publish', v4, '--server', server.url, '--key', admin, '--activate', '--yes');
    expect(again.code).toBe(0);
    expect(again.out).toContain('v4 is already live');
  });
});
