// The layout shared by the files and S3 sinks: gzipped JSON Lines under
// `dt=YYYY-MM-DD/hour=HH/`, one object per batch named after its org and seq range, and a
// manifest beside it with the SHA-256 of the object's bytes. A batch never spans two hours
// (plan() cuts it), and its name depends only on its range, so re-sending an unacknowledged
// batch after a restart writes the same name with the same bytes: it overwrites, never duplicates.

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ExportBatch, ExportEvent } from './Sink.js';
import type { EventFormat } from './sinkConfig.js';

/** `dt=2026-04-28/hour=14` from a record's ISO 8601 UTC time. */
export function partitionOf(time: string): string {
  const date = new Date(time);
  const iso = Number.isNaN(date.getTime()) ? '1970-01-01T00' : date.toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

const SEQ_DIGITS = 12;

/** `axiru-<org>-<from>-<to>` with zero-padded seqs, so names sort in chain order. */
export function batchName(batch: Pick<ExportBatch, 'orgId' | 'fromSeq' | 'toSeq'>): string {
  const pad = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');
  return `axiru-${batch.orgId}-${pad(batch.fromSeq)}-${pad(batch.toSeq)}`;
}

/** How many events of the same hour, from the first, up to `max`. */
export function planByHour(events: readonly ExportEvent[], max: number): number {
  const first = events[0];
  if (!first) return 0;
  const partition = partitionOf(first.record.time);
  let count = 0;
  while (count < events.length && count < max && partitionOf(events[count]!.record.time) === partition) count += 1;
  return count;
}

export interface Manifest {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly records: number;
  readonly org_id: string;
  readonly first_seq: number;
  readonly last_seq: number;
  /** prev_hash of the first record and hash of the last: where this file sits in the chain. */
  readonly prev_hash: string;
  readonly last_hash: string;
  readonly format: EventFormat;
  readonly content_type: 'application/x-ndjson';
  readonly content_encoding: 'gzip';
}

export interface LaidOutBatch {
  /** Relative path of the data object, e.g. dt=…/hour=…/axiru-…jsonl.gz. */
  readonly path: string;
  readonly data: Buffer;
  readonly manifestPath: string;
  readonly manifest: Buffer;
}

export function layOut(batch: ExportBatch, format: EventFormat): LaidOutBatch {
  const first = batch.events[0];
  const last = batch.events[batch.events.length - 1];
  if (!first || !last) throw new Error('an empty batch has no layout');
  const dir = partitionOf(first.record.time);
  const name = batchName(batch);
  // zlib writes no timestamp into the gzip header, so the same lines give the same bytes.
  const data = gzipSync(Buffer.from(batch.events.map((event) => `${event.line}\n`).join(''), 'utf8'));
  const manifest: Manifest = {
    file: `${name}.jsonl.gz`,
    sha256: createHash('sha256').update(data).digest('hex'),
    bytes: data.length,
    records: batch.events.length,
    org_id: batch.orgId,
    first_seq: batch.fromSeq,
    last_seq: batch.toSeq,
    prev_hash: first.record.prev_hash,
    last_hash: last.record.hash,
    format,
    content_type: 'application/x-ndjson',
    content_encoding: 'gzip',
  };
  return {
    path: `${dir}/${name}.jsonl.gz`,
    data,
    manifestPath: `${dir}/${name}.manifest.json`,
    manifest: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
  };
}
