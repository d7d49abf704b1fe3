// Puts refunds in replay order — time, then input order — whatever order the files hold them in
// (Stripe lists newest first; a Payments export is ordered by charge, not by refund).
//
// Facts need the whole history before the first decision anyway (a customer's first payment may
// be anywhere in the files), so refunds are collected while the files are read, then replayed.
// Refunds are packed into a line of JSON each (about 300 bytes) as they arrive. Up to `chunkSize`
// of them stay in memory; beyond that each full chunk is sorted and written to a temporary file as
// one sorted run, and the runs are merged while replaying. Memory is therefore bounded by the
// chunk (about 6 MB at the default 20,000) whatever the size of the history; the temporary files
// take about 300 bytes a refund of disk, and are removed at the end.
// When the refunds arrive already in order, nothing is sorted and the runs are read back one
// after the other.

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RefundRow } from './HistoryRefund.js';
import { lineBatches } from './streamBatches.js';

export const DEFAULT_CHUNK_SIZE = 20_000;

/** Rows per batch handed to the replay: few, so that they die young (cheap garbage). */
const BATCH = 256;

type Packed = [
  time: number, chargeTime: number | null, line: number, id: string, chargeId: string | null, amount: number,
  currency: string, customer: string | null, account: string | null, source: string | null, reason: string | null,
  chargeAmount: number | null, metadata: Record<string, string>,
];

function pack(row: RefundRow): string {
  const r = row.refund;
  const packed: Packed = [
    row.time, row.chargeTime, row.line, r.id, r.charge_id, r.amount_cents, r.currency, r.customer_id, r.stripe_account,
    r.source, r.reason, r.charge_amount_cents, r.metadata as Record<string, string>,
  ];
  return JSON.stringify(packed);
}

function unpack(text: string): RefundRow {
  const [time, chargeTime, line, id, charge_id, amount_cents, currency, customer_id, stripe_account, source, reason, charge_amount_cents, metadata] =
    JSON.parse(text) as Packed;
  return {
    kind: 'refund',
    time,
    chargeTime,
    line,
    refund: {
      id,
      created: new Date(time).toISOString(),
      charge_id,
      amount_cents,
      currency,
      customer_id,
      stripe_account,
      source,
      reason,
      charge_amount_cents,
      charge_created: chargeTime === null ? null : new Date(chargeTime).toISOString(),
      metadata,
    },
  };
}

/** Writes lines a slice at a time: one joined string of a whole chunk would briefly double it in memory. */
async function writeRun(path: string, lines: readonly string[]): Promise<void> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  for (let i = 0; i < lines.length; i += 1000) {
    if (!out.write(`${lines.slice(i, i + 1000).join('\n')}\n`)) await Promise.race([once(out, 'drain'), failed]);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

/** The lines of a run, in batches of whatever one read gave. */
async function* readRun(path: string): AsyncGenerator<string[]> {
  for await (const lines of lineBatches(createReadStream(path, { highWaterMark: 16 * 1024 }))) {
    const texts: string[] = [];
    for (const { text } of lines) if (text !== '') texts.push(text);
    if (texts.length > 0) yield texts;
  }
}

async function* inBatches(lines: readonly string[]): AsyncGenerator<string[]> {
  for (let i = 0; i < lines.length; i += BATCH) yield lines.slice(i, i + BATCH);
}

/** A packed refund's time: the first element of its array, read without parsing the rest. */
function timeOf(line: string): number {
  return Number(line.slice(1, line.indexOf(',')));
}

/**
 * Where one sorted run is up to during the merge. Its lines are unpacked one at a time as they
 * are taken, so the refunds waiting in many runs cost their text only.
 */
interface Cursor {
  readonly run: number;
  lines: string[];
  pos: number;
  time: number;
  readonly source: AsyncIterator<string[]>;
}

function before(a: Cursor, b: Cursor): boolean {
  return a.time < b.time || (a.time === b.time && a.run < b.run);
}

export class TimeOrder {
  /** The chunk: each refund packed as one line of JSON, with its time beside it for sorting. */
  private packed: string[] = [];
  private times: number[] = [];
  private readonly runs: string[] = [];
  private dir: string | null = null;
  private lastTime = -Infinity;
  private ordered = true;

  constructor(private readonly chunkSize: number = DEFAULT_CHUNK_SIZE) {}

  /** Whether every refund so far came in time order (then nothing needs sorting). */
  get inOrder(): boolean {
    return this.ordered;
  }

  /** Sorted runs written to disk so far. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** The directory of the runs, once one was written; removed by dispose(). */
  get directory(): string | null {
    return this.dir;
  }

  add(row: RefundRow): void {
    if (row.time < this.lastTime) this.ordered = false;
    else this.lastTime = row.time;
    // Packed at once: a line of text is a third of the objects' size, and short-lived objects
    // are the cheapest garbage there is.
    this.packed.push(pack(row));
    this.times.push(row.time);
  }

  /** Writes the chunk as a sorted run once it is full. Call between batches of add(). */
  async spillIfFull(): Promise<void> {
    if (this.packed.length < this.chunkSize) return;
    this.dir ??= await mkdtemp(join(tmpdir(), 'axiru-replay-'));
    const path = join(this.dir, `run-${this.runs.length}.jsonl`);
    await writeRun(path, this.sortedChunk());
    this.runs.push(path);
  }

  /** The chunk's lines in replay order (refunds at the same time keep their input order); empties the chunk. */
  private sortedChunk(): string[] {
    const { packed, times } = this;
    this.packed = [];
    this.times = [];
    if (this.ordered) return packed;
    const order = Array.from(packed, (_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    return order.map((i) => packed[i] as string);
  }

  /** Every refund added, in replay order, in batches. Call once, after the last add(). */
  async *drain(): AsyncGenerator<RefundRow[]> {
    const tail = this.sortedChunk();
    if (this.runs.length === 0 || this.ordered) {
      for (const path of this.runs) for await (const lines of readRun(path)) yield lines.map(unpack);
      for await (const lines of inBatches(tail)) yield lines.map(unpack);
      return;
    }
    yield* this.merge(tail);
  }

  /** A k-way merge of the runs on disk and the last chunk, through a binary heap of cursors. */
  private async *merge(tail: string[]): AsyncGenerator<RefundRow[]> {
    const sources: AsyncIterator<string[]>[] = this.runs.map((path) => readRun(path));
    sources.push(inBatches(tail));
    const heap: Cursor[] = [];
    const push = (cursor: Cursor) => {
      heap.push(cursor);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(heap[i] as Cursor, heap[parent] as Cursor)) break;
        [heap[i], heap[parent]] = [heap[parent] as Cursor, heap[i] as Cursor];
        i = parent;
      }
    };
    const pop = (): Cursor => {
      const top = heap[0] as Cursor;
      const last = heap.pop() as Cursor;
      if (heap.length > 0) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && before(heap[l] as Cursor, heap[m] as Cursor)) m = l;
          if (r < heap.length && before(heap[r] as Cursor, heap[m] as Cursor)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m] as Cursor, heap[i] as Cursor];
          i = m;
        }
      }
      return top;
    };
    for (let run = 0; run < sources.length; run++) {
      const source = sources[run] as AsyncIterator<string[]>;
      const first = await source.next();
      if (!first.done) push({ run, lines: first.value, pos: 0, time: timeOf(first.value[0] as string), source });
    }
    let out: RefundRow[] = [];
    while (heap.length > 0) {
      const cursor = pop();
      out.push(unpack(cursor.lines[cursor.pos] as string));
      cursor.pos++;
      if (cursor.pos === cursor.lines.length) {
        const next = await cursor.source.next();
        if (next.done) continue;
        cursor.lines = next.value;
        cursor.pos = 0;
      }
      cursor.time = timeOf(cursor.lines[cursor.pos] as string);
      push(cursor);
      if (out.length >= BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  }

  /** Removes the temporary runs. */
  async dispose(): Promise<void> {
    if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
