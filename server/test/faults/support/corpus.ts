import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzCase, Keys } from './fuzzCases.js';

// A corpus entry is one request that once made the server fail, kept as a file and replayed by
// corpus.test.ts forever after. Keys are placeholders ({decision_key}, {admin_key}) so entries
// work against any fresh server; the body is base64, as it may not be valid UTF-8.

export interface CorpusEntry {
  readonly what: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body_base64: string | null;
  /** What the server answered when the entry was found (a status of 0: the connection failed). */
  readonly seen: { readonly status: number; readonly body: string };
}

export function toCorpusEntry(fuzzCase: FuzzCase, keys: Keys, status: number, body: string): CorpusEntry {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fuzzCase.headers)) {
    headers[name] = value.replaceAll(keys.decision, '{decision_key}').replaceAll(keys.admin, '{admin_key}');
  }
  return {
    what: `${fuzzCase.operation} [${fuzzCase.mutation}]`,
    method: fuzzCase.method,
    url: fuzzCase.url,
    headers,
    body_base64: fuzzCase.body === null ? null : fuzzCase.body.toString('base64'),
    seen: { status, body },
  };
}

export function readCorpus(folder: string): Array<{ file: string; entry: CorpusEntry }> {
  return readdirSync(folder).filter((file) => file.endsWith('.json')).sort().map((file) => ({
    file,
    entry: JSON.parse(readFileSync(join(folder, file), 'utf8')) as CorpusEntry,
  }));
}

export function withKeys(entry: CorpusEntry, keys: Keys): { method: string; url: string; headers: Record<string, string>; body: Buffer | null } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers)) {
    headers[name] = value.replaceAll('{decision_key}', keys.decision).replaceAll('{admin_key}', keys.admin);
  }
  return { method: entry.method, url: entry.url, headers, body: entry.body_base64 === null ? null : Buffer.from(entry.body_base64, 'base64') };
}
