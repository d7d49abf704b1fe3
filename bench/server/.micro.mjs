import { SqliteStore, bootstrap } from '../../server/dist/index.js';
import { DecisionService } from '../../server/dist/services/DecisionService.js';
import { PolicyCache } from '../../server/dist/services/PolicyCache.js';
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
const store = SqliteStore.open({ dataDir: mkdtempSync(join(tmpdir(), 'axm-')), checkpointIntervalMs: Number(process.env.CKPT ?? 0) });
const demo = await bootstrap(store);
const org = await store.organisations.get(demo.orgId);
if (process.env.SYNC) store.db.writer.pragma('synchronous = ' + process.env.SYNC);
const svc = new DecisionService(store, new PolicyCache(), { maxBatch: 256 });
let c = 0;
const body = () => ({ source: 'support_tool', amount_cents: 1000 + (c++ % 40000), customer_id: `cus_${c % 10000}`, stripe_charge_id: `ch_${c % 50000}`, reason: 'x', customer_tenure_days: 30 });
for (const batch of (process.env.BATCHES ?? "1,10,10,100").split(",").map(Number)) {
  const n = Number(process.env.N ?? 2000); const t0 = process.hrtime.bigint(); const c0 = process.cpuUsage();
  for (let i = 0; i < n / batch; i++) await Promise.all(Array.from({ length: batch }, () => svc.decide({ org, keyId: 'k', body: body(), idempotencyKey: undefined })));
  console.log(`batch ${batch}: ${(Number(process.hrtime.bigint() - t0) / 1e3 / n).toFixed(1)} us/decision, cpu ${((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / n).toFixed(1)} us (sys ${(process.cpuUsage(c0).system / n).toFixed(1)})`);
}
const fs = await import("node:fs"); const f = store.db.file + "-wal"; console.log("wal MB", (fs.statSync(f).size/1e6).toFixed(1), "decisions", c, "KB/decision", (fs.statSync(f).size/1024/c).toFixed(1)); console.log(store.db.writer.prepare("select name, count(*) from dbstat group by name").all?.call ? "" : ""); await store.close();
