// npm run bench:impact — POST /api/policies/impact over 100,000 sealed decisions.
//
// Seeds BENCH_IMPACT_DECISIONS (default 100,000) decisions into a fresh data folder with
// bench/support/seedDecisions.mjs (the server's sealDecisions, 20,000 to a transaction), their
// received times spread over the last 29 days, then asks the real HTTP server, on a loopback port, what a candidate
// policy (acme with the approval threshold lowered from $150 to $100) would have done to them:
// the first request (which decodes the window), BENCH_RUNS more (default 20; p50/p95/max), the
// same after 1,000 more decisions (the cache catching up), and a candidate needing a fact that
// was not sealed (a 7-day count, computed from the intents table per decision).
// Target: p95 under 1 s from request to answer. Prints one JSON line; BENCH_KEEP=1 keeps the folder.
// --quick (CI): 2,000 decisions and 3 runs, the same code and checks; its figures mean nothing.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../server/dist/app.js';
import { bootstrap } from '../../server/dist/services/bootstrap.js';
import { parseArgs } from 'node:util';
import { decisionRequest } from '../server/requests.mjs';
import { seedDecisions } from '../support/seedDecisions.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean' } } });
const DECISIONS = Number(process.env.BENCH_IMPACT_DECISIONS ?? (args.quick ? 2_000 : 100_000));
const RUNS = Number(process.env.BENCH_RUNS ?? (args.quick ? 3 : 20));
const CONCURRENCY = 256;
const DAY_MS = 86_400_000;

const acme = readFileSync(fileURLToPath(new URL('../../examples/acme.axiru', import.meta.url)), 'utf8');
const candidate = acme.replace('version 3', 'version 4')
  .replace('refunds over $150 require finance_manager', 'refunds over $100 require finance_manager')
  .replace('allow refunds up to $150', 'allow refunds up to $100');
const unsealedFact = acme.replace('version 3', 'version 5')
  .replace('rule routine:', 'rule weekly_limit:\n  block refunds when customer refunds in last 7 days at least 2\n\nrule routine:');

const dataDir = mkdtempSync(join(tmpdir(), 'axiru-bench-impact-'));
const end = Date.now();
const state = { now: end - 29 * DAY_MS };
// The 1,000 later decisions: a minute apart from a day before `end` (about 17 hours, all before it).
const step = 60_000;
const clock = () => new Date(Math.floor(state.now));

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

try {
  const app = await buildApp({ dataDir, checkpointIntervalMs: 1000, maxBatch: 256, logLevel: 'silent', clock });
  await app.ready();
  const demo = await bootstrap(app.store);
  const org = await app.store.organisations.get(demo.orgId);

  // The 1,000 decisions sealed later go through the decision service, one request at a time.
  let n = DECISIONS;
  async function seed(count) {
    let left = count;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (left > 0) {
        left -= 1;
        n += 1;
        state.now += step;
        const result = await app.decisions.decide({ org, keyId: 'bench', body: decisionRequest(n), idempotencyKey: undefined });
        if (result.statusCode !== 200) throw new Error(`decision answered ${result.statusCode}: ${result.body}`);
      }
    }));
  }
  const seeded = await seedDecisions(app.store, {
    orgId: org.id, count: DECISIONS, fromMs: end - 29 * DAY_MS, toMs: end - DAY_MS, catchUp: () => app.projections.catchUp(),
  });
  const seedSeconds = seeded.seconds;
  state.now = end;

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  /** One question on a fresh connection (no keep-alive socket the server may be closing). */
  function ask(source) {
    const payload = JSON.stringify({ source, days: 30 });
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, path: '/api/policies/impact', method: 'POST', agent: false,
        headers: { authorization: `Bearer ${demo.adminKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const ms = performance.now() - t0;
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (response.statusCode !== 200) reject(new Error(`impact answered ${response.statusCode}: ${JSON.stringify(body)}`));
          else resolve({ ms, body });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  const first = await ask(candidate);
  if (first.body.evaluated !== DECISIONS) throw new Error(`expected ${DECISIONS} decisions evaluated, got ${first.body.evaluated}`);
  const warm = [];
  for (let run = 0; run < RUNS; run += 1) warm.push((await ask(candidate)).ms);
  warm.sort((a, b) => a - b);

  state.now = end - DAY_MS;
  await seed(1_000);
  state.now = end;
  const caughtUp = await ask(candidate);
  if (caughtUp.body.evaluated !== DECISIONS + 1_000) throw new Error(`expected ${DECISIONS + 1_000} evaluated after catching up, got ${caughtUp.body.evaluated}`);
  const withFact = await ask(unsealedFact);
  await app.close();

  console.log(JSON.stringify({
    decisions: DECISIONS,
    seeded_per_s: Math.round(DECISIONS / seedSeconds),
    changed: first.body.changed,
    first_request_ms: Math.round(first.ms),
    warm_ms_p50: Math.round(quantile(warm, 0.5)),
    warm_ms_p95: Math.round(quantile(warm, 0.95)),
    warm_ms_max: Math.round(warm[warm.length - 1]),
    after_1000_new_ms: Math.round(caughtUp.ms),
    unsealed_fact_candidate_ms: Math.round(withFact.ms),
    target_p95_ms: 1000,
    load_average_1m: +loadavg()[0].toFixed(2),
  }));
} finally {
  if (process.env.BENCH_KEEP === '1') console.error(`data kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
