// What can be checked of one record line on its own (so that lines can be checked in parallel):
// JSON, exactly the record's fields, canonical form, the organisation, and that the line hashes
// to its `hash`. Order (seq) and links (prev_hash) need the lines before it and are checked by
// the BundleVerifier. Imports nothing of the server.

import { createHash } from 'node:crypto';
import { canonicalJson } from '@axiru/runtime';
import { hashLeaf } from './merkle.js';

export const RECORD_PREFIX = Buffer.from('{"actor":', 'latin1');

export function isRecordLine(bytes: Uint8Array): boolean {
  if (bytes.length <= RECORD_PREFIX.length) return false;
  for (let i = 0; i < RECORD_PREFIX.length; i += 1) if (bytes[i] !== RECORD_PREFIX[i]) return false;
  return true;
}

export const LINE_PROBLEMS = ['json', 'fields', 'hash_format', 'org', 'canonical', 'malformed', 'hash'] as const;
export type LineProblem = (typeof LINE_PROBLEMS)[number];

export interface RecordCheck {
  readonly problem: LineProblem | null;
  readonly seq: number;
  /** The record's hash, its prev_hash and its Merkle leaf hash (32 bytes each; zeros when bad). */
  readonly hash: Buffer;
  readonly prevHash: Buffer;
  readonly leaf: Buffer;
}

const HEX64 = /^[0-9a-f]{64}$/;
const RECORD_KEYS = 'actor,body,hash,intent_id,kind,org_id,prev_hash,seq,time';
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;
const ZERO = Buffer.alloc(32);

/** True when every object's keys are in ascending UTF-16 code-unit order (JCS §3.2.3). */
function keysSorted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!keysSorted(item)) return false;
    return true;
  }
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    if (!keysSorted((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}

/**
 * Whether `text` is exactly the RFC 8785 form of `value` (parsed from it). The fast path: JCS
 * serializes strings and numbers exactly as JSON.stringify does, and JSON.parse keeps the
 * text's key order, so stringify reproducing the text byte for byte plus sorted keys at every
 * level is canonical form. Texts that escape a surrogate (JCS refuses lone ones) or whose keys
 * JavaScript reorders (integer-like keys) take the full canonicalization instead.
 */
export function isCanonical(value: unknown, text: string): boolean {
  if (!ESCAPED_SURROGATE.test(text) && JSON.stringify(value) === text && keysSorted(value)) return true;
  try {
    return canonicalJson(value) === text;
  } catch {
    return false;
  }
}

function bad(problem: LineProblem, seq = 0): RecordCheck {
  return { problem, seq, hash: ZERO, prevHash: ZERO, leaf: ZERO };
}

export function checkRecordLine(bytes: Buffer, org: string): RecordCheck {
  const text = bytes.toString('utf8');
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return bad('json');
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record) || Object.keys(record).join(',') !== RECORD_KEYS) return bad('fields');
  const seq = record['seq'];
  const hash = record['hash'];
  const prev = record['prev_hash'];
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || typeof hash !== 'string' || !HEX64.test(hash) || typeof prev !== 'string' || !HEX64.test(prev)) {
    return bad('hash_format');
  }
  if (record['org_id'] !== org) return bad('org', seq);
  if (!isCanonical(record, text)) return bad('canonical', seq);
  // The hash covers the record without its "hash" member; in canonical form that member sits
  // right after the body and before "intent_id", so it is the last occurrence of this text.
  const member = Buffer.from(`"hash":"${hash}",`, 'latin1');
  const at = bytes.lastIndexOf(member);
  if (at < 0) return bad('malformed', seq);
  const digest = createHash('sha256').update(bytes.subarray(0, at)).update(bytes.subarray(at + member.length)).digest();
  const hashBytes = Buffer.from(hash, 'hex');
  if (!digest.equals(hashBytes)) return bad('hash', seq);
  return { problem: null, seq, hash: hashBytes, prevHash: Buffer.from(prev, 'hex'), leaf: hashLeaf(bytes) };
}

export function problemText(problem: LineProblem, seq: number, line: number): string {
  switch (problem) {
    case 'json': return `line ${line} (record ${seq}) is not JSON`;
    case 'fields': return `line ${line} (record ${seq}) does not have exactly the fields of a record`;
    case 'hash_format': return `record ${seq} has no valid seq, hash or prev_hash`;
    case 'org': return `record ${seq} belongs to another organisation`;
    case 'canonical': return `record ${seq} is not in canonical form (edited after sealing)`;
    case 'malformed': return `record ${seq} is malformed`;
    case 'hash': return `record ${seq} does not match its hash`;
  }
}
