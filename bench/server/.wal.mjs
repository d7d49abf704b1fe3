import Database from 'better-sqlite3';
import fs from 'node:fs';
fs.rmSync('/tmp/walx', { recursive: true, force: true }); fs.mkdirSync('/tmp/walx');
const db = new Database('/tmp/walx/a.sqlite');
db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma('wal_autocheckpoint = 0');
db.exec('create table t (id integer primary key, v text)');
const ins = db.prepare('insert into t (v) values (?)');
const tx = db.transaction(() => { for (let i = 0; i < 10; i++) ins.run('x'.repeat(900)); });
function run(label, n, every) {
  const lat = [];
  for (let i = 0; i < n; i++) { const t = process.hrtime.bigint(); tx(); lat.push(Number(process.hrtime.bigint() - t) / 1e3); if (every && i % every === every - 1) db.pragma('wal_checkpoint(RESTART)'); }
  lat.sort((a, b) => a - b);
  console.log(label, 'commit us p50', lat[n >> 1].toFixed(0), 'p90', lat[Math.floor(n * 0.9)].toFixed(0), 'wal MB', (fs.statSync('/tmp/walx/a.sqlite-wal').size / 1e6).toFixed(1));
}
run('growing WAL      ', 2000, 0);
db.pragma('wal_checkpoint(TRUNCATE)');
run('restart every 200', 2000, 200);
run('growing WAL      ', 2000, 0);
db.pragma('wal_checkpoint(RESTART)');
run('reuse (no ckpt)  ', 1000, 0);
