// `npm run gen:history -- --refunds 100000 --days 90 --seed 7 [--out DIR] [--end 2026-04-01]`
// Writes unified_payments.csv and refunds.jsonl (see generateHistory.ts) and says what it wrote.
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { refundProgressBar } from './cachedHistory.js';
import { DEFAULT_END, generateHistory } from './generateHistory.js';

const USAGE = 'usage: gen:history [--refunds N] [--days N] [--seed N] [--out DIR] [--end DATE] [--extra-payments X]';

function integer(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not \`${text}\``);
  return n;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        refunds: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        end: { type: 'string' },
        'extra-payments': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Compiled to examples/history/dist/generate.js: the default output is examples/history/out.
  const outDir = values.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  const bar = refundProgressBar();
  try {
    const extra = values['extra-payments'] === undefined ? undefined : Number(values['extra-payments']);
    if (extra !== undefined && !(extra >= 0 && extra <= 1)) throw new Error('--extra-payments must be between 0 and 1');
    const summary = await generateHistory({
      refunds: integer('refunds', values.refunds, 100_000),
      days: integer('days', values.days, 90),
      seed: integer('seed', values.seed, 7),
      outDir,
      end: values.end ?? DEFAULT_END,
      ...(extra === undefined ? {} : { extraPayments: extra }),
      onProgress: (written, total) => bar.update(written, total),
    });
    bar.stop();
    const size = (path: string): string => `${(statSync(path).size / 1e6).toFixed(1)} MB`;
    const shown = (path: string): string => relative(process.cwd(), path) || path;
    process.stdout.write(
      [
        `${summary.refunds.toLocaleString('en-US')} refunds of ${summary.refundedCharges.toLocaleString('en-US')} charges, ${summary.customers.toLocaleString('en-US')} customers, ${summary.from} to ${summary.to}`,
        `  ${shown(summary.files.payments)} (${summary.paymentRows.toLocaleString('en-US')} payments, ${size(summary.files.payments)})`,
        `  ${shown(summary.files.refunds)} (${size(summary.files.refunds)})`,
        `try: npx axiru replay examples/acme.axiru ${shown(summary.files.payments)}`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (error) {
    bar.stop();
    process.stderr.write(`gen:history: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
