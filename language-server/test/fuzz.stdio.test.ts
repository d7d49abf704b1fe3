// Corpus-driven fuzz of the real language server over a real JSON-RPC stream: mutants of every
// example and invalid example (up to 64 KB, compiler/test/fuzz/policyMutations.ts) are opened,
// edited incrementally and queried at random places. Every request must get an answer (no
// internal error), the server must log no uncaught exception and no unhandled rejection, and it
// must still be running and exit cleanly at the end. Time per input is not asserted here.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExitNotification,
  FoldingRangeRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  RegistrationRequest,
  SemanticTokensRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node.js';
import { mutants } from '../../compiler/test/fuzz/policyMutations.js';
import { built } from './helpers/built.js';

const BIN = fileURLToPath(new URL('../bin/axiru-language-server.js', import.meta.url));
const SEED = Number(process.env['AXIRU_LSP_FUZZ_SEED'] ?? 2019);
const COUNT = Number(process.env['AXIRU_LSP_FUZZ_COUNT'] ?? 15);

let child: ChildProcessWithoutNullStreams;
let connection: ProtocolConnection;
let exit: Promise<number | null>;
const logs: string[] = [];

beforeAll(async () => {
  built('main.js');
  child = spawn(process.execPath, [BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification(LogMessageNotification.type, (m) => logs.push(m.message));
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => null));
  connection.onRequest(RegistrationRequest.type, () => null);
  connection.onRequest(UnregistrationRequest.type, () => null);
  connection.onRequest('workspace/codeLens/refresh', () => null);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
  await connection.sendNotification(InitializedNotification.type, {});
}, 60_000);

afterAll(() => {
  connection?.dispose();
  if (child && child.exitCode === null) child.kill();
});

/** A small seeded generator, so a failing run repeats with AXIRU_LSP_FUZZ_SEED. */
function rng(seed: number): (n: number) => number {
  let state = seed | 0;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

describe(`language server fuzz over JSON-RPC (seed ${SEED}, ${COUNT} documents)`, () => {
  it('answers every request on every mutant, with no uncaught error or unhandled rejection', async () => {
    const random = rng(SEED);
    const failures: string[] = [];
    let n = 0;
    for (const mutant of mutants(SEED, COUNT)) {
      n += 1;
      const uri = `file:///fuzz/doc${n}.axiru`;
      let text = mutant.text;
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'axiru', version: 1, text } });
      const ask = async (what: string, request: Promise<unknown>): Promise<void> => {
        try {
          await request;
        } catch (error) {
          const code = (error as { code?: number }).code;
          // Cancelled or outdated (-32800, -32801) is a protocol answer; anything else is a failure.
          if (code !== -32800 && code !== -32801) failures.push(`${mutant.base} [${mutant.mutations.join('+')}] ${what}: ${String(error)}`);
        }
      };
      for (let version = 2; version <= 4; version += 1) {
        const offset = random(text.length + 1);
        const position = positionAt(text, offset);
        await Promise.all([
          ask('hover', connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position })),
          ask('completion', connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })),
          ask('semanticTokens', connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } })),
          ask('documentSymbol', connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })),
          ask('foldingRange', connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })),
          ask('formatting', connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })),
          ask('codeAction', connection.sendRequest(CodeActionRequest.type, {
            textDocument: { uri }, range: { start: positionAt(text, 0), end: position }, context: { diagnostics: [] },
          })),
        ]);
        // An incremental edit at the same place: delete a little, insert a little.
        const remove = Math.min(random(20), text.length - offset);
        const insert = ['', ' ', 'over $', '(', '"', '\n', 'rule x:\n  ', '😀'][random(8)]!;
        const end = positionAt(text, offset + remove);
        text = text.slice(0, offset) + insert + text.slice(offset + remove);
        await connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version }, contentChanges: [{ range: { start: position, end }, text: insert }],
        });
      }
      await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    }
    expect(failures).toEqual([]);
    expect(logs.filter((line) => /uncaught|unhandled rejection/i.test(line))).toEqual([]);
    expect(child.exitCode).toBeNull();
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    expect(await exit).toBe(0);
  }, 600_000);
});
