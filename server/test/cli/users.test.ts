import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL } from '../../src/services/bootstrap.js';
import { createTestApp, tempDir, type TestApp } from '../support/testApp.js';
import { axiru } from '../support/cli.js';

let t: TestApp;
const dir = tempDir('axiru-cli-users-');

beforeAll(async () => {
  t = await createTestApp({ dataDir: dir.path });
});
afterAll(async () => {
  await t.close();
  dir.remove();
});


describe('axiru users', () => {
  it('adds a user, prints the key once, and the server accepts it at once', async () => {
    const { out, err, code } = await axiru('users', 'add', '--data', dir.path, '--email', 'fin@example.com', '--name', 'Fin',
      '--roles', 'finance_manager,admin', '--slack-user-id', 'U999');
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const key = out.find((line) => line.startsWith('AXIRU_USER_KEY='))!.slice('AXIRU_USER_KEY='.length);
    expect(key).toMatch(/^sk_user_[0-9A-Za-z]{43}$/);
    expect((await t.get('/api/controls', key)).statusCode).toBe(200);
    expect((await t.get('/api/users', key)).statusCode).toBe(200);
  });

  it('refuses a role the live policy does not have', async () => {
    const { err, code } = await axiru('users', 'add', '--data', dir.path, '--email', 'x@example.com', '--name', 'X', '--roles', 'treasurer');
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('role "treasurer" is not a role of the live policy');
  });

  it('lists users without their keys and disables one', async () => {
    const added = await axiru('users', 'add', '--data', dir.path, '--email', 'gone@example.com', '--name', 'Gone', '--roles', 'cfo');
    const key = added.out.find((line) => line.startsWith('AXIRU_USER_KEY='))!.split('=')[1]!;
    const id = /usr_[0-9a-f]+/.exec(added.out[0]!)![0];
    const listed = await axiru('users', 'list', '--data', dir.path, '--json');
    const users = listed.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    // The demo organisation comes with its dashboard admin.
    expect(users.map((user) => user['email'])).toEqual([DEMO_EMAIL, 'fin@example.com', 'gone@example.com']);
    expect(listed.out.join('\n')).not.toContain(key);
    expect(users[0]).not.toHaveProperty('key_hash');
    expect((await axiru('users', 'list', '--data', dir.path)).out.join('\n')).toContain('gone@example.com');

    const disabled = await axiru('users', 'disable', id, '--data', dir.path);
    expect(disabled.code).toBe(0);
    expect(disabled.out[0]).toContain(`Disabled ${id}`);
    expect((await t.get('/api/approvals', key)).statusCode).toBe(401);
    const unknown = await axiru('users', 'disable', 'usr_nobody', '--data', dir.path);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toContain('no user usr_nobody');
  });
});
