// Kills the real server process (SIGKILL) in the middle of an export and proves, after restarts,
// that every sink got every record of the chain: no gap, and duplicates only where a batch
// was sent but never acknowledged (which receivers drop by record hash). Needs the build.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWholeChain, type SinkJson } from '../support/exportsHelpers.js';
import { waitFor } from '../support/receiver.js';
import { assertBuilt, SERVER_READY_MS, startServerProcess, type ServerProcess } from '../support/serverProcess.js';
import { HEC_SUCCESS, recordOf, startSiemReceiver, type SiemReceiver } from '../support/siemReceiver.js';
import { tempDir } from '../support/testApp.js';

let data: { path: string; remove: () => void };
let out: { path: string; remove: () => void };
let receiver: SiemReceiver;
let server: ServerProcess | null = null;
let env: Record<string, string>;
/** receiver.requests.length when each SIGKILL was sent. */
const killedAt: number[] = [];

beforeAll(async () => {
  assertBuilt();
  data = tempDir('axiru-export-crash-');
  out = tempDir('axiru-export-crash-files-');
  receiver = await startSiemReceiver();
  const config = join(data.path, 'axiru.config.json');
  writeFileSync(config, JSON.stringify({
    exports: [
      { type: 'splunk', name: 'hec', url: receiver.url, token: 'crash-token', batch_size: 25 },
      { type: 'files', name: 'files', dir: out.path, batch_size: 20 },
    ],
  }));
  env = { AXIRU_CONFIG: config, AXIRU_EXPORT_POLL_MS: '20', AXIRU_EXPORT_RETRY_MS: '20' };
});

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await receiver.close();
  data.remove();
  out.remove();
});

async function decide(url: string, key: string, count: number, tag: string): Promise<number> {
  let sealed = 0;
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, (_, i) => fetch(`${url}/api/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'support_tool', amount_cents: 1000 + ((start + i) % 7) * 10_000, customer_tenure_days: 400, customer_id: `cus_${tag}_${start + i}` }),
    }).then((response) => (response.status === 200 ? 1 : 0), () => 0));
    sealed += (await Promise.all(batch)).reduce<number>((sum, ok) => sum + ok, 0);
  }
  return sealed;
}

async function sinks(url: string, adminKey: string): Promise<SinkJson[]> {
  const response = await fetch(`${url}/api/exports`, { headers: { authorization: `Bearer ${adminKey}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: SinkJson[] }).data;
}

async function kill(process: ServerProcess): Promise<void> {
  process.child.kill('SIGKILL');
  const exit = await process.exited;
  expect(exit.signal).toBe('SIGKILL');
}

/** Every record in the files sink's objects, with its manifest checked. */
function fileRecords(root: string): Array<{ seq: number; hash: string }> {
  const records: Array<{ seq: number; hash: string }> = [];
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl.gz'));
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    const manifest = JSON.parse(readFileSync(path.replace(/\.jsonl\.gz$/, '.manifest.json'), 'utf8')) as { records: number; first_seq: number };
    const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(manifest.records);
    for (const line of lines) records.push(recordOf(JSON.parse(line) as Record<string, unknown>));
  }
  return records;
}

describe('exports across SIGKILL', () => {
  it('resumes every sink from its durable cursor: no gap, duplicates only of unacknowledged batches', async () => {
    // Two batches are acknowledged, the third is received but never answered: the kill lands
    // while that batch is in flight.
    receiver.script = [{ status: 200, body: HEC_SUCCESS }, { status: 200, body: HEC_SUCCESS }, 'hold'];
    server = await startServerProcess(data.path, SERVER_READY_MS, env);
    const decisionKey = server.keys['AXIRU_DECISION_KEY']!;
    const adminKey = server.keys['AXIRU_ADMIN_KEY']!;
    expect(await decide(server.url, decisionKey, 120, 'a')).toBe(120);
    await waitFor(() => receiver.requests.length >= 3);
    const held = receiver.requests[2]!;
    expect(held.status).toBe('hold');
    const heldSeqs = held.events.map((event) => recordOf(event).seq);
    // The held batch is the contiguous range right after the two acknowledged ones.
    const acknowledgedBefore = receiver.acknowledged().map((event) => recordOf(event).seq);
    expect(heldSeqs.length).toBeGreaterThan(0);
    expect(heldSeqs).toEqual(Array.from({ length: heldSeqs.length }, (_, i) => acknowledgedBefore.length + 1 + i));
    await kill(server);
    // Counted once the process is gone and before the next one starts: an exact boundary.
    killedAt.push(receiver.requests.length);

    // Second start: the held range is re-sent first, then the rest; then a kill at a random
    // moment while decisions and exports are both under way.
    // A slow receiver, so that batches are in flight when the kill comes.
    receiver.delayMs = 40;
    server = await startServerProcess(data.path, SERVER_READY_MS, env);
    expect(server.keys).toEqual({});
    const load = decide(server.url, decisionKey, 200, 'b');
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 400)));
    await kill(server);
    killedAt.push(receiver.requests.length);
    await load;

    receiver.delayMs = 0;
    server = await startServerProcess(data.path, SERVER_READY_MS, env);
    expect(await decide(server.url, decisionKey, 30, 'c')).toBe(30);
    const url = server.url;
    await waitFor(async () => (await sinks(url, adminKey)).every((sink) => sink.records_behind === 0 && sink.in_flight === null));
    const final = await sinks(url, adminKey);
    const head = final[0]!.head_seq;
    expect(final.map((sink) => [sink.name, sink.origin, sink.cursor_seq]).sort()).toEqual([['files', 'config', head], ['hec', 'config', head]]);
    const verify = await fetch(`${url}/api/audit/verify`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(await verify.json()).toMatchObject({ ok: true, records: head });

    // Splunk. Each request carried one contiguous range; two requests carried either the same
    // range (a re-send of a pinned batch) or disjoint ones, never a partial overlap.
    const ranges = receiver.requests.map((request) => {
      const seqs = request.events.map((event) => recordOf(event).seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
      return { from: seqs[0]!, to: seqs[seqs.length - 1]!, acknowledged: request.acknowledged };
    });
    ranges.forEach((range, i) => {
      for (const earlier of ranges.slice(0, i)) {
        const same = earlier.from === range.from && earlier.to === range.to;
        const disjoint = earlier.to < range.from || range.to < earlier.from;
        expect(same || disjoint, `request ${i} [${range.from}, ${range.to}] overlaps [${earlier.from}, ${earlier.to}]`).toBe(true);
      }
    });
    // A range goes out again only if the sender never learnt it was acknowledged: either the
    // receiver did not acknowledge it, or the process was killed before it could record that.
    ranges.forEach((range, i) => {
      const next = ranges.findIndex((other, j) => j > i && other.from === range.from);
      if (next >= 0 && range.acknowledged) {
        expect(killedAt.some((at) => at > i && at <= next), `range [${range.from}, ${range.to}] re-sent after an acknowledgement without a restart; requests ${JSON.stringify(ranges)}, kills after ${JSON.stringify(killedAt)}`).toBe(true);
      }
    });
    // Every seq reached the receiver; the held batch again after the restart.
    const counts = new Map<number, number>();
    for (const request of receiver.requests) for (const event of request.events) counts.set(recordOf(event).seq, (counts.get(recordOf(event).seq) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    for (const seq of heldSeqs) expect(counts.get(seq)).toBeGreaterThanOrEqual(2);
    // Acknowledged events, de-duplicated by hash, are the chain in order, hashes and links intact.
    const seen = new Set<string>();
    const acknowledgedOnce = receiver.acknowledged().filter((event) => {
      const hash = recordOf(event).hash;
      if (seen.has(hash)) return false;
      seen.add(hash);
      return true;
    });
    expectWholeChain(acknowledgedOnce, head);
    // De-duplicated by hash, the receiver holds exactly the chain.
    const byHash = new Map(receiver.requests.flatMap((request) => request.events).map((event) => [recordOf(event).hash, recordOf(event).seq]));
    expect([...byHash.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: head }, (_, i) => i + 1));

    // Files: a re-sent batch overwrote its own file, so every seq is there exactly once.
    const stored = fileRecords(out.path).sort((a, b) => a.seq - b.seq);
    expect(stored.map((record) => record.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const acknowledgedHashes = acknowledgedOnce.map((event) => recordOf(event).hash);
    expect(stored.map((record) => record.hash)).toEqual(acknowledgedHashes);

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
});
