// Benchmark: the language server as an editor meets it. `npm run bench:lsp`.
//
// Over stdio against the real server binary, on a generated 1,000-rule policy:
//   1. didChange -> publishDiagnostics of that version (the check: syntax, semantic checks,
//      IR, examples), median and p95 over 50 edits typed one after another;
//   2. the static analysis (second stage, in a worker): didChange -> final diagnostics, and
//      whether an edit during an analysis cancels it;
//   3. completion latency at several kinds of position, p50 and p95 over 100 requests;
//   4. code-lens hit counts over a 100,000-refund history: the replay in the worker, and
//      didChange -> code-lens refresh end to end; 5. the same for examples/acme.axiru.
// Targets (2-core machine): diagnostics p95 < 100 ms, completion p95 < 30 ms, hit counts over
// 100k refunds < 1 s. Figures are printed, not asserted: the tests check behaviour, this measures.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from '@axiru/compiler';
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORK = join(ROOT, '.bench-tmp', 'lsp');
const RULES = 1_000;
const EDITS = 50;
const COMPLETIONS = 100;
const ANALYSES = 3;
const REPLAYS = 5;
const HISTORY_REFUNDS = 100_000;
const SEED = 20260501;

// ---------------------------------------------------------------------------------------------
// Inputs

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded policy of `count` rules over every statement shape, with a few examples. */
export function generatePolicy(count: number, seed: number): string {
  const random = mulberry32(seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]) => items[int(0, items.length - 1)]!;
  const sources = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];
  const reasons = ['duplicate', 'fraudulent', 'requested_by_customer', 'product_not_received'];
  const lines = [
    `policy "generated-${count}" version 1`,
    '',
    'roles support_lead < finance_manager < cfo',
    `sources ${sources.join(', ')}`,
    'otherwise require support_lead',
    '',
  ];
  for (let i = 0; i < count; i++) {
    const money = () => (random() < 0.8 ? `$${int(10, 5000)}` : `€${int(10, 5000)}`);
    const amount = money();
    const condition = pick([
      () => `customer tenure under ${int(1, 90)} days`,
      () => `reason is ${pick(reasons)}`,
      () => `customer refunds in last ${int(7, 60)} days at least ${int(1, 5)}`,
      () => `charge age over ${int(30, 180)} days`,
      () => `amount over ${int(50, 120)}% of charge amount`,
      () => `source in [${pick(sources)}, ${pick(sources)}]`,
    ])();
    const statement = pick([
      () => `refunds from ${pick(sources)} over ${amount} when ${condition} require ${pick(['support_lead', 'finance_manager', 'cfo'])}`,
      () => `block refunds over ${amount} when ${condition}`,
      () => `flag refunds when ${condition} and amount over ${amount}`,
      () => `allow refunds up to ${amount} unless ${condition}`,
      () => `refunds over ${amount} when ${condition} require 2 approvals from cfo`,
    ])();
    lines.push(`rule r${i}:`, `  ${statement}`, '');
  }
  for (let i = 0; i < 20; i++) {
    lines.push(`example "example ${i}" {`, `  amount: $${int(1, 6000)}, source: ${pick(sources)}, customer_tenure_days: ${int(1, 400)}, reason: ${pick(reasons)}`, `} expect ${pick(['allow', 'flag', 'pending_approval', 'block'])}`, '');
  }
  return lines.join('\n');
}

/** 100,000 Stripe Refund objects: the repository's history generator if built, else a minimal one. */
async function ensureHistory(): Promise<string> {
  const dir = join(WORK, 'history');
  const path = join(dir, 'refunds.jsonl');
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const generator = join(ROOT, 'examples/history/dist/generate.js');
  if (existsSync(generator)) {
    const run = spawnSync(process.execPath, [generator, '--refunds', String(HISTORY_REFUNDS), '--days', '90', '--seed', '7', '--out', dir], { stdio: 'inherit' });
    if (run.status === 0 && existsSync(path)) return path;
  }
  // Minimal JSON Lines of Stripe Refund objects with the charge expanded, oldest first.
  const random = mulberry32(7);
  const out = createWriteStream(path);
  const start = Date.parse('2026-01-01T00:00:00Z') / 1000;
  for (let i = 0; i < HISTORY_REFUNDS; i++) {
    const amount = 100 + Math.floor(random() * 300_000);
    const created = start + Math.floor((i / HISTORY_REFUNDS) * 90 * 86_400);
    const refund = {
      id: `re_${i}`,
      object: 'refund',
      amount,
      currency: random() < 0.8 ? 'usd' : 'eur',
      created,
      status: 'succeeded',
      reason: ['duplicate', 'fraudulent', 'requested_by_customer'][i % 3],
      metadata: { source: ['support_tool', 'ai_agent', 'automation', 'stripe_direct'][i % 4] },
      charge: { id: `ch_${i}`, object: 'charge', amount: amount + 500, created: created - 86_400 * (1 + (i % 60)), customer: `cus_${i % 20_000}`, metadata: {} },
    };
    if (!out.write(`${JSON.stringify(refund)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

// ---------------------------------------------------------------------------------------------
// Measuring

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

interface Status {
  readonly uri: string;
  readonly version: number | null;
  readonly state: string;
  readonly durationMs?: number;
  readonly refunds?: number;
}

/** Waits for the first notification that matches, from now on. */
class Waiter<T> {
  private waiting: { match: (value: T) => boolean; resolve: (value: T) => void }[] = [];
  readonly seen: T[] = [];

  push = (value: T): void => {
    this.seen.push(value);
    const ready = this.waiting.filter((w) => w.match(value));
    this.waiting = this.waiting.filter((w) => !w.match(value));
    for (const w of ready) w.resolve(value);
  };

  next(match: (value: T) => boolean): Promise<T> {
    return new Promise((resolve) => this.waiting.push({ match, resolve }));
  }
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const text = generatePolicy(RULES, SEED);
  const policyPath = join(WORK, `policy-${RULES}.axiru`);
  writeFileSync(policyPath, text);
  const check = compile(text, { analysis: false });
  if (!check.ir) throw new Error(`the generated policy has errors: ${check.diagnostics.slice(0, 3).map((d) => d.message).join('; ')}`);
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`machine: ${cpus().length} cores, load average ${load()}`);
  console.log(`policy: ${RULES} rules, ${text.length.toLocaleString('en-US')} characters, ${check.diagnostics.length} diagnostics from the check`);
  const history = await ensureHistory();
  console.log(`history: ${history}`);

  const child = spawn(process.execPath, [join(ROOT, 'language-server/bin/axiru-language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection: ProtocolConnection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const diagnostics = new Waiter<PublishDiagnosticsParams & { at: number }>();
  const statuses = new Waiter<Status & { at: number }>();
  let refreshes = 0;
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.push({ ...p, at: performance.now() }));
  connection.onNotification('axiru/status', (s: Status) => statuses.push({ ...s, at: performance.now() }));
  connection.onRequest(CodeLensRefreshRequest.type, () => {
    refreshes++;
    return null;
  });
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({ history })));
  connection.onRequest(RegistrationRequest.type, () => null);
  connection.onRequest(UnregistrationRequest.type, () => null);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: null,
    capabilities: { workspace: { configuration: true, codeLens: { refreshSupport: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
  });
  await connection.sendNotification(InitializedNotification.type, {});

  const uri = pathToFileURL(policyPath).href;
  let version = 1;
  let current = text;
  const lines = () => current.split('\n');

  // Open: the first check, the first analysis, the first replay.
  const opened = performance.now();
  const firstCheck = statuses.next((s) => s.uri === uri && s.state === 'checked');
  const firstAnalysis = statuses.next((s) => s.uri === uri && s.state === 'analysed');
  const firstReplay = statuses.next((s) => s.uri === uri && s.state === 'replayed');
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'axiru', version, text } });
  console.log(`\nopen: first diagnostics after ${ms((await firstCheck).at - opened)}`);
  const replay0 = await firstReplay;
  console.log(`open: first hit counts after ${ms(replay0.at - opened)} (replay of ${replay0.refunds?.toLocaleString('en-US')} refunds: ${ms(replay0.durationMs!)})`);
  const analysis0 = await firstAnalysis;
  console.log(`open: static analysis done after ${ms(analysis0.at - opened)} (in the worker: ${ms(analysis0.durationMs!)})`);

  /** Replaces the threshold of rule `index` (its first money literal) and returns when the change is sent. */
  const editRule = async (index: number, amount: number): Promise<number> => {
    const all = lines();
    const line = all.indexOf(`rule r${index}:`) + 1;
    const match = /[$€]\d+/.exec(all[line]!)!;
    const range = { start: { line, character: match.index + 1 }, end: { line, character: match.index + match[0].length } };
    all[line] = all[line]!.slice(0, match.index + 1) + amount + all[line]!.slice(match.index + match[0].length);
    current = all.join('\n');
    version++;
    const sent = performance.now();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: String(amount) }] });
    return sent;
  };

  // 1. The check after each of 50 edits, typed one after another.
  const checkLatencies: number[] = [];
  const serverChecks: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const target = version + 1;
    const published = diagnostics.next((p) => p.uri === uri && p.version === target);
    const checked = statuses.next((s) => s.uri === uri && s.version === target && s.state === 'checked');
    const sent = await editRule((i * 37) % RULES, 100 + i);
    checkLatencies.push((await published).at - sent);
    serverChecks.push((await checked).durationMs!);
  }
  console.log(`\n1. didChange -> publishDiagnostics (check), ${EDITS} edits: median ${ms(percentile(checkLatencies, 50))}, p95 ${ms(percentile(checkLatencies, 95))}, max ${ms(Math.max(...checkLatencies))}`);
  console.log(`   of which compiling in the server: median ${ms(percentile(serverChecks, 50))}, p95 ${ms(percentile(serverChecks, 95))}`);

  // 2. The analysis: edit, then wait for the final diagnostics; once with an edit in the middle.
  const analysisLatencies: number[] = [];
  const analysisWork: number[] = [];
  for (let i = 0; i < ANALYSES; i++) {
    const target = version + 1;
    const done = statuses.next((s) => s.uri === uri && s.version === target && s.state === 'analysed');
    const sent = await editRule((i * 101) % RULES, 2000 + i);
    const status = await done;
    analysisLatencies.push(status.at - sent);
    analysisWork.push(status.durationMs!);
  }
  console.log(`\n2. didChange -> final diagnostics (analysis), ${ANALYSES} edits: median ${ms(percentile(analysisLatencies, 50))} (in the worker: median ${ms(percentile(analysisWork, 50))}; the rest is the 400 ms quiet period and the check)`);
  {
    const first = version + 1;
    const started = statuses.next((s) => s.uri === uri && s.version === first && s.state === 'analysing');
    await editRule(7, 3000);
    await started;
    const second = version + 1;
    const done = statuses.next((s) => s.uri === uri && s.version === second && s.state === 'analysed');
    const sent = await editRule(8, 3001);
    const status = await done;
    const stale = statuses.seen.filter((s) => s.uri === uri && s.version === first && s.state === 'analysed').length;
    console.log(`   an edit during an analysis: the old analysis ${stale === 0 ? 'was cancelled' : 'still finished (!)'}; the new one was final ${ms(status.at - sent)} after its edit`);
  }

  // 3. Completion at several kinds of position, the document idle.
  const completionPositions: Position[] = [];
  const all = lines();
  for (let i = 0; i < RULES && completionPositions.length < COMPLETIONS; i += 10) {
    const line = all.indexOf(`rule r${i}:`) + 1;
    const body = all[line]!;
    for (const word of [' require ', ' when ', ' from ', ' unless ', ' is ']) {
      const at = body.indexOf(word);
      if (at >= 0) completionPositions.push({ line, character: at + word.length });
    }
  }
  const completionLatencies: number[] = [];
  let offered = 0;
  for (const position of completionPositions.slice(0, COMPLETIONS)) {
    const sent = performance.now();
    const items = (await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as unknown[];
    completionLatencies.push(performance.now() - sent);
    offered += items.length;
  }
  console.log(
    `\n3. completion, ${completionLatencies.length} requests: p50 ${ms(percentile(completionLatencies, 50))}, p95 ${ms(percentile(completionLatencies, 95))}, max ${ms(Math.max(...completionLatencies))} (${Math.round(offered / completionLatencies.length)} items on average)`,
  );

  // 4. Hit counts: each edit changes the IR, so the history is replayed again.
  const replayWork: number[] = [];
  const lensLatencies: number[] = [];
  for (let i = 0; i < REPLAYS; i++) {
    const replayed = statuses.next((s) => s.uri === uri && s.state === 'replayed');
    const sent = await editRule((i * 211) % RULES, 4000 + i);
    const status = await replayed;
    replayWork.push(status.durationMs!);
    // The server asks for a code-lens refresh right after it reports the replay.
    lensLatencies.push(status.at - sent);
  }
  const lensRequest = performance.now();
  const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  const lensTime = performance.now() - lensRequest;
  console.log(
    `\n4. hit counts over ${replay0.refunds?.toLocaleString('en-US')} refunds, ${REPLAYS} edits: replay in the worker median ${ms(percentile(replayWork, 50))}, max ${ms(Math.max(...replayWork))}; didChange -> code-lens refresh median ${ms(percentile(lensLatencies, 50))} (includes the 500 ms quiet period)`,
  );
  console.log(`   codeLens request: ${ms(lensTime)} for ${lenses?.length} lenses, e.g. "${lenses?.[0]?.command?.title}" (${refreshes} refresh requests in all)`);

  // 5. The same history under a policy of everyday size: what the replay costs without 1,000 rules.
  {
    const acmePath = join(ROOT, 'examples/acme.axiru');
    const acmeUri = pathToFileURL(acmePath).href;
    const replayed = statuses.next((s) => s.uri === acmeUri && s.state === 'replayed');
    const opened = performance.now();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: acmeUri, languageId: 'axiru', version: 1, text: readFileSync(acmePath, 'utf8') } });
    const status = await replayed;
    console.log(`\n5. hit counts for examples/acme.axiru (7 rules) over the same history: replay in the worker ${ms(status.durationMs!)}; open -> lenses ${ms(status.at - opened)}`);
  }

  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  const [code] = (await once(child, 'exit')) as [number | null];
  connection.dispose();
  console.log(`\nserver exited with code ${code}; load average ${load()}`);
}

await main();
