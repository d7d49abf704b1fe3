// What can be checked of one record line on its own (so that lines can be checked in parallel):
// JSON, exactly the record's fields, canonical form, the organisation, and that the line hashes
// to its `hash`. Order (seq) and links (prev_hash) need the lines before it and are checked by
// the BundleVerifier. Imports nothing of the server.
//
// Two ways to check a line. checkRecordLine is the strict one: JSON.parse, the exact fields,
// canonical form, then the hash. RecordLineReader is the fast one, for the lines the exporter
// writes: it reads the envelope by position and hashes, with no JSON.parse, and hands every
// line it is not sure of to the strict check, so both give the same answer on every line that
// is canonical or does not hash to its `hash`. (A line that hashes to its `hash` but is not
// canonical passes the fast check: the record hash it carries is then not one the server
// sealed, so the chain or a checkpoint fails further on, and the verifier re-runs strictly to
// name that line; see BundleVerifier.)

import { createHash } from 'node:crypto';
import { canonicalJson } from '@axiru/runtime';
import { hashLeaf } from './merkle.js';
import { sha256Chars } from '../sha256.js';
import { sha256Leaf } from './sha256Short.js';

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

/** The check of a record line found bad (its hashes are zeros). */
export function bad(problem: LineProblem, seq = 0): RecordCheck {
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
  return { problem: null, seq, hash: hashBytes, prevHash: Buffer.from(prev, 'hex'), leaf: hashLeaf(hashBytes) };
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

// ---- the fast path -------------------------------------------------------------------------
//
// A record line in canonical form is, byte for byte,
//   {"actor":A,"body":B,"hash":"H","intent_id":I,"kind":K,"org_id":O,"prev_hash":"P","seq":S,"time":T}
// (RFC 8785 sorts the keys and writes no whitespace). After the body come only scalar members,
// and they are read here backwards from the end of the line, so the body is never scanned:
// - Inside a JSON string a `"` is always escaped as `\"`, and RFC 8785 writes every other
//   character of these values (printable ASCII, and any non-ASCII as raw UTF-8) as itself.
//   So a string with no `\` in it holds no `"`: reading back from its closing quote, the first
//   `"` met is its opening quote. A `\` in T, K or I sends the line to the strict check.
// - H and P are 64 lower-case hex digits, S is digits, O is compared as the exact bytes of the
//   organisation's canonical JSON, and each key with its punctuation is compared in full. So
//   the tail is read exactly, and where it starts, `,"hash":"` begins the top-level "hash"
//   member: it is also the LAST occurrence of those bytes in the line, since any other one is a
//   "hash" key nested in the body (a `"` after `,` opens a key or an element, never content).
// - The head is `{"actor":"` and A (read forwards, again with no `\`), then `","body":`; B is
//   what lies between that and the "hash" member, not parsed: the record hash covers every
//   byte of it, and a line that hashes to its hash is either the sealed line or a forgery the
//   chain and the checkpoints catch (see BundleVerifier).
// Anything unexpected (escapes, a seq that is not a plain positive integer, another org) makes
// tryFast answer 0, and the line takes the strict check.

const ACTOR_KEY = Buffer.from('{"actor":"', 'latin1');
const BODY_KEY = Buffer.from('","body":', 'latin1');
const HASH_KEY = Buffer.from(',"hash":"', 'latin1');
const INTENT_KEY = Buffer.from('","intent_id":', 'latin1');
const NULL_VALUE = Buffer.from('null', 'latin1');
const KIND_KEY = Buffer.from(',"kind":"', 'latin1');
const PREV_KEY = Buffer.from(',"prev_hash":"', 'latin1');
const SEQ_KEY = Buffer.from('","seq":', 'latin1');
const TIME_KEY = Buffer.from(',"time":"', 'latin1');
/** `"hash":"` + 64 hex + `",`: the member the record hash leaves out. */
const HASH_MEMBER_LENGTH = 8 + 64 + 2;
const QUOTE = 34;
const BACKSLASH = 92;
const CLOSE_BRACE = 125;

function matchAt(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at < 0 || at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i += 1) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** The opening quote of the string whose closing quote is at `close`; -1 on a `\` or none. */
function openingQuote(bytes: Uint8Array, close: number): number {
  for (let i = close - 1; i >= 0; i -= 1) {
    const c = bytes[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/** The value of each lower-case hex digit by its byte; 16 for every other byte. */
const NIBBLE = new Uint8Array(256).fill(16);
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
HEX_DIGITS.forEach((digit, value) => { NIBBLE[digit] = value; });

/** Decodes 64 lower-case hex digits at `at` into out[outAt…outAt+32); false on any other byte. */
function decodeHex64(bytes: Uint8Array, at: number, out: Uint8Array, outAt: number): boolean {
  if (at < 0 || at + 64 > bytes.length) return false;
  for (let i = 0; i < 32; i += 1) {
    const high = NIBBLE[bytes[at + 2 * i]!]!;
    const low = NIBBLE[bytes[at + 2 * i + 1]!]!;
    if ((high | low) > 15) return false;
    out[outAt + i] = (high << 4) | low;
  }
  return true;
}

/**
 * Whether the 64 bytes at `at` are exactly the lower-case hex of `digest` (32 characters, one
 * per byte); writes the digest's bytes to out[outAt…outAt+32) on the way.
 */
function isHexOf(bytes: Uint8Array, at: number, digest: string, out: Uint8Array, outAt: number): boolean {
  if (at < 0 || at + 64 > bytes.length) return false;
  for (let i = 0; i < 32; i += 1) {
    const d = digest.charCodeAt(i);
    if (bytes[at + 2 * i] !== HEX_DIGITS[d >> 4] || bytes[at + 2 * i + 1] !== HEX_DIGITS[d & 15]) return false;
    out[outAt + i] = d;
  }
  return true;
}

/**
 * Checks record lines of one organisation's bundle, fast when the line has the exporter's exact
 * shape (see above), strictly otherwise.
 */
export class RecordLineReader {
  /** `,"org_id":` + the organisation as canonical JSON: compared as bytes. */
  private readonly orgMember: Buffer;
  private scratch = Buffer.allocUnsafe(4096);

  constructor(readonly org: string) {
    this.orgMember = Buffer.from(`,"org_id":${canonicalJson(org)}`, 'utf8');
  }

  /**
   * The fast check. When the line has the expected shape and hashes to its `hash`, writes its
   * hash, prev_hash and leaf hash (32 bytes each) at out[at…at+96) and returns its seq;
   * otherwise returns 0 (having perhaps written there too) and the line must take the strict
   * check.
   */
  tryFast(bytes: Buffer, out: Uint8Array, at: number): number {
    const seq = this.tryFastHashes(bytes, out, at);
    if (seq !== 0) sha256Leaf(out, at, out, at + 64);
    return seq;
  }

  /** tryFast without the leaf hash: writes only the hash and prev_hash, at out[at…at+64). */
  tryFastHashes(bytes: Buffer, out: Uint8Array, at: number): number {
    const length = bytes.length;
    if (!matchAt(bytes, 0, ACTOR_KEY) || bytes[length - 1] !== CLOSE_BRACE || bytes[length - 2] !== QUOTE) return 0;
    let p = openingQuote(bytes, length - 2) - (TIME_KEY.length - 1);
    if (!matchAt(bytes, p, TIME_KEY)) return 0;
    // S: a plain positive integer as canonical JSON writes it (no sign, leading zero, fraction
    // or exponent), at most 16 digits and a safe integer.
    let first = p;
    while (first > 0 && bytes[first - 1]! >= 48 && bytes[first - 1]! <= 57) first -= 1;
    if (p - first < 1 || p - first > 16 || bytes[first] === 48) return 0;
    let seq = 0;
    for (let i = first; i < p; i += 1) seq = seq * 10 + (bytes[i]! - 48);
    if (!Number.isSafeInteger(seq)) return 0;
    p = first - SEQ_KEY.length;
    if (!matchAt(bytes, p, SEQ_KEY)) return 0;
    p -= 64;
    if (!decodeHex64(bytes, p, out, at + 32)) return 0;
    p -= PREV_KEY.length;
    if (!matchAt(bytes, p, PREV_KEY)) return 0;
    p -= this.orgMember.length;
    if (!matchAt(bytes, p, this.orgMember) || bytes[p - 1] !== QUOTE) return 0;
    p = openingQuote(bytes, p - 1) - (KIND_KEY.length - 1);
    if (!matchAt(bytes, p, KIND_KEY)) return 0;
    if (bytes[p - 1] === QUOTE) {
      p = openingQuote(bytes, p - 1);
    } else {
      p -= NULL_VALUE.length;
      if (!matchAt(bytes, p, NULL_VALUE)) return 0;
    }
    p -= INTENT_KEY.length;
    if (!matchAt(bytes, p, INTENT_KEY)) return 0;
    const hashAt = p - 64;
    const h = hashAt - HASH_KEY.length;
    if (!matchAt(bytes, h, HASH_KEY)) return 0;
    let actorEnd = ACTOR_KEY.length;
    while (actorEnd < h && bytes[actorEnd] !== QUOTE) {
      if (bytes[actorEnd] === BACKSLASH) return 0;
      actorEnd += 1;
    }
    if (!matchAt(bytes, actorEnd, BODY_KEY) || actorEnd + BODY_KEY.length >= h) return 0;

    // The record hash covers the line without `"hash":"H",` (which starts right after the comma).
    const memberStart = h + 1;
    const contentLength = length - HASH_MEMBER_LENGTH;
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    this.scratch.set(bytes, 0);
    this.scratch.copyWithin(memberStart, memberStart + HASH_MEMBER_LENGTH, length);
    const digest = sha256Chars(new Uint8Array(this.scratch.buffer, this.scratch.byteOffset, contentLength));
    return isHexOf(bytes, hashAt, digest, out, at) ? seq : 0;
  }

  check(bytes: Buffer): RecordCheck {
    const out = Buffer.allocUnsafe(96);
    const seq = this.tryFast(bytes, out, 0);
    if (seq === 0) return checkRecordLine(bytes, this.org);
    return { problem: null, seq, hash: out.subarray(0, 32), prevHash: out.subarray(32, 64), leaf: out.subarray(64, 96) };
  }
}
