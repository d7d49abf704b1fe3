// The ledger of the scale test of npm run bench:server: one organisation (the demo one, acme
// live) with N earlier decisions (default 1,000,000) from 10,000 customers and 50,000 charges —
// the same request shapes the benchmark then sends (bench/server/requests.mjs), received one
// every 5 s up to a minute ago, so the 30-day fact windows hold real history. Each decision is
// sealed by the server's own sealDecisions (facts, evaluation, the chained record), 50,000 per
// transaction, with the intents view it reads facts from kept in memory (bench/support/
// seedDecisions.mjs and memoryIntents.mjs: the same answers, without writing and indexing a row
// per decision); then the projections
// (intents view, Merkle tree) are built from the ledger by the projection catch-up, as
// `axiru serve` would. The result is cached in .bench-tmp/ledger-N-vF/ with the demo decision
// key and how long generation took, so later runs only copy it. Sealing through the API took
// 63 minutes for 1,000,000 on a saturated machine; see BENCHMARKS.md for this generator.
//
//   node bench/server/largeLedger.mjs [N]     (prints one JSON line: { dir, records, seconds, key })

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from '../../server/dist/services/bootstrap.js';
import { SqliteStore } from '../../server/dist/storage/sqlite/SqliteStore.js';
import { seedDecisions } from '../support/seedDecisions.mjs';
import { decisionRequest } from './requests.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Bumped whenever what is generated changes, so a stale cache is not reused. */
const FORMAT = 2;
const PER_TRANSACTION = 50_000;
const SPACING_MS = 5000;

export function cachedLedgerDir(records) {
  return join(ROOT, '.bench-tmp', `ledger-${records}-v${FORMAT}`);
}

/** The cached ledger of `records` decisions, generated first when missing. */
export async function largeLedger(records, log = () => undefined) {
  const dir = cachedLedgerDir(records);
  const marker = join(dir, 'generated.json');
  // The folder is where it is now (a cache may have been moved): never the path it was made at.
  if (existsSync(marker)) return { ...JSON.parse(readFileSync(marker, 'utf8')), dir: join(dir, 'data'), cached: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const store = SqliteStore.open({ dataDir: join(dir, 'data'), checkpointIntervalMs: 100 });
  try {
    const demo = await bootstrap(store, { now: new Date(Date.now() - records * SPACING_MS - 3_600_000) });
    const firstMs = Date.now() - 60_000 - records * SPACING_MS;
    const seeded = await seedDecisions(store, {
      orgId: demo.orgId, count: records, fromMs: firstMs, toMs: firstMs + records * SPACING_MS, perTransaction: PER_TRANSACTION, log,
      // Negative numbers: the benchmark's own requests (1, 2, …) are not repeated.
      request: (i) => decisionRequest(-(i + 1) >>> 0),
    });
    const result = {
      dir: join(dir, 'data'), records, seconds: Math.round((performance.now() - started) / 100) / 10,
      sealing_seconds: Math.round(seeded.sealingSeconds * 10) / 10, projections_seconds: Math.round(seeded.projectionsSeconds * 10) / 10, key: demo.decisionKey,
    };
    await store.close();
    writeFileSync(marker, JSON.stringify(result));
    return { ...result, cached: false };
  } catch (error) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const records = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(await largeLedger(records, (line) => console.error(line))));
}
