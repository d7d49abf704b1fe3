// The installable .vsix: built by `npm run package -w vscode-extension` (here, when missing or
// older than its sources), self-contained, and holding what the manifest promises.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { LENS_COMMANDS } from '../../language-server/src/features/codeLenses.js';
import { grammarFromYaml } from '../scripts/build.mjs';
import { readZip, type ZipEntry } from './helpers/zip.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const extension = join(root, 'vscode-extension');
const VSIX = join(extension, 'axiru.vsix');

/** Everything the .vsix is built from. */
const SOURCES = ['runtime/src', 'compiler/src', 'language-server/src', 'vscode-extension/src', 'vscode-extension/syntaxes/axiru.tmLanguage.yaml', 'vscode-extension/scripts', 'vscode-extension/package.json', 'vscode-extension/language-configuration.json', 'vscode-extension/README.md'];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

let entries: ZipEntry[];
const entry = (name: string) => entries.find((e) => e.name === `extension/${name}`);

beforeAll(() => {
  const stale = !existsSync(VSIX) || statSync(VSIX).mtimeMs < Math.max(...SOURCES.map((s) => newest(join(root, s))));
  if (stale) {
    const build = spawnSync('npm', ['run', 'package', '-w', 'vscode-extension'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`packaging failed:\n${build.stdout}\n${build.stderr}`);
  }
  entries = readZip(readFileSync(VSIX));
});

describe('the .vsix', () => {
  it('holds the bundled client, server and worker, the grammar and the manifest’s documents', () => {
    expect(entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).sort()).toEqual([
      'extension/LICENSE.txt',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/worker.js',
      'extension/language-configuration.json',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/axiru.tmLanguage.json',
    ]);
  });

  it('ships the grammar built from its YAML source', () => {
    expect(JSON.parse(entry('syntaxes/axiru.tmLanguage.json')!.read().toString('utf8'))).toEqual(grammarFromYaml());
  });

  it('contributes the language, grammar, settings and commands', () => {
    const manifest = JSON.parse(entry('package.json')!.read().toString('utf8'));
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.contributes.languages).toEqual([expect.objectContaining({ id: 'axiru', extensions: ['.axiru'], configuration: './language-configuration.json' })]);
    expect(manifest.contributes.grammars).toEqual([{ language: 'axiru', scopeName: 'source.axiru', path: './syntaxes/axiru.tmLanguage.json' }]);
    expect(Object.keys(manifest.contributes.configuration.properties)).toEqual(['axiru.history', 'axiru.trace.server']);
    expect(manifest.contributes.commands.map((c: { category: string; title: string }) => `${c.category}: ${c.title}`)).toEqual([
      'Axiru: Compile policy to IR',
      'Axiru: Run examples',
      'Axiru: Replay against history',
    ]);
    // The commands the server's code lenses run are the extension's.
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
    expect(commands).toEqual(expect.arrayContaining([LENS_COMMANDS.replay, LENS_COMMANDS.runExamples]));
    const client = readFileSync(join(extension, 'src/extension.ts'), 'utf8');
    for (const command of commands) expect(client).toContain(`registerCommand('${command}'`);
  });

  it('has a language configuration for comments, brackets and quotes', () => {
    const configuration = JSON.parse(entry('language-configuration.json')!.read().toString('utf8'));
    expect(configuration.comments).toEqual({ lineComment: '#' });
    expect(configuration.autoClosingPairs).toContainEqual({ open: '"', close: '"', notIn: ['string', 'comment'] });
  });
});

describe('the bundled server, unpacked alone', () => {
  let dir: string;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs without node_modules: checks a policy in its worker and exits cleanly', async () => {
    dir = mkdtempSync(join(tmpdir(), 'axiru-vsix-'));
    for (const name of ['dist/server.js', 'dist/worker.js']) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, entry(name)!.read());
    }
    const child = spawn(process.execPath, [join(dir, 'dist/server.js'), '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const published: PublishDiagnosticsParams[] = [];
    // The analysis (in the worker) adds a warning to a policy the check found clean.
    const analysed = new Promise<void>((resolve) =>
      connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        published.push(params);
        if (params.diagnostics.length > 0) resolve();
      }),
    );
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: 'untitled:p.axiru', languageId: 'axiru', version: 1, text: 'policy "p" version 1\nrule r:\n  block refunds over $100\n' },
    });
    await analysed;
    expect(published.map((p) => p.diagnostics.map((d) => d.code))).toEqual([[], ['AX2003']]);
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    expect(await exit).toBe(0);
    connection.dispose();
  });
});
