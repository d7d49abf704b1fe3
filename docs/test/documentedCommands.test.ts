// Every command README.md and BENCHMARKS.md tell a newcomer to type, run as typed against the
// built tree, with a temporary data folder. The commands come from the documents themselves
// (shell code blocks, `npm …`/`npx …` code spans, the `axiru` command table and the server
// settings table), so a newly documented command is a new case here, and one this file does not
// know how to run fails until it does.
//
// Sizes are made small for CI, never the code path: each benchmark gets `--quick`, and the history
// generator writes 1,000 refunds into a temporary folder. `npm ci` and `npm test` are the two
// commands this file cannot run from inside `npm test`: .ci/run runs exactly them in a fresh clone.
//
// This file runs after every other test file (its vitest project has groupOrder 1): `npm start`
// and the benchmarks rebuild the tree, which must not happen under the feet of other tests.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENTS = ['README.md', 'BENCHMARKS.md'] as const;
/** A safety net against a hang, not a speed requirement: the machine may be busy. */
const COMMAND_MS = 600_000;

const scratch = mkdtempSync(join(tmpdir(), 'axiru-documented-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function read(document: string): string {
  return readFileSync(join(ROOT, document), 'utf8');
}

/** Markdown without its fenced code blocks, and the shell blocks' commands (continued lines joined). */
function shellBlocks(markdown: string): { prose: string; commands: string[] } {
  const commands: string[] = [];
  const prose = markdown.replace(/^```(\w*)\n([\s\S]*?)^```$/gm, (_, language: string, body: string) => {
    if (language !== 'sh') return '';
    let pending = '';
    for (const line of body.split('\n')) {
      if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
      pending = pending === '' ? line : `${pending}\n${line}`;
      // A command continues while a quote is open (the README's multi-line curl).
      if ((pending.match(/'/g) ?? []).length % 2 === 0) {
        commands.push(pending.trim());
        pending = '';
      }
    }
    return '';
  });
  return { prose, commands };
}

/** The commands a document gives: shell blocks, `npm …`/`npx …` spans, bare `bench:…` script names. */
function documentedCommands(markdown: string): string[] {
  const { prose, commands } = shellBlocks(markdown);
  for (const [, span] of prose.matchAll(/`([^`]+)`/g)) {
    if (/^(npm|npx) /.test(span!)) commands.push(span!);
    else if (/^bench:[\w-]+$/.test(span!)) commands.push(`npm run ${span}`);
  }
  // `npm ci && npm start` is two commands, each its own case.
  return [...new Set(commands.flatMap((command) => command.split(' && ').map((step) => step.trim())))];
}

const commandsByDocument = DOCUMENTS.map((document) => ({ document, commands: documentedCommands(read(document)) }));
const allCommands = [...new Set(commandsByDocument.flatMap(({ commands }) => commands))];
/** Commands the same once at CI size (`npm run bench:server` and `npm run bench:server -- --quick`) run once. */
const distinctAtCiSize = (commands: readonly string[]): string[] =>
  commands.filter((command, index) => commands.findIndex((other) => atCiSize(other) === atCiSize(command)) === index);

interface Run { readonly code: number | null; readonly out: string; readonly err: string }

function sh(command: string, env: NodeJS.ProcessEnv = {}, input = '', cwd = ROOT): Run {
  const run = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', input, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function expectSuccess(run: Run, command: string): void {
  expect(run.code, `${command} failed:\n${run.err}\n${run.out.slice(-4000)}`).toBe(0);
}

/** The form of a documented command this test runs: the same command, at CI size. */
function atCiSize(command: string): string {
  // "`npx axiru` works straight after it": the command itself, asked for its version.
  if (command === 'npx axiru') return 'npx axiru --version';
  if (/^npm run gen:history\b/.test(command)) {
    const sized = command.replace(/--refunds \d+/, '--refunds 1000');
    return `${sized}${sized.includes(' -- ') ? '' : ' --'}${sized.includes('--refunds') ? '' : ' --refunds 1000'} --out ${join(scratch, 'history')}`;
  }
  if (/^npm run bench(:[\w-]+)?$/.test(command)) return `${command} -- --quick`;
  // Options after `--` (`npm run bench:server -- --engine postgres`) keep theirs, with --quick added.
  if (/^npm run bench(:[\w-]+)? -- /.test(command)) return / --quick( |$)/.test(command) ? command : `${command} --quick`;
  return command;
}

describe('the documented commands', () => {
  it('are found in README.md and BENCHMARKS.md, and every npm script named bench* is among them', () => {
    const readme = commandsByDocument.find(({ document }) => document === 'README.md')!.commands;
    expect(readme).toEqual(expect.arrayContaining(['npm ci', 'npm start', 'npm test']));
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const benchScripts = scripts.filter((name) => name.startsWith('bench'));
    expect(benchScripts.length).toBeGreaterThan(0);
    for (const name of benchScripts) expect(allCommands, `npm run ${name} is not documented`).toContain(`npm run ${name}`);
    for (const command of allCommands.filter((c) => c.startsWith('npm run '))) {
      expect(scripts, `${command}: no such script in package.json`).toContain(command.split(' ')[2]);
    }
  });

  it('npm ci and npm test are what .ci/run runs in a fresh clone, exactly as the README gives them', () => {
    expect(allCommands).toContain('npm ci');
    expect(allCommands).toContain('npm test');
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm ci && npm test$/m);
    expect(read('README.md')).toContain('```sh\nnpm ci && npm test\n```');
  });

  it('npm run test:soak runs the longer variants of test files that exist', () => {
    // Like npm test, it is the test suite itself (only longer), so it is not run from in here.
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['test:soak'];
    expect(script).toMatch(/AXIRU_SOAK=1 vitest run/);
    const files = script!.split(' ').filter((word) => word.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(read(file)).toContain("process.env['AXIRU_SOAK']");
  });

  it('npm start serves the README\'s decision request, answered as the README shows', async () => {
    expect(allCommands).toContain('npm start');
    const curl = allCommands.find((command) => command.startsWith('curl '));
    expect(curl, 'the README\'s curl example').toBeDefined();
    const data = join(scratch, 'data');
    const server = spawn('npm', ['start'], {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AXIRU_DATA: data, AXIRU_PORT: '0', AXIRU_HOST: '127.0.0.1' },
    });
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const keys: Record<string, string> = {};
      const url = await new Promise<string>((resolve, reject) => {
        void exited.then((code) => reject(new Error(`npm start exited (${code}) before it served: ${stderr}`)));
        createInterface({ input: server.stdout! }).on('line', (line) => {
          const key = /^(AXIRU_\w+)=(\S+)$/.exec(line);
          if (key) keys[key[1]!] = key[2]!;
          const ready = /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/.exec(line);
          if (ready) resolve(ready[1]!);
        });
      });
      expect(Object.keys(keys).sort()).toEqual(['AXIRU_ADMIN_KEY', 'AXIRU_DECISION_KEY', 'AXIRU_DEMO_EMAIL', 'AXIRU_DEMO_PASSWORD']);
      const asTyped = curl!.replaceAll('http://127.0.0.1:4000', url).replaceAll('<AXIRU_DECISION_KEY>', keys['AXIRU_DECISION_KEY']!);
      const answer = sh(asTyped);
      expectSuccess(answer, 'the README\'s curl');
      // The README shows the answer as comment lines under the command.
      const shown = /^# \{"decision":.*\n(?:^#.*\n)*/m.exec(read('README.md'))![0].replace(/^#\s*/gm, '');
      const expected = Object.fromEntries([...shown.matchAll(/"(outcome|reason|policy_version|matched_rule|approver_role)":"([^"]*)"/g)].map((m) => [m[1], m[2]]));
      expect(Object.keys(expected)).toHaveLength(5);
      expect((JSON.parse(answer.out) as { decision: Record<string, unknown> }).decision).toMatchObject(expected);
    } finally {
      // npm, its shell and the server are one process group, started here.
      if (server.exitCode === null) process.kill(-server.pid!, 'SIGTERM');
      await exited;
    }
  }, COMMAND_MS);

  const others = distinctAtCiSize(allCommands).filter((command) => !['npm ci', 'npm test', 'npm start', 'npm run test:soak'].includes(command) && !command.startsWith('curl '));
  it.each(others)('%s', async (command) => {
    const runnable = /^npx axiru( |$)/.test(command) || /^npm run [\w:-]+( |$)/.test(command);
    expect(runnable, `${command}: documented, but this test does not know how to run it; teach documentedCommands.test.ts`).toBe(true);
    const sized = atCiSize(command);
    if (/\bpolicies\//.test(command)) {
      // "Policies in CI": run in a policy repository, against a running server.
      const repository = await policyRepository();
      expectSuccess(sh(sized, repository.env, '', repository.dir), sized);
      return;
    }
    // The data folder `npm start` made above, as a newcomer's ./axiru-data would be; a password
    // on standard input for `users add --password`.
    expectSuccess(sh(sized, { AXIRU_DATA: join(scratch, 'data') }, 'a password of some length\n'), sized);
  }, COMMAND_MS);
});

interface PolicyRepository { readonly dir: string; readonly env: NodeJS.ProcessEnv }
let repository: Promise<PolicyRepository> | undefined;
let repositoryServer: ReturnType<typeof spawn> | undefined;
afterAll(async () => {
  if (repositoryServer && repositoryServer.exitCode === null) {
    const exited = new Promise((resolve) => repositoryServer!.once('exit', resolve));
    repositoryServer.kill('SIGTERM');
    await exited;
  }
});

/**
 * A policy repository as README's "Policies in CI" has it: `policies/refunds.axiru` (acme under a
 * new version) and `@axiru/compiler` installed (linked to this tree), with AXIRU_URL and
 * AXIRU_ADMIN_KEY naming an `axiru serve` of its own and an admin key made with `axiru keys create`.
 */
function policyRepository(): Promise<PolicyRepository> {
  repository ??= (async () => {
    const dir = join(scratch, 'policy-repository');
    mkdirSync(join(dir, 'policies'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', '@axiru'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    const source = readFileSync(join(ROOT, 'examples/acme.axiru'), 'utf8').replace(/^(policy "[^"]+") version \d+$/m, '$1 version 40');
    writeFileSync(join(dir, 'policies', 'refunds.axiru'), source);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, devDependencies: { '@axiru/compiler': '*' } }));
    symlinkSync(join(ROOT, 'compiler'), join(dir, 'node_modules', '@axiru', 'compiler'));
    symlinkSync(join(ROOT, 'compiler', 'bin', 'axiru.js'), join(dir, 'node_modules', '.bin', 'axiru'));
    const data = join(scratch, 'policy-repository-data');
    const server = spawn(process.execPath, [join(ROOT, 'compiler/bin/axiru.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data, '--log-level', 'error'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AXIRU_LOG_FORMAT: 'json' },
    });
    repositoryServer = server;
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`axiru serve exited (${code}) before it served: ${stderr}`)));
      createInterface({ input: server.stdout! }).on('line', (line) => {
        const ready = /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/.exec(line);
        if (ready) resolve(ready[1]!);
      });
    });
    const created = sh(`npx axiru keys create --data ${data} --kind admin`);
    expectSuccess(created, 'axiru keys create --kind admin');
    const key = /sk_\w+/.exec(created.out)?.[0];
    expect(key, `an admin key in: ${created.out}`).toBeDefined();
    return { dir, env: { AXIRU_URL: url, AXIRU_ADMIN_KEY: key! } };
  })();
  return repository;
}

/** The synopses in the first column of README's "The `axiru` command" table, e.g. `axiru users add|list|disable --data DIR`. */
function axiruSynopses(markdown: string): string[] {
  const section = /^## The `axiru` command\n([\s\S]*?)^## /m.exec(markdown)?.[1] ?? '';
  return section.split('\n')
    .filter((line) => line.startsWith('| `axiru '))
    .flatMap((line) => [...line.split(/(?<!\\)\|/)[1]!.matchAll(/`(axiru [^`]+)`/g)].map((m) => m[1]!.replace(/\\\|/g, '|')));
}

/** `axiru users add|list --data DIR` → [['users', 'add'], ['users', 'list']] with flags ['--data']. */
function expand(synopsis: string): { commands: string[][]; flags: string[] } {
  const words = synopsis.split(/\s+/).slice(1);
  const path: string[][] = [[]];
  for (const word of words) {
    if (!/^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(word)) break;
    const choices = word.split('|');
    path.splice(0, path.length, ...path.flatMap((prefix) => choices.map((choice) => [...prefix, choice])));
  }
  return { commands: path, flags: [...new Set(synopsis.match(/--[a-z][a-z-]*/g) ?? [])] };
}

/**
 * `axiru WORDS --help`, through the built CLI's main() in this process: the same program and
 * plugins `npx axiru` runs, without a Node start-up per command.
 */
async function axiru(words: readonly string[]): Promise<Run> {
  const { main } = (await import(pathToFileURL(join(ROOT, 'compiler/dist/cli/main.js')).href)) as typeof import('../../compiler/src/cli/main.js');
  let out = '';
  let err = '';
  const code = await main([...words, '--help'], {
    out: (text) => void (out += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void (err += text.endsWith('\n') ? text : `${text}\n`),
    color: false,
    readStdin: () => '',
  });
  return { code, out, err };
}

describe('the axiru command table', () => {
  const synopses = axiruSynopses(read('README.md'));
  it('lists commands', () => {
    expect(synopses.length).toBeGreaterThan(10);
  });

  it.each(synopses)('%s: the command exists and takes the documented options', async (synopsis) => {
    const { commands, flags } = expand(synopsis);
    for (const words of commands) {
      const help = await axiru(words);
      expectSuccess(help, `axiru ${words.join(' ')} --help`);
      expect(help.out).toContain(`Usage: axiru ${words.join(' ')}`);
      // Options shown on a row that lists several subcommands belong to at least one of them.
      if (commands.length === 1) for (const flag of flags) expect(help.out, `${words.join(' ')} ${flag}`).toContain(flag);
    }
    if (commands.length > 1) {
      const helps = (await Promise.all(commands.map(async (words) => (await axiru(words)).out))).join('\n');
      for (const flag of flags) expect(helps, flag).toContain(flag);
    }
  }, COMMAND_MS);

  it('axiru serve takes every flag and variable of the server settings table', async () => {
    const table = /^### Server settings\n([\s\S]*?)\n\n/m.exec(read('README.md'))?.[1] ?? '';
    // Each row: a flag (or none) and its variable, in backticks.
    const rows = table.split('\n').filter((line) => /^\| (`--[\w-]+`)? *\| `AXIRU_\w+`/.test(line))
      .map((line) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((name) => /^(--|AXIRU_)/.test(name)));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const help = await axiru(['serve']);
    expectSuccess(help, 'axiru serve --help');
    for (const names of rows) for (const name of names) expect(help.out).toContain(name);
  }, COMMAND_MS);
});
