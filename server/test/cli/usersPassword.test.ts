import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choosePassword } from '../../src/cliSessionActions.js';
import { AXIRU_BIN, assertBuilt } from '../support/serverProcess.js';
import { createTestApp, json, tempDir, type TestApp } from '../support/testApp.js';

let t: TestApp;
const dir = tempDir('axiru-cli-passwords-');

beforeAll(async () => {
  t = await createTestApp({ dataDir: dir.path });
});
afterAll(async () => {
  await t.close();
  dir.remove();
});

function signIn(email: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
}

/** The real `axiru` binary, with `stdin` piped in. */
function axiruBin(args: string[], stdin: string): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AXIRU_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ out, err, code }));
    child.stdin.end(stdin);
  });
}

describe('axiru users add --password', () => {
  it('reads the password from piped stdin, never printing it, and the user can sign in', async () => {
    assertBuilt();
    const password = 'piped password for ana';
    const { out, err, code } = await axiruBin(['users', 'add', '--data', dir.path, '--email', 'ana@example.com', '--name', 'Ana',
      '--roles', 'finance_manager', '--password'], `${password}\n`);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('AXIRU_USER_KEY=');
    expect(out).not.toContain(password);
    expect((await signIn('ana@example.com', password)).statusCode).toBe(200);
  });

  it('refuses a too-short piped password and creates no user', async () => {
    const { err, code } = await axiruBin(['users', 'add', '--data', dir.path, '--email', 'bo@example.com', '--name', 'Bo', '--password'], 'short\n');
    expect(code).toBe(1);
    expect(err).toContain('at least 12 characters');
    expect(await t.app.store.users.findByEmail(t.demo.id, 'bo@example.com')).toBeNull();
  });

  it('generates a password when stdin is a terminal (printed once by the command)', async () => {
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    const chosen = await choosePassword(terminal);
    expect(chosen.generated).toBe(true);
    expect(chosen.value).toMatch(/^[0-9A-Za-z]{20}$/);
    const piped = await choosePassword(Readable.from(['a password from a pipe\nsecond line ignored']));
    expect(piped).toEqual({ value: 'a password from a pipe', generated: false });
  });
});

describe('axiru users invite', () => {
  it('prints a one-time link with which the user sets a password and signs in', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${t.demo.adminKey}` },
      payload: { email: 'cy@example.com', name: 'Cy', roles: [] },
    });
    expect(created.statusCode).toBe(201);
    const { out, err, code } = await axiruBin(['users', 'invite', 'CY@example.com', '--data', dir.path, '--url', 'http://127.0.0.1:4000/'], '');
    expect(err).toBe('');
    expect(code).toBe(0);
    const link = out.split('\n').find((line) => line.startsWith('http'));
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:4000\/invite#[0-9A-Za-z]{43}$/);
    const token = link!.split('#')[1];
    const accepted = await t.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, password: 'cy chose this password' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json<{ user: { email: string } }>(accepted).user.email).toBe('cy@example.com');

    const unknown = await axiruBin(['users', 'invite', 'nobody@example.com', '--data', dir.path], '');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no active user with email nobody@example.com');
  });
});
