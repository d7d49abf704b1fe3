// A generated history that is made once and then reused: what `npm run bench:replay` measures
// when it is not given a file. The files appear only when complete (generated in a sibling
// folder, then renamed into place), so an interrupted run never leaves a partial file behind
// that a later run would take for the real thing.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import { generateHistory, type GenerateOptions } from './generateHistory.js';

export type HistorySize = Pick<GenerateOptions, 'refunds' | 'days' | 'seed'>;

/** A progress bar on standard error when it is a terminal, otherwise nothing (for logs and CI). */
export function refundProgressBar(): { update(written: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'generating |{bar}| {percentage}% | {value}/{total} refunds | {duration_formatted}', hideCursor: true, clearOnComplete: true, barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(written, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(written);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/**
 * `outDir/unified_payments.csv` (and `refunds.jsonl` beside it), generated with `size` unless
 * already there. `say` is told, in one line, when it is generated and where it is kept.
 */
export async function cachedHistory(outDir: string, size: HistorySize, say: (line: string) => void): Promise<string> {
  const payments = join(outDir, 'unified_payments.csv');
  if (existsSync(payments)) return payments;
  say(`generating a history of ${size.refunds.toLocaleString('en-US')} refunds over ${size.days} days (seed ${size.seed}), once: it is kept in ${outDir}`);
  const partial = join(dirname(outDir), `.partial-${process.pid}-${Date.now()}`);
  const bar = refundProgressBar();
  try {
    await generateHistory({ ...size, outDir: partial, onProgress: (written, total) => bar.update(written, total) });
    mkdirSync(outDir, { recursive: true });
    // The CSV last: its presence is what says the history is complete.
    renameSync(join(partial, 'refunds.jsonl'), join(outDir, 'refunds.jsonl'));
    renameSync(join(partial, 'unified_payments.csv'), payments);
  } finally {
    bar.stop();
    rmSync(partial, { recursive: true, force: true });
  }
  return payments;
}
