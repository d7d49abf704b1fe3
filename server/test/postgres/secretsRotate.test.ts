// `axiru secrets rotate --database-url URL` on a real PostgreSQL database: the same semantics as
// on SQLite (one row re-wrapped; a new key file, or the key from AXIRU_SECRETS_NEW_KEY), and
// the stored secrets read back under the new key only.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsRotate } from '../../src/secrets/secretsCli.js';
import { bootstrap } from '../../src/services/bootstrap.js';
import { PostgresStore } from '../../src/storage/postgres/PostgresStore.js';
import { tempDir } from '../support/testApp.js';
import { freshDatabase } from '../support/testDatabase.js';

const dirs: Array<{ path: string; remove: () => void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

function folder(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
}

function cliIo() {
  const out: string[] = [];
  const err: string[] = [];
  const state = { status: 0 };
  return { out, err, state, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line), setStatus: (code: number) => { state.status = code; } } };
}

async function botToken(url: string, dataDir: string, env: Record<string, string>): Promise<string | undefined> {
  const store = await PostgresStore.open({ url, dataDir, env });
  try {
    const orgId = (await store.organisations.list())[0]!.id;
    return (await store.slack.getSettings(orgId))?.bot_token;
  } finally {
    await store.close();
  }
}

describe('axiru secrets rotate on PostgreSQL', () => {
  it('re-wraps the data key: a new key file, then a key from AXIRU_SECRETS_NEW_KEY; secrets read back under the new key only', async () => {
    const url = await freshDatabase();
    const dataDir = folder();
    const store = await PostgresStore.open({ url, dataDir, env: {} });
    const { orgId } = await bootstrap(store);
    await store.transaction((tx) => tx.slack.putSettings({ org_id: orgId!, bot_token: 'xoxb-rotation-1', channel: 'C1', signing_secret: 'sign-1' }));
    await store.close();
    const before = readFileSync(join(dataDir, 'secrets.key'), 'utf8');

    const first = cliIo();
    await secretsRotate(first.io, { data: dataDir, databaseUrl: url }, {});
    expect(first.err).toEqual([]);
    expect(first.state.status).toBe(0);
    expect(first.out[0]).toMatch(/^Data key dk_[0-9a-f]{16} re-wrapped: kek_[0-9a-f]{16} -> kek_[0-9a-f]{16}\.$/);
    expect(first.out[1]).toContain('copy it into the data folder of every server of this database');
    const after = readFileSync(join(dataDir, 'secrets.key'), 'utf8');
    expect(after).not.toBe(before);
    expect(statSync(join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'secrets.key.next'))).toBe(false);
    expect(await botToken(url, dataDir, {})).toBe('xoxb-rotation-1');
    // A server holding a copy of the old key file no longer starts.
    const stale = folder();
    writeFileSync(join(stale, 'secrets.key'), before, { mode: 0o600 });
    await expect(botToken(url, stale, {})).rejects.toThrow(/does not unwrap the stored secrets' data key dk_[0-9a-f]{16}/);

    const newKey = randomBytes(32).toString('base64');
    const second = cliIo();
    await secretsRotate(second.io, { data: dataDir, databaseUrl: url }, { AXIRU_SECRETS_NEW_KEY: newKey });
    expect(second.err).toEqual([]);
    expect(second.out.at(-1)).toBe('Start every server of this database with AXIRU_SECRETS_KEY set to the new key from now on; running servers keep working until then.');
    expect(existsSync(join(dataDir, 'secrets.key'))).toBe(false);
    expect(await botToken(url, folder(), { AXIRU_SECRETS_KEY: newKey })).toBe('xoxb-rotation-1');

    // With AXIRU_SECRETS_KEY set, the new key has to be given.
    const third = cliIo();
    await secretsRotate(third.io, { data: dataDir, databaseUrl: url }, { AXIRU_SECRETS_KEY: newKey });
    expect(third.state.status).toBe(1);
    expect(third.err.at(-1)).toBe('axiru: set AXIRU_SECRETS_NEW_KEY to the new key (32 bytes in base64, or a passphrase); the current one comes from AXIRU_SECRETS_KEY');

    // A current key that does not unwrap the data key changes nothing.
    const wrong = cliIo();
    await secretsRotate(wrong.io, { data: dataDir, databaseUrl: url }, { AXIRU_SECRETS_KEY: randomBytes(32).toString('base64'), AXIRU_SECRETS_NEW_KEY: randomBytes(32).toString('base64') });
    expect(wrong.state.status).toBe(1);
    expect(wrong.err.at(-1)).toMatch(/^axiru: AXIRU_SECRETS_KEY does not unwrap the stored secrets' data key dk_[0-9a-f]{16}/);
    expect(await botToken(url, folder(), { AXIRU_SECRETS_KEY: newKey })).toBe('xoxb-rotation-1');
  });

  it('refuses a database no server has started on', async () => {
    const url = await freshDatabase();
    const run = cliIo();
    await secretsRotate(run.io, { data: folder(), databaseUrl: url }, { AXIRU_SECRETS_NEW_KEY: randomBytes(32).toString('base64') });
    expect(run.state.status).toBe(1);
    expect(run.err.at(-1)).toMatch(/^axiru: no Axiru database at postgres(ql)?:\/\/.*; start the server once with: axiru serve --database-url URL$/);
  });
});
