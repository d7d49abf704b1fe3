import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig, ConfigError } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { SqliteStore } from '../../src/storage/sqlite/SqliteStore.js';
import { startServerProcess } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';

const dir = tempDir('axiru-start-');
afterAll(() => dir.remove());

function config(dataDir: string) {
  return { ...resolveConfig({ data: dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent' }, {}), checkpointIntervalMs: 50 };
}

describe('startServer', () => {
  it('creates the demo organisation and prints its keys on the first start only', async () => {
    const firstLines: string[] = [];
    const first = await startServer(config(dir.path), (line) => firstLines.push(line));
    let decisionKey = '';
    try {
      const keyLines = firstLines.filter((line) => /^AXIRU_(DECISION|ADMIN)_KEY=sk_test_[0-9A-Za-z]{43}$/.test(line));
      expect(keyLines).toHaveLength(2);
      decisionKey = keyLines.find((line) => line.startsWith('AXIRU_DECISION_KEY='))!.split('=')[1]!;
      expect(firstLines.some((line) => line.includes(`${first.url}/api/decision`))).toBe(true);
      expect(firstLines.some((line) => line.includes(`${first.url}/docs`))).toBe(true);
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Over real HTTP on the loopback interface.
      const response = await fetch(`${first.url}/api/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${decisionKey}` },
        body: JSON.stringify({ source: 'support_tool', amount_cents: 22000, customer_tenure_days: 9, reason: 'duplicate_charge' }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { decision: { outcome: string } }).decision.outcome).toBe('pending_approval');
    } finally {
      await first.close();
    }

    const secondLines: string[] = [];
    const second = await startServer(config(dir.path), (line) => secondLines.push(line));
    try {
      expect(secondLines.some((line) => line.includes('KEY='))).toBe(false);
      expect(secondLines.some((line) => line.includes('/docs'))).toBe(true);
      const response = await fetch(`${second.url}/api/intents`, { headers: { authorization: `Bearer ${decisionKey}` } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
    } finally {
      await second.close();
    }
    const store = SqliteStore.open({ dataDir: dir.path, checkpointIntervalMs: 0 });
    try {
      expect(await store.organisations.list()).toHaveLength(1);
      expect(await store.apiKeys.list(null)).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});

describe('resolveConfig', () => {
  it('axiru serve shuts down gracefully on a SIGTERM sent the moment it says it is ready', async () => {
    const data = tempDir('axiru-sigterm-');
    try {
      for (let round = 0; round < 3; round += 1) {
        const server = await startServerProcess(data.path);
        server.child.kill('SIGTERM');
        // A graceful shutdown exits 0; the default action of the signal would end it by SIGTERM.
        expect(await server.exited).toEqual({ code: 0, signal: null });
      }
    } finally {
      data.remove();
    }
  });

  it('uses flags over AXIRU_* variables over defaults', () => {
    const env = { AXIRU_PORT: '5000', AXIRU_HOST: '0.0.0.0', AXIRU_DATA: '/tmp/axiru-env', AXIRU_LOG_LEVEL: 'warn' };
    expect(resolveConfig({}, {})).toMatchObject({ port: 4000, host: '127.0.0.1', logLevel: 'info' });
    expect(resolveConfig({}, env)).toMatchObject({ port: 5000, host: '0.0.0.0', dataDir: '/tmp/axiru-env', logLevel: 'warn' });
    expect(resolveConfig({ port: '6000', host: '::1', data: '/tmp/flag', logLevel: 'debug' }, env))
      .toMatchObject({ port: 6000, host: '::1', dataDir: '/tmp/flag', logLevel: 'debug' });
  });

  it('rejects invalid values with the setting\'s name', () => {
    expect(() => resolveConfig({}, { AXIRU_PORT: 'http' })).toThrow(/AXIRU_PORT/);
    expect(() => resolveConfig({ port: '70000' }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({ logLevel: 'loud' }, {})).toThrow(/log level/);
  });
});
