// Part (e) of npm run bench:server: the durable-append baseline. A bare fastify route that
// appends one record per request to an organisation's hash chain, on the same engine with the
// same durability and the same group commit as `axiru serve`: the SqliteStore (WAL, the
// writer's fsync before any answer, reads only of what is durable, background WAL
// checkpoints), the GroupCommitter with the same batch bound and commit delay, and the ledger's
// own record format (RFC 8785 canonical JSON, SHA-256 over it including the previous record's
// hash) — no policy, no facts, no authentication, no projections. Each record is about 1 KB of
// canonical JSON, the size of a sealed decision. It is the physical ceiling of "sealed before
// answered" on this stack. Prints its URL once it listens.
//
// With BENCH_APPEND_DATABASE_URL set, the same route appends through the server's own
// PostgresStore instead (its ledger repository takes the organisation's advisory lock in the
// sealing transaction, COMMIT returns once the commit is durable: synchronous_commit), so (e) is
// measured on PostgreSQL the way `axiru serve --database-url` seals.

import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainAppender } from '../../server/dist/ledger/ChainAppender.js';
import { defaultCommitDelay, GroupCommitter } from '../../server/dist/services/GroupCommitter.js';
import { PostgresStore } from '../../server/dist/storage/postgres/PostgresStore.js';
import { SqliteStore } from '../../server/dist/storage/sqlite/SqliteStore.js';

const dataDir = process.env.BENCH_APPEND_DATA ?? mkdtempSync(join(tmpdir(), 'axiru-bench-append-'));
const databaseUrl = process.env.BENCH_APPEND_DATABASE_URL;
const store = databaseUrl
  ? await PostgresStore.open({ url: databaseUrl, dataDir })
  : SqliteStore.open({ dataDir, checkpointIntervalMs: 100 });
const ORG = 'org_append_baseline';
// What a sealed decision carries besides the request, so the record is the same size.
const PADDING = 'x'.repeat(560);

const committer = new GroupCommitter(
  (items) => store.transaction(async (tx) => {
    const chain = new ChainAppender(tx);
    const out = [];
    for (const item of items) {
      const record = await chain.append({
        org_id: ORG, kind: 'decision', intent_id: item.id, time: item.time, actor: 'api_key:baseline',
        body: { request: item.request, padding: PADDING },
      });
      out.push({ seq: record.seq, hash: record.hash });
    }
    await chain.finish();
    return out;
  }),
  { maxBatch: 256, maxInFlight: 2, commitDelay: defaultCommitDelay },
);

let n = 0;
const app = Fastify({ logger: false });
app.post('/append', async (request) => {
  n += 1;
  const now = new Date();
  const sealed = await committer.submit({ id: `int_${process.pid}_${n}`, time: now.toISOString(), request: request.body });
  return { seq: sealed.seq, hash: sealed.hash };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address();
console.log(`listening http://127.0.0.1:${port} ${dataDir}`);
process.on('SIGTERM', () => {
  void app.close().then(() => committer.drain()).then(() => store.close()).then(() => process.exit(0));
});
