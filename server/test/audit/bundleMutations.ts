// Deterministic mutations of an exported bundle's records, each with the record a verifier
// must name as the first bad one: a flipped bit, a deleted, reordered or inserted record, the
// bundle cut short (header fixed up), and a record rewritten with every later one re-hashed.

import { createHash } from 'node:crypto';
import { canonicalJson } from '@axiru/runtime';
import type { SignedCheckpoint } from '../../src/audit/checkpoint.js';

export type Mutation = 'flip' | 'delete' | 'reorder' | 'insert' | 'truncate' | 'rehash';
export const KINDS: readonly Mutation[] = ['flip', 'delete', 'reorder', 'insert', 'truncate', 'rehash'];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const NEWLINE = Buffer.from('\n');

function rehash(record: Record<string, unknown>): string {
  const { hash: _hash, ...content } = record;
  const hash = createHash('sha256').update(canonicalJson(content)).digest('hex');
  return canonicalJson({ ...content, hash });
}

export interface Mutated {
  readonly kind: Mutation;
  readonly bytes: Buffer;
  /** The record the verifier must name. */
  readonly expected: number;
  readonly at: number;
}

/** One seeded mutation of the exported bundle. */
export function mutate(all: readonly string[], seed: number): Mutated {
  const recordAt: number[] = [];
  all.forEach((line, i) => { if (line.startsWith('{"actor":')) recordAt.push(i); });
  const n = recordAt.length;
  const checkpointSizes = all.filter((line) => line.startsWith('{"key_id":')).map((line) => (JSON.parse(line) as SignedCheckpoint).tree_size);
  const next = random(seed);
  const kind = KINDS[seed % KINDS.length]!;
  const p = 1 + Math.floor(next() * n); // the seq the mutation hits
  const copy = [...all];
  // A flipped byte may not be valid UTF-8, so that line is kept as bytes.
  const flipped = new Map<number, Buffer>();
  const at = recordAt[p - 1]!;
  let expected = p;
  switch (kind) {
    case 'flip': {
      const bytes = Buffer.from(copy[at]!, 'utf8');
      const offset = Math.floor(next() * bytes.length);
      bytes[offset]! ^= 1 << Math.floor(next() * 8);
      flipped.set(at, bytes);
      break;
    }
    case 'delete':
      copy.splice(at, 1);
      break;
    case 'reorder': {
      const other = p < n ? recordAt[p]! : recordAt[p - 2]!;
      if (p === n) expected = n - 1;
      [copy[at], copy[other]] = [copy[other]!, copy[at]!];
      break;
    }
    case 'insert': {
      let q = 1 + Math.floor(next() * n);
      if (q === p) q = p === 1 ? 2 : p - 1;
      copy.splice(at, 0, all[recordAt[q - 1]!]!);
      break;
    }
    case 'truncate': {
      // Cut everything from record p on and fix the header up to match: only the
      // checkpoint the auditor holds shows that records are gone.
      const kept = copy.slice(0, at);
      const header = JSON.parse(kept[0]!) as Record<string, unknown>;
      kept[0] = canonicalJson({ ...header, records: p - 1, checkpoints: kept.filter((line) => line.startsWith('{"key_id":')).length });
      copy.splice(0, copy.length, ...kept);
      break;
    }
    case 'rehash': {
      // Rewrite record p and re-hash every later record so the chain is consistent again:
      // only a signed checkpoint over record p can tell, so the first record it cannot vouch
      // for is the one after the last good checkpoint.
      let prev: string | null = null;
      for (let seq = p; seq <= n; seq += 1) {
        const record = JSON.parse(copy[recordAt[seq - 1]!]!) as Record<string, unknown>;
        if (seq === p) record['actor'] = `${String(record['actor'])}-rewritten`;
        if (prev !== null) record['prev_hash'] = prev;
        copy[recordAt[seq - 1]!] = rehash(record);
        prev = (JSON.parse(copy[recordAt[seq - 1]!]!) as { hash: string }).hash;
      }
      expected = Math.max(0, ...checkpointSizes.filter((size) => size < p)) + 1;
      break;
    }
  }
  const bytes = Buffer.concat(copy.map((line, i) => Buffer.concat([flipped.get(i) ?? Buffer.from(line, 'utf8'), NEWLINE])));
  return { kind, bytes, expected, at: p };
}
