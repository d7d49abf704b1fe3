// The real binary, spawned and driven over stdio by a real JSON-RPC client: what an editor does.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPolicy } from '@axiru/compiler';
import {
  CodeActionRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  RenameRequest,
  SemanticTokensRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  type CompletionItem,
  type InitializeResult,
  type MarkupContent,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import type { StatusParams } from '../src/server.js';
import { asCliJson } from './helpers/cliJson.js';
import { built } from './helpers/built.js';
import { Events } from './helpers/events.js';
import { FIXTURES, LENS_POLICY, LENS_POLICY_PATH } from './helpers/paths.js';

const BIN = fileURLToPath(new URL('../bin/axiru-language-server.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../compiler/bin/axiru.js', import.meta.url));

const WITH_ERRORS = `policy "broken" version 1
roles support_lead < finance_manager

rule high_value:
  refunds over $150 require finance_manger

rule high_value:
  refunds ovr $10 require support_lead
  because "duplicate name, and a typo"
`;

/** `axiru check --format json`: what CI sees for the file. */
function cliDiagnostics(path: string): unknown[] {
  const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', path], { encoding: 'utf8' });
  return JSON.parse(run.stdout) as unknown[];
}

let child: ChildProcessWithoutNullStreams;
let connection: ProtocolConnection;
let exit: Promise<number | null>;
let initialized: InitializeResult;
let dir: string;
const stderr: string[] = [];
const diagnostics = new Events<PublishDiagnosticsParams>();
const statuses = new Events<StatusParams>();
const refreshes = new Events<number>();
const registrations: { method: string; registerOptions?: unknown }[] = [];
const lensUri = pathToFileURL(LENS_POLICY_PATH).href;

beforeAll(async () => {
  built('main.js');
  dir = mkdtempSync(join(tmpdir(), 'axiru-ls-'));
  child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification(PublishDiagnosticsNotification.type, diagnostics.push);
  connection.onNotification('axiru/status', statuses.push);
  connection.onNotification(LogMessageNotification.type, (m) => stderr.push(m.message));
  connection.onRequest(CodeLensRefreshRequest.type, () => {
    refreshes.push(refreshes.all.length);
    return null;
  });
  // The workspace is the fixtures folder; the history setting is relative to it.
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'axiru' ? { history: 'history/refunds.jsonl' } : null)));
  connection.onRequest(RegistrationRequest.type, (params) => {
    registrations.push(...params.registrations);
    return null;
  });
  connection.onRequest(UnregistrationRequest.type, () => null);
  connection.listen();
  initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: [{ uri: pathToFileURL(FIXTURES).href, name: 'fixtures' }],
    capabilities: {
      workspace: {
        configuration: true,
        codeLens: { refreshSupport: true },
        didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
        didChangeConfiguration: { dynamicRegistration: true },
      },
      textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true } },
    },
  });
  await connection.sendNotification(InitializedNotification.type, {});
});

afterAll(() => {
  connection?.dispose();
  if (child && child.exitCode === null) child.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(uri: string, text: string, version = 1): Promise<void> {
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'axiru', version, text } });
}

/** Every `|` marks a cursor; the text without them and each cursor's position. */
function cursors(fixture: string): { text: string; positions: { line: number; character: number }[] } {
  const positions: { line: number; character: number }[] = [];
  const lines = fixture.split('\n');
  const clean = lines.map((line, n) => {
    let out = '';
    for (const char of line) {
      if (char === '|') positions.push({ line: n, character: out.length });
      else out += char;
    }
    return out;
  });
  return { text: clean.join('\n'), positions };
}

describe('the language server over stdio', () => {
  it('initializes with every feature', () => {
    expect(initialized.serverInfo?.name).toBe('axiru-language-server');
    expect(Object.keys(initialized.capabilities).sort()).toEqual([
      'codeActionProvider',
      'codeLensProvider',
      'completionProvider',
      'definitionProvider',
      'documentFormattingProvider',
      'documentHighlightProvider',
      'documentSymbolProvider',
      'executeCommandProvider',
      'foldingRangeProvider',
      'hoverProvider',
      'referencesProvider',
      'renameProvider',
      'semanticTokensProvider',
      'textDocumentSync',
    ]);
  });

  it('reports exactly the CLI’s diagnostics for a file with errors', async () => {
    const path = join(dir, 'broken.axiru');
    writeFileSync(path, WITH_ERRORS);
    const uri = pathToFileURL(path).href;
    await open(uri, WITH_ERRORS);
    const published = await diagnostics.next((p) => p.uri === uri && p.version === 1);
    const expected = cliDiagnostics(path);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(published.diagnostics.map((d) => asCliJson(d, path))).toEqual(expected);
    expect(await statuses.next((s) => s.uri === uri && s.version === 1)).toMatchObject({ state: 'checked', final: true });
    // The duplicate's first definition comes along as related information.
    expect(published.diagnostics.find((d) => d.code === 'AX1006')?.relatedInformation?.[0]?.location.range.start.line).toBe(3);

    const fix = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 4, character: 30 }, end: { line: 4, character: 30 } },
      context: { diagnostics: published.diagnostics },
    });
    expect(fix?.map((a) => ('title' in a ? a.title : ''))).toEqual(['Change to `finance_manager`']);
  });

  it('adds the static analysis of a policy without errors, still exactly the CLI’s', async () => {
    await open(lensUri, LENS_POLICY);
    await statuses.next((s) => s.uri === lensUri && s.state === 'analysed');
    const published = diagnostics.all.filter((p) => p.uri === lensUri);
    expect(published.map((p) => p.diagnostics.map((d) => d.code))).toEqual([[], ['AX2003']]);
    expect(published.at(-1)!.diagnostics.map((d) => asCliJson(d, LENS_POLICY_PATH))).toEqual(cliDiagnostics(LENS_POLICY_PATH));
  });

  it('shows hit counts from the configured history in code lenses', async () => {
    await statuses.next((s) => s.uri === lensUri && s.state === 'replayed');
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: lensUri } });
    expect(lenses?.map((l) => [l.range.start.line, l.command?.title])).toEqual([
      [5, 'matched 2 of 6 refunds in the last 30 days · $500 · would decide 2'],
      [8, 'matched 2 of 6 refunds in the last 30 days · $360 · would decide 1'],
      [11, 'matched 2 of 6 refunds in the last 30 days · $13 · would decide 2'],
      [14, '▶ run examples'],
      [14, '✓ passes: pending_approval by high_value'],
    ]);
    expect(refreshes.all.length).toBeGreaterThan(0);
    // The history file is watched, so the counts follow it.
    expect(registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')?.registerOptions).toEqual({
      watchers: [{ globPattern: { baseUri: pathToFileURL(join(FIXTURES, 'history')).href, pattern: 'refunds.jsonl' } }],
    });
  });

  it('completes by context at several positions', async () => {
    const { text, positions } = cursors(`policy "scratch" version 1
roles support_lead < finance_manager
|
rule r:
  refunds from |ai_agent over $50 when |customer tenure under 30 days require |support_lead
  unless reason is |duplicate
example "e" { amount: $1 } expect |allow by |r
`);
    const uri = 'untitled:scratch.axiru';
    await open(uri, text);
    const labels: string[][] = [];
    for (const position of positions) {
      const items = (await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionItem[];
      labels.push(items.map((i) => i.label).slice(0, 4));
    }
    expect(labels).toEqual([
      ['roles', 'sources', 'lists', 'timezone'],
      ['support_tool', 'ai_agent', 'automation', 'stripe_direct'],
      ['amount', 'charge amount', 'charge refunded', 'charge age'],
      ['support_lead', 'finance_manager', 'N approvals from', 'approval from'],
      ['duplicate', 'fraudulent', 'requested_by_customer', 'expired_uncaptured_charge'],
      ['allow', 'flag', 'pending_approval', 'block'],
      ['r'],
    ]);
  });

  it('hovers over money and over a rule, with its hit counts', async () => {
    const money = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: lensUri }, position: { line: 6, character: 17 } });
    expect((money?.contents as MarkupContent).value).toContain('**money** $150.00 — USD, 15000 minor units (2 decimals)');
    const rule = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: lensUri }, position: { line: 5, character: 8 } });
    expect((rule?.contents as MarkupContent).value).toBe(
      '**rule** `high_value` → `pending_approval`\n\nHolds refunds when amount over $150.00 for approval by finance_manager.\n\nReason: “Refunds over $150 require finance_manager”\n\nHistory: matched 2 of 6 refunds in the last 30 days · $500 · would decide 2',
    );
  });

  it('formats with the compiler’s formatter', async () => {
    const messy = 'policy   "p"  version 1\nroles a<b\nrule r :  refunds over $1   require b\n';
    const uri = 'untitled:messy.axiru';
    await open(uri, messy);
    const edits = await connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits?.map((e) => e.newText)).toEqual([formatPolicy(messy).text]);
  });

  it('renames a role across the file', async () => {
    const edit = await connection.sendRequest(RenameRequest.type, { textDocument: { uri: lensUri }, position: { line: 3, character: 25 }, newName: 'controller' });
    expect(edit?.changes?.[lensUri]?.map((e) => [e.range.start.line, e.range.start.character, e.newText])).toEqual([
      [3, 21, 'controller'],
      [6, 28, 'controller'],
    ]);
  });

  it('follows edits: new diagnostics for the new version, and the analysis of the old one is cancelled', async () => {
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: lensUri, version: 2 },
      contentChanges: [{ range: { start: { line: 6, character: 28 }, end: { line: 6, character: 43 } }, text: 'cfo' }],
    });
    const published = await diagnostics.next((p) => p.uri === lensUri && p.version === 2);
    expect(published.diagnostics.map((d) => [d.code, d.message.split('\n')[0]])).toEqual([['AX1003', 'unknown role `cfo`']]);
    expect(await statuses.next((s) => s.uri === lensUri && s.version === 2)).toMatchObject({ state: 'checked', final: true });
  });

  it('answers semantic tokens and commands', async () => {
    const tokens = await connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: lensUri } });
    expect(tokens?.data.length).toBeGreaterThan(50);
    const examples = (await connection.sendRequest(ExecuteCommandRequest.type, { command: 'axiru.server.runExamples', arguments: ['untitled:scratch.axiru'] })) as {
      examples: { name: string; passed: boolean }[];
    };
    expect(examples.examples).toEqual([expect.objectContaining({ name: 'e', passed: false })]);
    const compiled = (await connection.sendRequest(ExecuteCommandRequest.type, { command: 'axiru.server.compile', arguments: ['untitled:scratch.axiru'] })) as {
      ir: { policy: string } | null;
      diagnostics: { code: string }[];
    };
    expect(compiled.ir?.policy).toBe('scratch');
    expect(compiled.diagnostics.map((d) => d.code)).toContain('AX1023');
    const replayed = (await connection.sendRequest(ExecuteCommandRequest.type, { command: 'axiru.server.replay', arguments: [lensUri] })) as { text: string };
    expect(replayed.text).toContain('lens-fixture v1 replayed over 6 refunds');
  });

  it('shuts down and exits with code 0', async () => {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    expect(await exit).toBe(0);
    expect(stderr.join('')).not.toMatch(/failed|uncaught|unhandled/);
  });
});
