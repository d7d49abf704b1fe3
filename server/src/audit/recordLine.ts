// The bytes a record contributes to its organisation's Merkle tree, and the line it occupies in
// an exported bundle: the RFC 8785 canonical JSON of the whole stored record, `hash` included,
// i.e. {"actor":…,"body":{…},"hash":…,"intent_id":…,"kind":…,"org_id":…,"prev_hash":…,"seq":…,"time":…}
// in UTF-8. The record hash is SHA-256 of the same text without the `"hash":"…",` member.

import { canonicalJson, type JsonValue } from '@axiru/runtime';
import { hashLeaf } from './merkle.js';

/** A stored record: the body is already canonical JSON text. */
export interface RecordFields {
  readonly org_id: string;
  readonly seq: number;
  readonly kind: string;
  readonly intent_id: string | null;
  readonly time: string;
  readonly actor: string;
  readonly body: string;
  readonly prev_hash: string;
  readonly hash: string;
}

export function recordLine(record: RecordFields): string {
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

/** The record's Merkle leaf hash: SHA-256(0x00 || recordLine(record)). */
export function recordLeafHash(record: RecordFields): Buffer {
  return hashLeaf(Buffer.from(recordLine(record), 'utf8'));
}
