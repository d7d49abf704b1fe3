import { createPublicKey, sign, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointSignatureValid, parsePublicKey, type SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { ensureSigningKey, privateKeyOf, protectStoredKeys, SigningKeyLocked } from '../../src/audit/signingKeys.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { SERVER_READY_MS, startServerProcess } from '../support/serverProcess.js';
import { createTestApp, json, SEED_REQUEST, tempDir } from '../support/testApp.js';

const PASSPHRASE = 'correct horse battery staple';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openStore() {
  const dir = tempDir();
  const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
  cleanups.push(dir.remove, () => store.close());
  return { dir, store };
}

describe('signing keys at rest', () => {
  it('encrypts keys stored in the clear once a passphrase is given, and opens them only with it', async () => {
    const { store } = openStore();
    const clear = await store.transaction((tx) => ensureSigningKey(tx, new Date()));
    expect(clear.private_key).toContain('-----BEGIN PRIVATE KEY-----');

    expect(await store.transaction((tx) => protectStoredKeys(tx, PASSPHRASE))).toBe(1);
    expect(await store.transaction((tx) => protectStoredKeys(tx, PASSPHRASE))).toBe(0);
    const [stored] = await store.signingKeys.list();
    expect(stored!.private_key).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(stored!.private_key).not.toContain(clear.private_key.split('\n')[1]);

    // The same key: it signs what the stored public key verifies.
    const message = Buffer.from('tree head');
    const signature = sign(null, message, privateKeyOf(stored!, PASSPHRASE));
    expect(verify(null, message, createPublicKey(stored!.public_key), signature)).toBe(true);

    expect(() => privateKeyOf(stored!, null)).toThrow(SigningKeyLocked);
    expect(() => privateKeyOf(stored!, null)).toThrow(/set AXIRU_SIGNING_KEY_PASSPHRASE/);
    expect(() => privateKeyOf(stored!, 'not the passphrase at all')).toThrow(/does not open with AXIRU_SIGNING_KEY_PASSPHRASE/);
  });

  it('a server started with the passphrase stores its key encrypted and signs checkpoints that verify', async () => {
    process.env['AXIRU_SIGNING_KEY_PASSPHRASE'] = PASSPHRASE;
    cleanups.push(() => { delete process.env['AXIRU_SIGNING_KEY_PASSPHRASE']; });
    const t = await createTestApp();
    cleanups.push(() => t.close());
    expect((await t.decide(SEED_REQUEST)).statusCode).toBe(200);
    // The first tick sees the new record; past the checkpoint interval, the next one signs it.
    await t.app.auditCheckpoints.tick();
    t.now = new Date(t.now.getTime() + 3_600_000);
    expect(await t.app.auditCheckpoints.tick()).not.toHaveLength(0);
    const [key] = await t.app.store.signingKeys.list();
    expect(key!.private_key.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toBe(true);
    const latest = await t.get('/api/audit/checkpoints/latest', t.demo.adminKey);
    expect(latest.statusCode, latest.body).toBe(200);
    const checkpoint = json<SignedCheckpoint>(latest);
    expect(checkpoint.key_id).toBe(key!.id);
    expect(checkpointSignatureValid(checkpoint, parsePublicKey(key!.public_key))).toBe(true);
  });

  it('axiru serve refuses to start, saying why, when its key is encrypted and the passphrase is missing or wrong', async () => {
    const { dir, store } = openStore();
    await store.transaction(async (tx) => {
      await ensureSigningKey(tx, new Date());
      await protectStoredKeys(tx, PASSPHRASE);
    });
    await store.close();
    for (const env of [{ AXIRU_SIGNING_KEY_PASSPHRASE: '' }, { AXIRU_SIGNING_KEY_PASSPHRASE: 'some other passphrase' }]) {
      const failed = await startServerProcess(dir.path, SERVER_READY_MS, env).then(
        (server) => { server.child.kill('SIGKILL'); return null; },
        (error: unknown) => String(error),
      );
      expect(failed).toMatch(/exited before it was ready \(code 1/);
      expect(failed).toMatch(env.AXIRU_SIGNING_KEY_PASSPHRASE === '' ? /stored encrypted: set AXIRU_SIGNING_KEY_PASSPHRASE/ : /does not open with AXIRU_SIGNING_KEY_PASSPHRASE/);
    }
    // With the passphrase it starts (and answers).
    const server = await startServerProcess(dir.path, SERVER_READY_MS, { AXIRU_SIGNING_KEY_PASSPHRASE: PASSPHRASE });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });
});
