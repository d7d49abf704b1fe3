// Benchmark: the language server as an editor meets it. `npm run bench:lsp`.
//
// Over stdio against the real server binary, on the generated 1,000-rule policy `npm run bench`
// analyses (bench/policySource.ts, seed 11: no errors, so the rule analysis runs in full):
//   1. didChange -> publishDiagnostics of that version (the check: parse and syntax-tree
//      checks), median and p95 over 50 edits typed one after another;
//   2. the static analysis (last stage, in a worker): didChange -> final diagnostics, and
//      whether an edit during an analysis cancels it;
//   3. completion latency at several kinds of position, p50 and p95 over 100 requests;
//   4. code-lens hit counts over a 100,000-refund history: the replay in the worker after each
//      edit, and didChange -> code-lens refresh end to end; 5. the same for examples/acme.axiru.
// Targets (2-core machine): diagnostics p95 < 100 ms, final diagnostics (analysis included) p95
// < 500 ms, completion p95 < 30 ms, hit counts over 100k refunds < 1 s. Figures are printed,
// not asserted: the tests check behaviour, this measures.
//
// Besides wall-clock times, each operation's CPU time is read from the server process
// (/proc/PID/stat, all its threads): on a shared, loaded machine wall-clock times are inflated
// and noisy, CPU time much less so. `--baseline DIR` runs the same steps against another build
// (DIR/bin/axiru-language-server.js, e.g. a copy of an earlier language-server/) in the same
// run and prints the ratios. LSP_PROF=DIR starts the servers with --cpu-prof into DIR.
// `--quick`: a 100-rule policy, 1,000 refunds and a few of each request, the same code, for CI;
// its figures mean nothing.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { readFileSync as readProc } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from '@axiru/compiler';
import { mulberry32 } from './generatePolicy.js';
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
const QUICK = process.argv.includes('--quick');
const RULES = QUICK ? 100 : 1_000;
const EDITS = QUICK ? 5 : 50;
const COMPLETIONS = QUICK ? 10 : 100;
const ANALYSES = QUICK ? 1 : 30;
const REPLAYS = QUICK ? 1 : 5;
const HISTORY_REFUNDS = QUICK ? 1_000 : 100_000;
/** The seed `npm run bench` (bench/compile.ts) analyses its 1,000-rule policy with. */
const SEED = 11;

// ---------------------------------------------------------------------------------------------
// Inputs

/** HISTORY_REFUNDS Stripe Refund objects (kept for the next run): the repository's history generator if built, else a minimal one. */
async function ensureHistory(): Promise<string> {
  const dir = join(WORK, QUICK ? `history-${HISTORY_REFUNDS}` : 'history');
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

/** CPU time (user + system, every thread) of a process so far, in milliseconds; 10 ms resolution. */
function processCpu(pid: number): number {
  // After the command name in parentheses: fields 14 and 15 of stat(5) are utime and stime, in ticks of 1/100 s.
  const stat = readProc(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Server {
  readonly connection: ProtocolConnection;
  readonly diagnostics: Waiter<PublishDiagnosticsParams & { at: number }>;
  readonly statuses: Waiter<Status & { at: number }>;
  readonly cpu: () => number;
  refreshes: number;
  stop(): Promise<number | null>;
}

async function startServer(bin: string, history: string, init: Record<string, unknown>): Promise<Server> {
  const child = spawn(process.execPath, [...(process.env['LSP_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=' + process.env['LSP_PROF']] : []), bin, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection: ProtocolConnection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const server: Server = {
    connection,
    diagnostics: new Waiter(),
    statuses: new Waiter(),
    cpu: () => processCpu(child.pid!),
    refreshes: 0,
    stop: async () => {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      const [code] = (await once(child, 'exit')) as [number | null];
      connection.dispose();
      return code;
    },
  };
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => server.diagnostics.push({ ...p, at: performance.now() }));
  connection.onNotification('axiru/status', (s: Status) => server.statuses.push({ ...s, at: performance.now() }));
  connection.onRequest(CodeLensRefreshRequest.type, () => {
    server.refreshes++;
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
    initializationOptions: init,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return server;
}

/** An open policy and edits to it: each replaces the first money amount of one rule. */
class Editor {
  version = 1;
  current: string;

  constructor(
    private readonly server: Server,
    readonly uri: string,
    text: string,
  ) {
    this.current = text;
  }

  async open(): Promise<void> {
    await this.server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: this.uri, languageId: 'axiru', version: this.version, text: this.current } });
  }

  /** Replaces the threshold of rule `index` and returns when the change is sent. */
  async editRule(index: number, amount: number): Promise<number> {
    const all = this.current.split('\n');
    const line = all.indexOf(`rule r${index}:`) + 1;
    const match = /[$€]\d+/.exec(all[line]!)!;
    const range = { start: { line, character: match.index + 1 }, end: { line, character: match.index + match[0].length } };
    all[line] = all[line]!.slice(0, match.index + 1) + amount + all[line]!.slice(match.index + match[0].length);
    this.current = all.join('\n');
    this.version++;
    const sent = performance.now();
    await this.server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: this.uri, version: this.version }, contentChanges: [{ range, text: String(amount) }] });
    return sent;
  }
}

/** The figures of one build, for the comparison at the end. */
interface Figures {
  checkP50: number;
  checkP95: number;
  checkCpu: number;
  analysis: number;
  analysisP95: number;
  completionP95: number;
  firstReplay: number;
  replay: number;
  replayCpu: number;
  lens: number;
  acmeReplay: number;
}

async function measure(label: string, bin: string, text: string, history: string): Promise<Figures> {
  console.log(`\n=== ${label}: ${bin}`);
  const figures = {} as Figures;
  const uri = pathToFileURL(join(WORK, `policy-${RULES}.axiru`)).href;

  // Diagnostics, analysis and completion. Hit counts are off (no history), so that only the
  // stages of checking use the process's CPU.
  {
    const server = await startServer(bin, '', {});
    const editor = new Editor(server, uri, text);
    const { statuses, diagnostics } = server;
    const opened = performance.now();
    const firstCheck = statuses.next((s) => s.uri === uri && s.state === 'checked');
    const firstAnalysis = statuses.next((s) => s.uri === uri && s.state === 'analysed');
    await editor.open();
    console.log(`open: first diagnostics after ${ms((await firstCheck).at - opened)}`);
    const analysis0 = await firstAnalysis;
    console.log(`open: static analysis done after ${ms(analysis0.at - opened)} (in the worker: ${ms(analysis0.durationMs!)})`);

    // 1. The check after each of 50 edits, typed one after another.
    const checkLatencies: number[] = [];
    const serverChecks: number[] = [];
    const cpuBefore = server.cpu();
    for (let i = 0; i < EDITS; i++) {
      const target = editor.version + 1;
      const published = diagnostics.next((p) => p.uri === uri && p.version === target);
      const checked = statuses.next((s) => s.uri === uri && s.version === target && s.state === 'checked');
      const sent = await editor.editRule((i * 37) % RULES, 100 + i);
      checkLatencies.push((await published).at - sent);
      serverChecks.push((await checked).durationMs!);
    }
    // The last edit's later stages (compile, then the analysis after 150 ms) are not part of it.
    const lastCompiled = statuses.seen.some((s) => s.version === editor.version && s.state === 'compiled');
    figures.checkCpu = (server.cpu() - cpuBefore) / EDITS;
    figures.checkP50 = percentile(checkLatencies, 50);
    figures.checkP95 = percentile(checkLatencies, 95);
    console.log(`\n1. didChange -> publishDiagnostics (check), ${EDITS} edits: median ${ms(figures.checkP50)}, p95 ${ms(figures.checkP95)}, max ${ms(Math.max(...checkLatencies))}`);
    console.log(`   of which checking in the server: median ${ms(percentile(serverChecks, 50))}, p95 ${ms(percentile(serverChecks, 95))}`);
    console.log(`   server CPU per edit, every stage it ran: ${ms(figures.checkCpu)}${lastCompiled ? '' : ' (the compile stage of the last edit not yet run)'}`);

    // 2. The analysis: edit, then wait for the final diagnostics; once with an edit in the middle.
    const analysisLatencies: number[] = [];
    const analysisWork: number[] = [];
    for (let i = 0; i < ANALYSES; i++) {
      const target = editor.version + 1;
      const done = statuses.next((s) => s.uri === uri && s.version === target && s.state === 'analysed');
      const sent = await editor.editRule((i * 101) % RULES, 2000 + i);
      const status = await done;
      analysisLatencies.push(status.at - sent);
      analysisWork.push(status.durationMs!);
      if (process.env.AXIRU_BENCH_TRACE) console.log(`   edit ${i}: final ${ms(status.at - sent)}, worker ${ms(status.durationMs!)}`);
    }
    figures.analysis = percentile(analysisLatencies, 50);
    figures.analysisP95 = percentile(analysisLatencies, 95);
    console.log(
      `\n2. didChange -> final diagnostics (analysis), ${ANALYSES} edits: median ${ms(figures.analysis)}, p95 ${ms(figures.analysisP95)} (in the worker: median ${ms(percentile(analysisWork, 50))}, p95 ${ms(percentile(analysisWork, 95))}; the rest is the check, the 150 ms quiet period (or the compile, if longer) and putting the two together)`,
    );
    {
      const first = editor.version + 1;
      const started = statuses.next((s) => s.uri === uri && s.version === first && s.state === 'analysing');
      await editor.editRule(7, 3000);
      await started;
      const second = editor.version + 1;
      const done = statuses.next((s) => s.uri === uri && s.version === second && s.state === 'analysed');
      const sent = await editor.editRule(8, 3001);
      const status = await done;
      const stale = statuses.seen.filter((s) => s.uri === uri && s.version === first && s.state === 'analysed').length;
      console.log(`   an edit during an analysis: the old analysis ${stale === 0 ? 'was cancelled' : 'still finished (!)'}; the new one was final ${ms(status.at - sent)} after its edit`);
    }

    // 3. Completion at several kinds of position, the document idle.
    const completionPositions: Position[] = [];
    const all = editor.current.split('\n');
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
      const items = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as unknown[];
      completionLatencies.push(performance.now() - sent);
      offered += items.length;
    }
    figures.completionP95 = percentile(completionLatencies, 95);
    console.log(
      `\n3. completion, ${completionLatencies.length} requests: p50 ${ms(percentile(completionLatencies, 50))}, p95 ${ms(figures.completionP95)}, max ${ms(Math.max(...completionLatencies))} (${Math.round(offered / completionLatencies.length)} items on average)`,
    );
    console.log(`server exited with code ${await server.stop()}`);
  }

  // Hit counts, in a server whose analysis never starts (a quiet period longer than the run),
  // so that the replays have the process to themselves and their CPU time is theirs.
  {
    const server = await startServer(bin, history, { analysisDelay: 1e9 });
    const editor = new Editor(server, uri, text);
    const { statuses } = server;
    const opened = performance.now();
    const firstReplay = statuses.next((s) => s.uri === uri && s.state === 'replayed');
    await editor.open();
    const replay0 = await firstReplay;
    figures.firstReplay = replay0.durationMs!;
    console.log(`\n4. open: first hit counts after ${ms(replay0.at - opened)} (reading and replaying ${replay0.refunds?.toLocaleString('en-US')} refunds in the worker: ${ms(replay0.durationMs!)})`);

    // Each edit changes the IR, so the counts are computed again.
    const replayWork: number[] = [];
    const lensLatencies: number[] = [];
    const replayCpu: number[] = [];
    for (let i = 0; i < REPLAYS; i++) {
      const replayed = statuses.next((s) => s.uri === uri && s.state === 'replayed');
      const cpuBefore = server.cpu();
      const sent = await editor.editRule((i * 211) % RULES, 4000 + i);
      const status = await replayed;
      replayCpu.push(server.cpu() - cpuBefore);
      replayWork.push(status.durationMs!);
      // The server asks for a code-lens refresh right after it reports the replay.
      lensLatencies.push(status.at - sent);
    }
    figures.replay = percentile(replayWork, 50);
    figures.replayCpu = percentile(replayCpu, 50);
    figures.lens = percentile(lensLatencies, 50);
    const lensRequest = performance.now();
    const lenses = await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    const lensTime = performance.now() - lensRequest;
    console.log(
      `   after an edit, ${REPLAYS} edits: hit counts in the worker median ${ms(figures.replay)}, max ${ms(Math.max(...replayWork))}; server CPU per edit (check, compile and hit counts) median ${ms(figures.replayCpu)}`,
    );
    console.log(`   didChange -> code-lens refresh median ${ms(figures.lens)} (includes the 500 ms quiet period)`);
    console.log(`   codeLens request: ${ms(lensTime)} for ${lenses?.length} lenses, e.g. "${lenses?.[0]?.command?.title}" (${server.refreshes} refresh requests in all)`);

    // 5. The same history under a policy of everyday size.
    const acmePath = join(ROOT, 'examples/acme.axiru');
    const acmeUri = pathToFileURL(acmePath).href;
    const replayed = statuses.next((s) => s.uri === acmeUri && s.state === 'replayed');
    const acmeOpened = performance.now();
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: acmeUri, languageId: 'axiru', version: 1, text: readFileSync(acmePath, 'utf8') } });
    const status = await replayed;
    figures.acmeReplay = status.durationMs!;
    console.log(`\n5. hit counts for examples/acme.axiru (7 rules) over the same history: in the worker ${ms(status.durationMs!)}; open -> lenses ${ms(status.at - acmeOpened)}`);
    console.log(`server exited with code ${await server.stop()}`);
  }
  return figures;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const baselineAt = args.indexOf('--baseline');
  const baseline = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
  mkdirSync(WORK, { recursive: true });
  // bench/ is built by the `tsc -b` that `npm run bench:lsp` runs first.
  const { generatePolicySource } = (await import(pathToFileURL(join(ROOT, 'bench/dist/policySource.js')).href)) as typeof import('../../bench/dist/policySource.js');
  const text = generatePolicySource(RULES, SEED);
  writeFileSync(join(WORK, `policy-${RULES}.axiru`), text);
  const check = compile(text, { analysis: false });
  if (!check.ir) throw new Error(`the generated policy has errors: ${check.diagnostics.slice(0, 3).map((d) => d.message).join('; ')}`);
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`machine: ${cpus().length} cores, load average ${load()}`);
  console.log(`policy: ${RULES} rules, ${text.length.toLocaleString('en-US')} characters, ${check.diagnostics.length} diagnostics from the check`);
  // A file with errors (e.g. AX1011, a rule that can never match) gets no rule analysis, and
  // then the final diagnostics would not measure it: refuse such a policy.
  const full = compile(text, { examples: false }).diagnostics;
  const errors = full.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the generated policy has ${errors.length} errors, so the rule analysis would not run: ${errors.slice(0, 3).map((d) => d.message).join('; ')}`);
  console.log(`the full check (rule analysis included) reports ${full.length} diagnostics, ${full.filter((d) => /^AX2/.test(String(d.code))).length} of them from the rule analysis`);
  const history = await ensureHistory();
  console.log(`history: ${history}`);

  const current = await measure('this build', join(ROOT, 'language-server/bin/axiru-language-server.js'), text, history);
  const before = baseline ? await measure('baseline', join(baseline, 'bin/axiru-language-server.js'), text, history) : null;

  const row = (name: string, value: (f: Figures) => number, target?: string) => {
    const now = value(current);
    const then = before ? value(before) : null;
    const ratio = then !== null && now > 0 ? ` (baseline ${ms(then)}, ${(then / now).toFixed(1)}x)` : '';
    console.log(`  ${name}: ${ms(now)}${ratio}${target ? `; target ${target}` : ''}`);
  };
  console.log(`\nsummary${before ? ', against the baseline in the same run' : ''}; load average ${load()}`);
  row('diagnostics p95', (f) => f.checkP95, '< 100 ms');
  row('diagnostics median', (f) => f.checkP50);
  row('server CPU per edit (diagnostics)', (f) => f.checkCpu);
  row('final diagnostics with the analysis, median', (f) => f.analysis);
  row('final diagnostics with the analysis, p95', (f) => f.analysisP95, '< 500 ms');
  row('completion p95', (f) => f.completionP95, '< 30 ms');
  row(`hit counts after an edit, ${RULES.toLocaleString('en-US')} rules, ${HISTORY_REFUNDS.toLocaleString('en-US')} refunds`, (f) => f.replay, '< 1,000 ms');
  row('server CPU per edit (check, compile, hit counts)', (f) => f.replayCpu);
  row('first hit counts on open (reading the history)', (f) => f.firstReplay);
  row('hit counts, acme (7 rules)', (f) => f.acmeReplay);
}

await main();
