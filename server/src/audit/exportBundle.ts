import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { canonicalJson } from '@axiru/runtime';
import type { Store } from '../repositories/types.js';
import { BUNDLE_FORMAT, type BundleHeader } from './BundleVerifier.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { recordLine } from './recordLine.js';
import { checkpointHead } from './signCheckpoint.js';
import { publicKeyInfo } from './signingKeys.js';

const PAGE = 2000;

export interface ExportSummary {
  readonly org: string;
  readonly records: number;
  readonly checkpoints: number;
  /** The checkpoint the bundle ends with (signed now when records were added since the last). */
  readonly head: SignedCheckpoint | null;
}

export function checkpointLine(checkpoint: SignedCheckpoint): string {
  const { org, tree_size, root, time, key_id, signature } = checkpoint;
  return canonicalJson({ type: 'checkpoint', org, tree_size, root, time, key_id, signature });
}

/**
 * Writes an organisation's bundle: a header, every signing public key, then its records in
 * order (each line its canonical JSON, hash included; see recordLine.ts), each checkpoint
 * right after the record it ends at. The bundle ends at a checkpoint at the chain head, signed
 * first when records were added since the last one; records sealed meanwhile (the server may
 * be running) belong to the next export.
 */
export async function exportBundle(store: Store, orgId: string, file: string, now: Date): Promise<ExportSummary> {
  const out = createWriteStream(file);
  try {
    return await writeBundle(store, orgId, out, now);
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/** Waits until the stream takes more; fails when it closes first (a download given up). */
async function drained(out: Writable): Promise<void> {
  if (out.destroyed) throw new Error("the bundle's reader went away");
  const stop = new AbortController();
  const drain = once(out, 'drain', { signal: stop.signal }).then(() => 'drain' as const);
  const close = once(out, 'close', { signal: stop.signal }).then(() => 'close' as const);
  drain.catch(() => undefined);
  close.catch(() => undefined);
  try {
    if (await Promise.race([drain, close]) === 'close') throw new Error("the bundle's reader went away");
  } finally {
    stop.abort();
  }
}

/** The same bundle, written to any stream (GET /api/audit/export); the caller ends it. */
export async function writeBundle(store: Store, orgId: string, out: Writable, now: Date): Promise<ExportSummary> {
  const head = await store.transaction((tx) => checkpointHead(tx, orgId, now));
  const size = head?.tree_size ?? 0;
  const checkpoints = (await store.checkpoints.all(orgId)).filter((checkpoint) => checkpoint.tree_size <= size);
  const keys = await store.signingKeys.list();
  const header: BundleHeader = {
    type: BUNDLE_FORMAT, version: 1, org: orgId, exported_at: now.toISOString(), records: size, checkpoints: checkpoints.length,
  };
  const write = async (line: string): Promise<void> => {
    if (!out.write(`${line}\n`)) await drained(out);
  };
  await write(canonicalJson(header as unknown as Record<string, string | number>));
  for (const key of keys) await write(canonicalJson({ type: 'public_key', ...publicKeyInfo(key) }));
  let next = 0;
  let after = 0;
  while (after < size) {
    const page = await store.ledger.scan(orgId, after, Math.min(PAGE, size - after));
    if (page.length === 0) throw new Error(`the ledger of ${orgId} ends at record ${after}, before its checkpoint at ${size}`);
    let lines = '';
    for (const record of page) {
      lines += `${recordLine(record)}\n`;
      while (checkpoints[next] && checkpoints[next]!.tree_size === record.seq) {
        lines += `${checkpointLine(checkpoints[next]!)}\n`;
        next += 1;
      }
      after = record.seq;
    }
    if (!out.write(lines)) await drained(out);
  }
  return { org: orgId, records: size, checkpoints: checkpoints.length, head };
}
