// `axiru replay`: refund history through policies — what they would have caught.
//
//   axiru replay POLICY FILE... [--since DATE] [--until DATE] [--mapping FILE] [--format F] [--json]
//   axiru replay POLICY FILE... --against OTHER      how decisions change from POLICY to OTHER
//   axiru replay --pack [PACK...] FILE...             every policy of a pack, in one pass
//
// In pack mode, arguments that are .axiru files or directories (of .axiru files) are the pack and
// the rest are history files; with no pack given, the curated pack in examples/pack is used.
// FILE is a Stripe Payments export (unified_payments.csv), a refunds CSV, or JSON Lines of
// Refund objects, recognized by extension and header. A progress bar goes to standard error
// when it is a terminal. Exit codes: 0 replayed, 1 a policy does not compile, 2 a file cannot be
// read, the mapping or a date is invalid, or the command was called wrongly.

import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { LoadedPolicy } from '@axiru/runtime';
import {
  formatComparison,
  formatPackReport,
  formatReport,
  HistoryInputError,
  loadColumnMapping,
  parseTimestamp,
  replay,
  replayAgainst,
  replayMany,
  type ColumnMapping,
  type HistoryFormat,
  type ReplayOptions,
  type ReplayProgress,
} from '../../history/index.js';
import { processIo, type Io } from '../Io.js';
import { UsageError } from '../readSource.js';
import { loadPolicyFile } from './loadPolicyFile.js';
import { readLists } from '../readLists.js';

export interface ReplayCommandOptions {
  readonly json?: boolean;
  readonly since?: string;
  readonly until?: string;
  readonly mapping?: string;
  readonly format?: string;
  readonly against?: string;
  readonly pack?: boolean;
  readonly lists?: string;
}

/** The curated pack, found from this file (compiler/{src,dist}/cli/commands/) in the repository. */
export const DEFAULT_PACK = fileURLToPath(new URL('../../../../examples/pack/', import.meta.url));

function date(name: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = parseTimestamp(text);
  if (time === null) throw new UsageError(`--${name} \`${text}\` is not a date (use 2026-01-31 or 2026-01-31T12:00:00Z)`);
  return new Date(time);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The .axiru files a pack argument names: itself, or every one in a directory, by name. */
function packFiles(path: string): string[] {
  if (!isDirectory(path)) return [path];
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.axiru'))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new UsageError(`${path}: no .axiru policy in this directory`);
  return files;
}

/** A progress bar on standard error when it is a terminal, or nothing. */
function progressBar(io: Io): { update(p: ReplayProgress): void; stop(): void } | null {
  if (io !== processIo || !process.stderr.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{phase} |{bar}| {percentage}% | {refunds} refunds | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: ReplayProgress['phase'] | null = null;
  return {
    update(p) {
      if (phase === null) bar.start(Math.max(1, p.totalBytes), 0, { phase: 'reading  ', refunds: '0' });
      if (p.phase === 'replaying' && phase !== 'replaying') bar.setTotal(Math.max(1, p.rows));
      phase = p.phase;
      if (p.phase === 'reading') bar.update(p.bytes, { phase: 'reading  ', refunds: p.rows.toLocaleString('en-US') });
      else bar.update(p.replayed, { phase: 'replaying', refunds: p.replayed.toLocaleString('en-US') });
    },
    stop() {
      if (phase !== null) bar.stop();
    },
  };
}

export async function replayCommand(args: readonly string[], options: ReplayCommandOptions, io: Io): Promise<number> {
  const format = options.format as HistoryFormat | undefined;
  if (format !== undefined && !['payments', 'refunds', 'jsonl'].includes(format)) {
    throw new UsageError(`--format must be payments, refunds or jsonl, not \`${format}\``);
  }
  if (options.pack && options.against !== undefined) throw new UsageError('--against compares two policies; it cannot be used with --pack');
  const since = date('since', options.since);
  const until = date('until', options.until);

  let policyPaths: string[];
  let files: string[];
  if (options.pack) {
    const isPolicy = (a: string) => extname(a) === '.axiru' || isDirectory(a);
    const pack = args.filter(isPolicy);
    files = args.filter((a) => !isPolicy(a));
    policyPaths = (pack.length > 0 ? pack : [DEFAULT_PACK]).flatMap(packFiles);
  } else {
    const [policy, ...rest] = args;
    if (policy === undefined) throw new UsageError('give a policy and at least one history file: axiru replay POLICY FILE...');
    policyPaths = options.against === undefined ? [policy] : [policy, options.against];
    files = rest;
  }
  if (files.length === 0) throw new UsageError('give at least one history file (a Payments export, a refunds CSV or JSON Lines of refunds)');

  const policies: LoadedPolicy[] = [];
  for (const path of policyPaths) {
    const policy = loadPolicyFile(path, io);
    if (policy === null) return 1;
    policies.push(policy);
  }

  const bar = progressBar(io);
  try {
    const mapping: ColumnMapping | undefined = options.mapping === undefined ? undefined : loadColumnMapping(options.mapping);
    const lists = options.lists === undefined ? undefined : readLists(options.lists);
    const replayOptions: ReplayOptions = {
      ...(lists ? { lists } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(mapping ? { mapping } : {}),
      ...(format ? { format } : {}),
      ...(bar ? { onProgress: (p: ReplayProgress) => bar.update(p) } : {}),
    };
    let text: string;
    let json: unknown;
    if (options.pack) {
      const reports = await replayMany(policies, files, replayOptions);
      bar?.stop();
      const first = reports[0];
      json = { refunds: first?.refunds ?? 0, from: first?.from ?? null, to: first?.to ?? null, policies: reports };
      text = formatPackReport(reports, { color: io.color });
    } else if (policies.length === 2) {
      const comparison = await replayAgainst(policies[0] as LoadedPolicy, policies[1] as LoadedPolicy, files, replayOptions);
      bar?.stop();
      json = comparison;
      text = formatComparison(comparison, { color: io.color });
    } else {
      const report = await replay(policies[0] as LoadedPolicy, files, replayOptions);
      bar?.stop();
      json = report;
      text = formatReport(report, { color: io.color });
    }
    io.out(options.json ? JSON.stringify(json, null, 2) : text);
    return 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof HistoryInputError) {
      io.err(`axiru: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
