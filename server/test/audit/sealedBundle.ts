// Small bundles in the export format for the verifier's tests, made without a server: records
// sealed as the ledger seals them, a checkpoint signed every few records and at the end, and
// the ways a forger re-seals records after an edit.

import { createHash, generateKeyPairSync } from 'node:crypto';
import { canonicalJson, type JsonValue } from '@axiru/runtime';
import { keyIdOf, signCheckpoint, type SignedCheckpoint } from '../../src/audit/checkpoint.js';
import { checkpointLine } from '../../src/audit/exportBundle.js';
import { MerkleFrontier } from '../../src/audit/MerkleFrontier.js';
import { recordLeafHash, recordLine } from '../../src/audit/recordLine.js';
import { hashStoredContent, type StoredRecord } from '../../src/ledger/chain.js';
import type { RecordKind } from '../../src/ledger/record.js';

export type RecordFields = StoredRecord;

export const ORG = 'org_fast';

export const sha = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export interface Content {
  actor: string;
  body: JsonValue;
  intent_id: string | null;
  kind: string;
  time: string;
}

/** Seals records like the ledger does: canonical body, hash over the envelope, linked. */
export function seal(contents: readonly Content[], org = ORG): RecordFields[] {
  let prev = '0'.repeat(64);
  return contents.map((content, i) => {
    const body = canonicalJson(content.body);
    // Kinds the ledger never writes are welcome here: the verifier must judge any line.
    const fields = { org_id: org, seq: i + 1, kind: content.kind as RecordKind, intent_id: content.intent_id, time: content.time, actor: content.actor, prev_hash: prev };
    const hash = hashStoredContent(fields, body);
    prev = hash;
    return { ...fields, body, hash };
  });
}

export function plainContent(i: number): Content {
  return {
    actor: 'api_key:key_1', kind: 'decision', intent_id: `intent-${i}`, time: `2026-05-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
    body: { request: { amount_cents: 1000 + i, metadata: { ticket: `T-${i}` } }, decision: { outcome: 'allow' } },
  };
}

/** The key that signs every checkpoint made here. */
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
export const bundleKey = { publicKey, keyId: keyIdOf(publicKey) };

/** The checkpoint over the first `size` records, signed by bundleKey. */
export function checkpointAt(records: readonly RecordFields[], size: number): SignedCheckpoint {
  const tree = new MerkleFrontier();
  for (const record of records.slice(0, size)) tree.appendLeafHash(recordLeafHash(record));
  return signCheckpoint({ org: ORG, tree_size: size, root: tree.root().toString('hex'), time: records[size - 1]!.time, key_id: bundleKey.keyId }, privateKey);
}

/** A bundle of `records` with a checkpoint after every `every` records and after the last. */
export function bundleOf(records: readonly RecordFields[], lineOf: (record: RecordFields) => string = recordLine, every = 8): Buffer {
  const checkpoints = Math.ceil(records.length / every);
  const lines = [canonicalJson({ checkpoints, exported_at: '2026-05-01T00:00:00.000Z', org: ORG, records: records.length, type: 'axiru-audit-bundle', version: 1 })];
  const tree = new MerkleFrontier();
  for (const record of records) {
    lines.push(lineOf(record));
    tree.appendLeafHash(recordLeafHash(record));
    if (record.seq % every === 0 || record.seq === records.length) {
      lines.push(checkpointLine(signCheckpoint({ org: ORG, tree_size: record.seq, root: tree.root().toString('hex'), time: record.time, key_id: bundleKey.keyId }, privateKey)));
    }
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** Re-seals records from index `from` on, so that the chain links again after an edit. */
export function relink(records: RecordFields[], from: number, lineOf: (record: RecordFields) => string): RecordFields[] {
  const out = records.slice(0, from);
  for (let i = from; i < records.length; i += 1) {
    const prev_hash = i === 0 ? '0'.repeat(64) : out[i - 1]!.hash;
    const record = { ...records[i]!, prev_hash };
    // The hash is taken over the line as written (without its hash member), as a forger would.
    const written = lineOf({ ...record, hash: '0'.repeat(64) });
    const member = `"hash":"${'0'.repeat(64)}",`;
    out.push({ ...record, hash: sha(Buffer.from(written.replace(member, ''), 'utf8')).toString('hex') });
  }
  return out;
}

/**
 * Records from index `from` on rewritten through `lineOf` and re-linked, under the checkpoints
 * of the sealed records (whoever rewrites the ledger cannot sign).
 */
export function forgedBundle(records: RecordFields[], from: number, lineOf: (record: RecordFields) => string): Buffer {
  const sealed = bundleOf(records).toString('utf8').split('\n');
  const forged = bundleOf(relink(records, from, lineOf), lineOf).toString('utf8').split('\n');
  return Buffer.from(forged.map((line, i) => (line.startsWith('{"key_id":') ? sealed[i]! : line)).join('\n'), 'utf8');
}
