import fs from 'node:fs';
const dir = '/tmp/prof'; const file = fs.readdirSync(dir)[0];
const prof = JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map(); const dt = prof.timeDeltas; let total = 0;
prof.samples.forEach((id, i) => { const d = dt[i] ?? 0; total += d; const seen = new Set(); let cur = id; while (cur !== undefined) { const n = byId.get(cur); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; if (!seen.has(k)) { incl.set(k, (incl.get(k) ?? 0) + d); seen.add(k); } cur = parent.get(cur); } });
[...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, v]) => console.log((v / total * 100).toFixed(1).padStart(5), '%', k));
