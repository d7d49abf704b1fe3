// What `axiru serve` prints for a person at a terminal: on a later start, where the data folder is
// and the commands that make new keys and a sign-in (they must work as printed); log lines that
// read as text on a terminal and stay JSON Lines for programs.

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { AXIRU_BIN, assertBuilt } from '../support/serverProcess.js';
import { tempDir } from '../support/testApp.js';

const dir = tempDir('axiru-start-output-');
/** Each test starts real processes; a safety net against a hang, not a speed requirement. */
const SERVER_TEST_MS = 180_000;
afterAll(() => dir.remove());

async function startLines(dataDir: string): Promise<string[]> {
  const lines: string[] = [];
  const config = { ...resolveConfig({ data: dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent' }, {}), checkpointIntervalMs: 0 };
  const server = await startServer(config, (line) => lines.push(line));
  await server.close();
  return lines;
}

/** The arguments of a printed `npx axiru …` command, as a shell splits them (quotes kept together). */
function argsOf(command: string): string[] {
  const words = command.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  return words.map((word) => word.replace(/^(['"])(.*)\1$/, '$2'));
}

describe('a later start', () => {
  it('names the data folder and prints commands that make new keys and a dashboard sign-in', async () => {
    assertBuilt();
    const data = `${dir.path}/data folder`;
    const first = await startLines(data);
    expect(first.some((line) => line.startsWith('AXIRU_DECISION_KEY='))).toBe(true);
    expect(first.some((line) => line.startsWith('New keys:'))).toBe(false);

    const second = await startLines(data);
    expect(second.some((line) => line.includes('KEY='))).toBe(false);
    expect(second).toContain(`Data folder: ${data} (its keys were printed on its first start and are stored only as hashes).`);
    const keysLine = second.find((line) => line.startsWith('New keys: npx axiru keys create '));
    const userLine = second.find((line) => line.startsWith('A dashboard sign-in: npx axiru users add '));
    expect(keysLine).toBe(`New keys: npx axiru keys create --data '${data}' --kind decision (or --kind admin)`);
    expect(userLine).toContain(' --password');

    // Pasted into a shell, each works (here without the shell: the quoted path is one argument).
    const keysArgs = argsOf(keysLine!.slice('New keys: npx axiru '.length, keysLine!.indexOf(' (or')));
    const keys = spawnSync(process.execPath, [AXIRU_BIN, ...keysArgs], { encoding: 'utf8' });
    expect(keys.status, keys.stderr).toBe(0);
    expect(keys.stdout).toMatch(/^AXIRU_DECISION_KEY=sk_test_\w+$/m);
    const userArgs = argsOf(userLine!.slice('A dashboard sign-in: npx axiru '.length));
    const user = spawnSync(process.execPath, [AXIRU_BIN, ...userArgs], { encoding: 'utf8', input: 'a long enough password\n' });
    expect(user.status, user.stderr).toBe(0);
    expect(user.stdout).toContain('you@example.com');
  }, SERVER_TEST_MS);
});

describe('the log format', () => {
  it('is pretty on a terminal and JSON otherwise, unless AXIRU_LOG_FORMAT says which', () => {
    expect(resolveConfig({}, {}, true).logFormat).toBe('pretty');
    expect(resolveConfig({}, {}, false).logFormat).toBe('json');
    expect(resolveConfig({}, { AXIRU_LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(resolveConfig({}, { AXIRU_LOG_FORMAT: 'JSON' }, true).logFormat).toBe('json');
    expect(resolveConfig({}, { AXIRU_LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
    expect(() => resolveConfig({}, { AXIRU_LOG_FORMAT: 'xml' }, true)).toThrow(ConfigError);
    expect(() => resolveConfig({}, { AXIRU_LOG_FORMAT: 'xml' }, true)).toThrow('AXIRU_LOG_FORMAT must be one of json, pretty; got "xml"');
  });

  /** The first log line of `axiru serve` (fastify's "Server listening at …"), then a clean stop. */
  function firstLogLine(env: Record<string, string>, viaTerminal: boolean): Promise<string> {
    const data = tempDir('axiru-log-format-');
    const args = [AXIRU_BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data.path, '--log-level', 'info'];
    // `script` gives the server a pseudo-terminal as standard output, as a person's shell would
    // (util-linux and BSD/macOS spell its arguments differently).
    const scriptArgs = process.platform === 'darwin'
      ? ['-q', '/dev/null', process.execPath, ...args]
      : ['-qec', [process.execPath, ...args].map((word) => `'${word}'`).join(' '), '/dev/null'];
    const child = viaTerminal
      ? spawn('script', scriptArgs, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] })
      : spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    return new Promise<string>((resolve, reject) => {
      let logged = false;
      void exited.then(() => {
        if (!logged) reject(new Error(`axiru serve exited before it logged; its output:\n${output}`));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output += `${line}\n`;
        if (logged || !line.includes('Server listening at')) return;
        logged = true;
        child.kill('SIGTERM');
        void exited.then(() => {
          data.remove();
          resolve(line);
        });
      });
    });
  }

  it('axiru serve logs JSON Lines into a pipe, and AXIRU_LOG_FORMAT=pretty overrides that', async () => {
    assertBuilt();
    const json = await firstLogLine({ AXIRU_LOG_FORMAT: '' }, false);
    expect(JSON.parse(json)).toMatchObject({ level: 30, msg: expect.stringMatching(/^Server listening at http:\/\/127\.0\.0\.1:\d+$/) });
    const pretty = await firstLogLine({ AXIRU_LOG_FORMAT: 'pretty' }, false);
    expect(pretty).toMatch(/^\S*\[\d\d:\d\d:\d\d\]\S* \S*INFO\S*: \S*Server listening at http:\/\/127\.0\.0\.1:\d+/);
  }, SERVER_TEST_MS);

  it('axiru serve logs readable lines on a terminal, and JSON there with AXIRU_LOG_FORMAT=json', async () => {
    assertBuilt();
    const pretty = await firstLogLine({ AXIRU_LOG_FORMAT: '' }, true);
    expect(() => JSON.parse(pretty)).toThrow();
    expect(pretty).toMatch(/INFO.*Server listening at http:\/\/127\.0\.0\.1:\d+/);
    const json = await firstLogLine({ AXIRU_LOG_FORMAT: 'json' }, true);
    expect(JSON.parse(json.trim())).toMatchObject({ level: 30 });
  }, SERVER_TEST_MS);
});
