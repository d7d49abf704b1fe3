// Corpus-driven mutations of policy text: every example and every invalid example, cut, spliced,
// repeated, nested and salted with hostile characters, up to 64 KB. Seeded: the same seed gives
// the same inputs. Shared by the compiler's fuzz test, its timing soak test and the language
// server's JSON-RPC fuzz; its seeded generator also drives the server's fault tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, exampleFiles } from '../helpers/paths.js';

export const MAX_INPUT = 64 * 1024;

/** Every examples/**\/*.axiru, valid and invalid, as text. */
export function corpus(): Array<{ file: string; text: string }> {
  return exampleFiles().map((file) => ({ file, text: readFileSync(join(EXAMPLES, file), 'utf8') }));
}

/** A small seeded generator (mulberry32): the same seed gives the same inputs. Also used by the server's fault tests. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let x = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const SALT = [
  '\u0000', '\uFEFF', '\u202E', '\uD800', '\r', '\r\n', '\t', '\v', '😀', 'é', '"', '\\', '$', '€', '%', '#', ':', '(', ')', '[', ']', '{', '}',
  ' over ', ' require ', ' rule x:\n', ' and ', ' or ', ' not ', ' unless ', ' example {', '99999999999999999999999', '$1e999', '-0', 'NaN',
];

const MUTATIONS = ['cut', 'duplicate', 'splice', 'salt', 'swap_lines', 'repeat_block', 'nest', 'long_token', 'truncate'] as const;
export type PolicyMutation = (typeof MUTATIONS)[number];

function mutateOnce(text: string, others: readonly string[], rng: Rng, kind: PolicyMutation): string {
  const at = rng.int(text.length + 1);
  const span = rng.int(Math.min(200, text.length - at) + 1);
  switch (kind) {
    case 'cut':
      return text.slice(0, at) + text.slice(at + span);
    case 'duplicate':
      return text.slice(0, at + span) + text.slice(at, at + span) + text.slice(at + span);
    case 'splice': {
      const other = rng.pick(others);
      const from = rng.int(other.length + 1);
      return text.slice(0, at) + other.slice(from, from + rng.int(400)) + text.slice(at);
    }
    case 'salt':
      return text.slice(0, at) + rng.pick(SALT) + text.slice(at);
    case 'swap_lines': {
      const lines = text.split('\n');
      const a = rng.int(lines.length);
      const b = rng.int(lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'repeat_block': {
      // A rule or line repeated until the input is near the size bound.
      const block = text.slice(at, at + Math.max(1, span)) || 'x';
      const times = Math.max(1, Math.floor((MAX_INPUT - text.length) / block.length));
      return text.slice(0, at) + block.repeat(rng.pick([2, 10, times])) + text.slice(at);
    }
    case 'nest': {
      const depth = rng.pick([10, 100, 1_000, 10_000]);
      const open = rng.pick(['(', '[', '{', 'not ']);
      const close = open === '(' ? ')' : open === '[' ? ']' : open === '{' ? '}' : '';
      return `${text.slice(0, at)}${open.repeat(depth)}x${close.repeat(rng.int(2) === 0 ? depth : 0)}${text.slice(at)}`;
    }
    case 'long_token':
      return text.slice(0, at) + rng.pick(['a', '9', '"', '_', 'é']).repeat(rng.pick([100, 5_000, 30_000])) + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    default:
      throw new Error(`unknown mutation ${String(kind satisfies never)}`);
  }
}

export interface Mutant {
  readonly base: string;
  readonly mutations: readonly PolicyMutation[];
  readonly text: string;
}

/** `count` mutants of the corpus for `seed`, each at most MAX_INPUT characters. */
export function* mutants(seed: number, count: number): Generator<Mutant> {
  const files = corpus();
  const texts = files.map((f) => f.text);
  const rng = new Rng(seed);
  for (let i = 0; i < count; i += 1) {
    const base = files[i % files.length]!;
    let text = base.text;
    const mutations: PolicyMutation[] = [];
    for (let n = 1 + rng.int(4); n > 0; n -= 1) {
      const kind = rng.pick(MUTATIONS);
      mutations.push(kind);
      text = mutateOnce(text, texts, rng, kind).slice(0, MAX_INPUT);
    }
    yield { base: base.file, mutations, text };
  }
}
