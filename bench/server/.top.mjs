import fs from 'node:fs';
const dir = '/tmp/prof'; const file = fs.readdirSync(dir)[0];
const prof = JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8'));
const self = new Map(); const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const dt = prof.timeDeltas; const total = dt.reduce((a, b) => a + b, 0);
prof.samples.forEach((id, i) => { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); });
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v / total * 100).toFixed(1).padStart(5), '%', k));
