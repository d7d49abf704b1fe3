import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';
import { readCorpus, withKeys } from './support/corpus.js';
import { keepAliveAgent, send } from './support/rawHttp.js';

// Every request that once made the server answer 5xx or drop the connection (found by the fuzz
// campaign, fuzz.test.ts), replayed against a real server: each must now get a 4xx (or 2xx)
// with the API's error shape, and the server must still be up afterwards.

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));
const entries = readCorpus(CORPUS);
const dir = tempDir('axiru-corpus-');
const agent = keepAliveAgent(4);
let server: ServerProcess;

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess(join(dir.path, 'data'), 60_000);
}, 90_000);

afterAll(async () => {
  agent.destroy();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  dir.remove();
}, 30_000);

describe('the fuzz corpus', () => {
  it('has entries', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  for (const { file, entry } of entries) {
    it(`${file}: ${entry.what} (once ${entry.seen.status})`, async () => {
      const keys = { decision: server.keys['AXIRU_DECISION_KEY'] ?? '', admin: server.keys['AXIRU_ADMIN_KEY'] ?? '' };
      const response = await send(server.url, withKeys(entry, keys), agent);
      expect(response.status, response.body).toBeGreaterThanOrEqual(200);
      expect(response.status, response.body).toBeLessThan(500);
      if (response.status >= 400) expect(JSON.parse(response.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      expect(server.child.exitCode).toBeNull();
    });
  }
});
