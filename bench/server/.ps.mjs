import Database from 'better-sqlite3';
import { migrate } from '../../server/dist/storage/sqlite/migrate.js';
import fs from 'node:fs';
fs.mkdirSync('/tmp/psx', { recursive: true });
const db = new Database('/tmp/psx/a.sqlite');
db.pragma('page_size = 1024'); db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma('wal_autocheckpoint = 0');
migrate(db);
const ins = db.prepare("INSERT INTO intents VALUES ('org_abcdefghijklmnop', ?, ?, '2026-04-28T14:32:11.061Z', ?, 'support_tool', 'allow', 'allowed', 1000, 'usd', ?, NULL, ?, 3, 'routine')");
const led = db.prepare("INSERT INTO ledger (org_id, seq, kind, intent_id, time, actor, body, prev_hash, hash) VALUES ('org_abcdefghijklmnop', ?, 'decision', ?, 'x', 'api_key:key_123', ?, ?, ?)");
const body = 'x'.repeat(900); const h = 'a'.repeat(64);
let seq = 0;
const tx = db.transaction((n) => { for (let i = 0; i < n; i++) { seq++; const id = seq.toString(16).padStart(12, '0') + Math.random(); ins.run(id, seq, seq, 'cus_' + Math.floor(Math.random() * 10000), 'ch_' + Math.floor(Math.random() * 50000)); led.run(seq, id, body, h, h); } });
for (const b of [1, 10, 100]) { const w0 = fs.existsSync('/tmp/psx/a.sqlite-wal') ? fs.statSync('/tmp/psx/a.sqlite-wal').size : 0; const t0 = process.hrtime.bigint(); for (let i = 0; i < 3000 / b; i++) tx(b); const t = Number(process.hrtime.bigint() - t0) / 1e3 / 3000; const w1 = fs.statSync('/tmp/psx/a.sqlite-wal').size; console.log('page', 1024, 'batch', b, (t).toFixed(1), 'us/row', ((w1 - w0) / 1024 / 3000).toFixed(1), 'KB/row'); }
