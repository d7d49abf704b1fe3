// The line a record occupies in an exported bundle, and the leaf it contributes to its
// organisation's Merkle tree.
//
// The line is the RFC 8785 canonical JSON of the whole stored record, `hash` included, i.e.
// {"actor":…,"body":{…},"hash":…,"intent_id":…,"kind":…,"org_id":…,"prev_hash":…,"seq":…,"time":…}
// in UTF-8. The record hash is SHA-256 of the same text without the `"hash":"…",` member.
//
// The leaf is SHA-256(0x00 || the record hash's 32 bytes). The record hash already commits to
// every byte of the record, prev_hash included, so a tree over record hashes commits to every
// record just as a tree over whole lines would, while a verifier hashes each ~1 KB line once
// instead of twice.

import { canonicalJson, type JsonValue } from '@axiru/runtime';
import type { StoredRecord } from '../ledger/chain.js';
import { hashLeaf } from './merkle.js';

export function recordLine(record: StoredRecord): string {
  const envelope: { [key: string]: JsonValue } = {
    actor: record.actor,
    body: null,
    hash: record.hash,
    intent_id: record.intent_id,
    kind: record.kind,
    org_id: record.org_id,
    prev_hash: record.prev_hash,
    seq: record.seq,
    time: record.time,
  };
  // "body":null occurs once and nothing sorts before "actor", so the splice is canonical.
  return canonicalJson(envelope).replace('"body":null', () => `"body":${record.body}`);
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The record's Merkle leaf hash: SHA-256(0x00 || the 32 bytes of its hash). */
export function recordLeafHash(record: Pick<StoredRecord, 'hash'>): Buffer {
  // Buffer.from(…, 'hex') stops silently at the first bad digit; a stored hash never has one.
  if (!HEX64.test(record.hash)) throw new Error(`record hash ${JSON.stringify(record.hash)} is not 64 lower-case hex digits`);
  return hashLeaf(Buffer.from(record.hash, 'hex'));
}
