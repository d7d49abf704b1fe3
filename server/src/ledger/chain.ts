// Hashing and verification of one organisation's chain. A record's hash covers its whole
// content including `seq` and `prev_hash`, so any changed byte breaks that record, and any
// deleted, inserted or reordered record breaks the link of the record after it.

import { canonicalJson, type JsonValue } from '@axiru/runtime';
import { sha256Hex } from '../sha256.js';
import { GENESIS_HASH, type LedgerRecord, type RecordContent } from './record.js';

export function hashRecord(content: RecordContent): string {
  return hashStoredContent(content, canonicalJson(content.body));
}

/**
 * The hash of a record whose body is already canonical text: the canonical JSON of the
 * envelope is assembled around it (keys in JCS order), so the body is serialized only once
 * per record, for both its hash and its stored bytes.
 */
export function hashStoredContent(content: Omit<RecordContent, 'body'>, canonicalBody: string): string {
  const envelope: { [key: string]: JsonValue } = {
    actor: content.actor,
    body: null,
    intent_id: content.intent_id,
    kind: content.kind,
    org_id: content.org_id,
    prev_hash: content.prev_hash,
    seq: content.seq,
    time: content.time,
  };
  // "body":null appears exactly once in the canonical envelope, and nothing sorts before
  // "actor", so splicing the body in here yields canonicalJson(content).
  const text = canonicalJson(envelope).replace('"body":null', () => `"body":${canonicalBody}`);
  return sha256Hex(text);
}

/** A record as it is stored: the body as text, so that verification sees the stored bytes. */
export interface StoredRecord {
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

export interface ChainReport {
  readonly ok: boolean;
  readonly records: number;
  /** The first seq whose record is wrong or missing, or null when the chain verifies. */
  readonly first_bad_seq: number | null;
  /** Why that record is bad, for people; null when ok. */
  readonly problem: string | null;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * Checks records streamed in stored order (ascending seq). Feed every record, then call
 * `finish(head)` with the chain head the store recorded, which catches a truncated tail.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private bad: { seq: number; problem: string } | null = null;

  constructor(private readonly orgId: string) {}

  /** Returns false once a bad record was found (the caller may stop feeding). */
  push(record: StoredRecord): boolean {
    if (this.bad) return false;
    this.count += 1;
    const problem = this.check(record);
    if (problem) {
      // A missing record shows up as the next one carrying a later seq: name the missing seq.
      this.bad = { seq: Math.min(record.seq, this.expectedSeq), problem };
      return false;
    }
    this.expectedSeq += 1;
    this.prevHash = record.hash;
    return true;
  }

  finish(head: ChainHead | null): ChainReport {
    if (!this.bad && head && (head.seq !== this.expectedSeq - 1 || head.hash !== this.prevHash)) {
      this.bad = head.seq >= this.expectedSeq
        ? { seq: this.expectedSeq, problem: `record ${this.expectedSeq} is missing (the chain head is at ${head.seq})` }
        : { seq: head.seq + 1, problem: `the chain head (seq ${head.seq}) does not match the last record` };
    }
    if (!this.bad && !head && this.count > 0) {
      this.bad = { seq: 1, problem: 'records exist but the chain head is missing' };
    }
    return {
      ok: this.bad === null,
      records: this.count,
      first_bad_seq: this.bad?.seq ?? null,
      problem: this.bad?.problem ?? null,
    };
  }

  private check(record: StoredRecord): string | null {
    if (record.org_id !== this.orgId) return `record ${record.seq} belongs to another organisation`;
    if (record.seq !== this.expectedSeq) {
      return record.seq > this.expectedSeq
        ? `record ${this.expectedSeq} is missing`
        : `record ${record.seq} appears out of order`;
    }
    if (record.prev_hash !== this.prevHash) return `record ${record.seq} does not link to record ${record.seq - 1}`;
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      return `record ${record.seq} has a body that is not JSON`;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return `record ${record.seq} has a body that is not an object`;
    let canonical: string;
    try {
      canonical = canonicalJson(body);
    } catch {
      return `record ${record.seq} has a body that cannot be canonicalized`;
    }
    // Bodies are stored canonical; any other bytes mean they were edited after sealing.
    if (canonical !== record.body) return `record ${record.seq} has a body that is not in canonical form`;
    const expected = hashStoredContent({
      org_id: record.org_id,
      seq: record.seq,
      kind: record.kind as RecordContent['kind'],
      intent_id: record.intent_id,
      time: record.time,
      actor: record.actor,
      prev_hash: record.prev_hash,
    }, canonical);
    if (expected !== record.hash) return `record ${record.seq} does not match its hash`;
    return null;
  }
}

/** Turns a freshly hashed record into its stored form (canonical body text). */
export function toStoredRecord(record: LedgerRecord): StoredRecord {
  return { ...record, body: canonicalJson(record.body) };
}

/** Seals content: its stored form, with the body serialized once for both hash and storage. */
export function sealContent(content: RecordContent): StoredRecord {
  const body = canonicalJson(content.body);
  return {
    org_id: content.org_id,
    seq: content.seq,
    kind: content.kind,
    intent_id: content.intent_id,
    time: content.time,
    actor: content.actor,
    body,
    prev_hash: content.prev_hash,
    hash: hashStoredContent(content, body),
  };
}
