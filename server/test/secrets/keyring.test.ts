import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsRotate } from '../../src/secrets/secretsCli.js';
import { SqliteDatabase } from '../../src/storage/sqlite/SqliteDatabase.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { createTestApp, tempDir } from '../support/testApp.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(): string {
  const dir = tempDir();
  cleanups.push(dir.remove);
  return dir.path;
}

function open(dataDir: string, env: Record<string, string> = {}): SqliteStore {
  const store = new SqliteStore(new SqliteDatabase({ dataDir, checkpointIntervalMs: 0, env }), true);
  cleanups.push(() => store.close());
  return store;
}

function fails(dataDir: string, env: Record<string, string> = {}): string {
  try {
    open(dataDir, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the database opened');
}

function rawContains(dataDir: string, text: string): boolean {
  return readdirSync(dataDir).some((name) => {
    const path = join(dataDir, name);
    return statSync(path).isFile() && readFileSync(path).includes(Buffer.from(text));
  });
}

async function connectStripe(store: SqliteStore, orgId: string, key: string): Promise<void> {
  await store.transaction((tx) => tx.stripe.putConnection({
    org_id: orgId, restricted_key: key, key_hint: 'rk_test_…', mode: 'test', webhook_secret: null, updated_at: new Date().toISOString(), updated_by: 'test',
  }));
}

const ORG = 'org_keyring';
async function withOrg(store: SqliteStore): Promise<void> {
  await store.transaction((tx) => tx.organisations.create({
    id: ORG, name: 'Keyring', default_currency: 'usd', live_policy_version: null, created_at: new Date().toISOString(),
  }));
}

describe('the secrets keyring', () => {
  it('makes a 0600 key file on a first start without AXIRU_SECRETS_KEY, and reads its secrets back at the next', async () => {
    const dataDir = folder();
    const store = open(dataDir);
    const keyFile = join(dataDir, 'secrets.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await withOrg(store);
    const key = `rk_test_${randomBytes(20).toString('hex')}`;
    await connectStripe(store, ORG, key);
    await store.close();
    expect(rawContains(dataDir, key)).toBe(false);
    expect((await open(dataDir).stripe.getConnection(ORG))?.restricted_key).toBe(key);
  });

  it('takes a 32-byte base64 key or a passphrase from AXIRU_SECRETS_KEY, refuses anything else, and names the setting when it does not unwrap', async () => {
    const dataDir = folder();
    const key = randomBytes(32).toString('base64');
    const store = open(dataDir, { AXIRU_SECRETS_KEY: key });
    expect(existsSync(join(dataDir, 'secrets.key'))).toBe(false);
    await withOrg(store);
    await connectStripe(store, ORG, 'rk_test_abcdefghijklmnop');
    await store.close();

    const wrong = randomBytes(32).toString('base64');
    const message = fails(dataDir, { AXIRU_SECRETS_KEY: wrong });
    expect(message).toMatch(/^AXIRU_SECRETS_KEY does not unwrap the stored secrets' data key dk_[0-9a-f]{16}: it was wrapped under an AXIRU_SECRETS_KEY key \(kek_[0-9a-f]{16}\)/);
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(key);
    expect(fails(dataDir)).toMatch(/secrets\.key is missing and AXIRU_SECRETS_KEY is not set/);
    expect(existsSync(join(dataDir, 'secrets.key'))).toBe(false);
    expect(fails(dataDir, { AXIRU_SECRETS_KEY: 'short' })).toMatch(/AXIRU_SECRETS_KEY must be a 32-byte key in base64 .* or a passphrase of at least 16 characters/);
    expect((await open(dataDir, { AXIRU_SECRETS_KEY: key }).stripe.getConnection(ORG))?.restricted_key).toBe('rk_test_abcdefghijklmnop');

    const passphraseDir = folder();
    const passphrase = 'correct horse battery staple';
    await open(passphraseDir, { AXIRU_SECRETS_KEY: passphrase }).close();
    expect(fails(passphraseDir, { AXIRU_SECRETS_KEY: 'incorrect horse battery staple' })).toMatch(/wrapped under an AXIRU_SECRETS_KEY passphrase/);
    await open(passphraseDir, { AXIRU_SECRETS_KEY: passphrase }).close();
  });

  it('seals the clear-text secrets of an older data folder at the next start, leaving no copy in the files', async () => {
    const dataDir = folder();
    const t = await createTestApp({ dataDir });
    cleanups.push(() => t.close());
    const put = await t.app.inject({ method: 'PUT', url: '/api/slack/settings', headers: { authorization: `Bearer ${t.demo.adminKey}` },
      payload: { bot_token: 'xoxb-0000-placeholder', channel: 'C0123456789', signing_secret: 'placeholder-secret' } });
    expect(put.statusCode).toBe(200);
    await t.app.close();
    // What an older version left: the same settings in the clear.
    const token = `xoxb-${randomBytes(16).toString('hex')}`;
    const signing = randomBytes(16).toString('hex');
    const raw = new Database(join(dataDir, 'axiru.sqlite'));
    raw.prepare('UPDATE slack_settings SET bot_token = ?, signing_secret = ?').run(token, signing);
    raw.close();
    expect(rawContains(dataDir, token)).toBe(true);

    const reopened = new SqliteDatabase({ dataDir, checkpointIntervalMs: 0, env: {} });
    expect(reopened.sealedNow).toBe(2);
    const store = new SqliteStore(reopened, true);
    cleanups.push(() => store.close());
    expect((await store.slack.getSettings(t.demo.id))?.bot_token).toBe(token);
    expect(rawContains(dataDir, token)).toBe(false);
    expect(rawContains(dataDir, signing)).toBe(false);
    const check = new Database(join(dataDir, 'axiru.sqlite'), { readonly: true });
    expect(check.prepare('SELECT bot_token FROM slack_settings').pluck().get()).toMatch(/^axiru-sealed:v1:dk_[0-9a-f]{16}:/);
    check.close();
  });

  it('refuses to open a value that was altered, naming its setting and row but not the secret', async () => {
    const dataDir = folder();
    const store = open(dataDir);
    await withOrg(store);
    await connectStripe(store, ORG, 'rk_test_abcdefghijklmnop');
    await store.close();
    const raw = new Database(join(dataDir, 'axiru.sqlite'));
    const sealed = raw.prepare('SELECT restricted_key FROM stripe_connections').pluck().get() as string;
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1)!;
    raw.prepare('UPDATE stripe_connections SET restricted_key = ?').run(flipped);
    raw.close();
    const message = fails(dataDir);
    expect(message).toBe(`the stored setting stripe_connections.restricted_key (org_id ${ORG}) cannot be opened: the stored stripe_connections.restricted_key does not decrypt: it was altered or belongs to another column`);
  });

  it('axiru secrets rotate re-wraps the data key: a new key file, then a key from AXIRU_SECRETS_NEW_KEY', async () => {
    const dataDir = folder();
    const store = open(dataDir);
    await withOrg(store);
    await connectStripe(store, ORG, 'rk_test_rotation_key_1');
    await store.close();
    const before = readFileSync(join(dataDir, 'secrets.key'), 'utf8');
    const out: string[] = [];
    const err: string[] = [];
    let status = 0;
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line), setStatus: (code: number) => { status = code; } };

    await secretsRotate(io, { data: dataDir }, {});
    expect(err).toEqual([]);
    expect(status).toBe(0);
    expect(out[0]).toMatch(/^Data key dk_[0-9a-f]{16} re-wrapped: kek_[0-9a-f]{16} -> kek_[0-9a-f]{16}\.$/);
    const after = readFileSync(join(dataDir, 'secrets.key'), 'utf8');
    expect(after).not.toBe(before);
    expect(statSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'secrets.key.next'))).toBe(false);
    expect((await open(dataDir).stripe.getConnection(ORG))?.restricted_key).toBe('rk_test_rotation_key_1');

    const newKey = randomBytes(32).toString('base64');
    await secretsRotate(io, { data: dataDir }, { AXIRU_SECRETS_NEW_KEY: newKey });
    expect(err).toEqual([]);
    expect(out.at(-1)).toBe('Start servers with AXIRU_SECRETS_KEY set to the new key from now on; running servers keep working until then.');
    expect(existsSync(join(dataDir, 'secrets.key'))).toBe(false);
    expect((await open(dataDir, { AXIRU_SECRETS_KEY: newKey }).stripe.getConnection(ORG))?.restricted_key).toBe('rk_test_rotation_key_1');

    // With AXIRU_SECRETS_KEY set, the new key has to be given.
    await secretsRotate(io, { data: dataDir }, { AXIRU_SECRETS_KEY: newKey });
    expect(status).toBe(1);
    expect(err.at(-1)).toBe('axiru: set AXIRU_SECRETS_NEW_KEY to the new key (32 bytes in base64, or a passphrase); the current one comes from AXIRU_SECRETS_KEY');
  });
});
