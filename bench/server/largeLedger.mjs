// The ledger of the scale test of npm run bench:server: one organisation (the demo one, acme
// live) with N earlier decisions (default 1,000,000) from 10,000 customers and 50,000 charges —
// the same request shapes the benchmark then sends (bench/server/requests.mjs), received one
// every 5 s up to a minute ago, so the 30-day fact windows hold real history. Each decision is
// sealed by the server's own sealDecisions (facts, evaluation, the chained record), 2,000 per
// transaction, then the projections (intents view, Merkle tree) are caught up, as `axiru serve`
// would. The result is cached in .bench-tmp/ledger-N/ with the demo decision key and how long
// generation took, so later runs only copy it.
//
//   node bench/server/largeLedger.mjs [N]     (prints one JSON line: { dir, records, seconds, key })

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProjectionRunner } from '../../server/dist/projections/ProjectionRunner.js';
import { bootstrap } from '../../server/dist/services/bootstrap.js';
import { normalizeRequest } from '../../server/dist/services/decisionRequest.js';
import { PolicyCache } from '../../server/dist/services/PolicyCache.js';
import { sealDecisions } from '../../server/dist/services/sealDecisions.js';
import { uuidv7 } from '../../server/dist/services/uuidv7.js';
import { SqliteStore } from '../../server/dist/storage/sqlite/SqliteStore.js';
import { decisionRequest } from './requests.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Bumped whenever what is generated changes, so a stale cache is not reused. */
const FORMAT = 1;
const PER_TRANSACTION = 2000;
const SPACING_MS = 5000;

export function cachedLedgerDir(records) {
  return join(ROOT, '.bench-tmp', `ledger-${records}-v${FORMAT}`);
}

/** The cached ledger of `records` decisions, generated first when missing. */
export async function largeLedger(records, log = () => undefined) {
  const dir = cachedLedgerDir(records);
  const marker = join(dir, 'generated.json');
  if (existsSync(marker)) return { ...JSON.parse(readFileSync(marker, 'utf8')), cached: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const store = SqliteStore.open({ dataDir: join(dir, 'data'), checkpointIntervalMs: 100 });
  try {
    const demo = await bootstrap(store, { now: new Date(Date.now() - records * SPACING_MS - 3_600_000) });
    const orgId = demo.orgId;
    const cache = new PolicyCache();
    const firstMs = Date.now() - 60_000 - records * SPACING_MS;
    for (let from = 0; from < records; from += PER_TRANSACTION) {
      const items = [];
      for (let i = from; i < Math.min(records, from + PER_TRANSACTION); i += 1) {
        const receivedMs = firstMs + i * SPACING_MS;
        items.push({
          orgId, actor: 'api_key:generator', intentId: uuidv7(receivedMs), receivedAt: new Date(receivedMs).toISOString(), receivedMs,
          // Negative numbers: the benchmark's own requests (1, 2, …) are not repeated.
          request: normalizeRequest(decisionRequest(-(i + 1) >>> 0), 'usd'), idempotency: null,
        });
      }
      const results = await store.transaction((tx) => sealDecisions(tx, items, cache, { idempotencyTtlMs: 86_400_000 }));
      const refused = results.find((result) => result.kind !== 'sealed');
      if (refused) throw new Error(`a generated decision was not sealed: ${JSON.stringify(refused)}`);
      if ((from / PER_TRANSACTION) % 50 === 0) log(`sealed ${from + items.length} of ${records}`);
    }
    log('catching the projections up (intents view, Merkle tree)');
    await new ProjectionRunner(store, undefined, { batchRecords: 20_000 }).catchUp();
    const result = { dir: join(dir, 'data'), records, seconds: Math.round((performance.now() - started) / 100) / 10, key: demo.decisionKey };
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
