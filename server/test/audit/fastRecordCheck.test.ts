import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalJson, type JsonValue } from '@axiru/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundleBytes, verifyBundleFile, type VerifyOptions } from '../../src/audit/BundleVerifier.js';
import { hashChildren, hashLeaf, rootOf } from '../../src/audit/merkle.js';
import { MerkleFrontier } from '../../src/audit/MerkleFrontier.js';
import { recordLeafHash, recordLine } from '../../src/audit/recordLine.js';
import { checkRecordLine, RecordLineReader } from '../../src/audit/recordLineCheck.js';
import { bundleKey, bundleOf, forgedBundle, ORG, plainContent, seal, sha, type Content, type RecordFields } from './sealedBundle.js';

// The verifier's fast record check reads the envelope by position and never parses the body.
// These tests hold it to the strict check: same answer on every line it accepts, every line it
// refuses handed to the strict check, and a whole bundle reported exactly as strictly.

const options: VerifyOptions = { trustedKeys: [bundleKey.publicKey] };

/** Lines whose strings hold what the fast path must read around, and some it must refuse. */
const AWKWARD: Content[] = [
  // "hash" keys nested in the body, at the end of the body too, with 64-hex string values.
  { ...plainContent(1), body: { a: { hash: 'f'.repeat(64), intent_id: null }, hash: 'e'.repeat(64) } },
  { ...plainContent(2), body: [{ hash: '0'.repeat(64), kind: 'x', org_id: ORG, prev_hash: '1'.repeat(64), seq: 9, time: 't' }] },
  // Escaped quotes and backslashes in the body, including the bytes of a whole fake tail.
  { ...plainContent(3), body: { note: '","hash":"' + 'a'.repeat(64) + '","intent_id":null,"kind":"k"}', path: 'C:\\x\\"y"' } },
  // Escapes in the actor and the tail (the fast path hands these to the strict check).
  { ...plainContent(4), actor: 'user:"quoted"' },
  { ...plainContent(5), kind: 'decision\\with backslash' },
  { ...plainContent(6), time: 'line\nbreak' },
  { ...plainContent(7), intent_id: 'a"b' },
  // Text beyond ASCII in the tail and the body; an integer-like key JavaScript reorders.
  { ...plainContent(8), kind: 'décision ☕', body: { '10': 'x', '9': 'y', note: 'café 😀 \u2028' } },
  { ...plainContent(9), intent_id: null },
  { ...plainContent(10), actor: '' },
  { ...plainContent(11), body: null },
];

describe('the record leaf', () => {
  it('is SHA-256(0x00 || the 32 bytes of the record hash), not of the line', () => {
    const [record] = seal([plainContent(1)]);
    const expected = sha(Buffer.from([0x00]), Buffer.from(record!.hash, 'hex'));
    expect(recordLeafHash(record!).equals(expected)).toBe(true);
    expect(recordLeafHash(record!).equals(sha(Buffer.from([0x00]), Buffer.from(recordLine(record!))))).toBe(false);
    expect(() => recordLeafHash({ hash: 'ABCD' })).toThrow(/64 lower-case hex/);
  });

  it('leaf and node hashing agree with a plain SHA-256 for every input length', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 30, maxLength: 34 }), fc.uint8Array({ minLength: 30, maxLength: 34 }),
      (leaf, left, right) => {
        expect(hashLeaf(leaf).equals(sha(Buffer.from([0x00]), leaf))).toBe(true);
        expect(hashChildren(left, right).equals(sha(Buffer.from([0x01]), left, right))).toBe(true);
      }), { numRuns: 300 });
  });

  it('a frontier fed without keeping subtrees has the same root and node coordinates', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
    for (let split = 0; split <= leaves.length; split += 7) {
      const pushed = new MerkleFrontier();
      const appended = new MerkleFrontier();
      leaves.forEach((leaf, i) => {
        if (i < split) pushed.pushLeafHash(leaf);
        else expect(pushed.appendLeafHash(leaf)).toEqual(appended.appendLeafHash(leaf));
        if (i < split) appended.appendLeafHash(leaf);
        expect(pushed.root().equals(rootOf(leaves.slice(0, i + 1)))).toBe(true);
      });
    }
  });
});

describe('the fast record check', () => {
  const reader = new RecordLineReader(ORG);
  const records = seal([...Array.from({ length: 20 }, (_, i) => plainContent(i)), ...AWKWARD]);

  it('gives the strict check\'s answer on every exported line, fast where no escape is in the envelope', () => {
    let fast = 0;
    for (const record of records) {
      const line = Buffer.from(recordLine(record), 'utf8');
      const strict = checkRecordLine(line, ORG);
      expect(strict.problem, recordLine(record)).toBeNull();
      expect(reader.check(line)).toEqual(strict);
      const packed = Buffer.alloc(96);
      const seq = reader.tryFast(line, packed, 0);
      if (seq !== 0) {
        fast += 1;
        expect(seq).toBe(record.seq);
        expect(packed.equals(Buffer.concat([strict.hash, strict.prevHash, strict.leaf]))).toBe(true);
      }
    }
    // Only the four lines with an escape in the actor or the tail take the strict check.
    expect(fast).toBe(records.length - 4);
    for (const i of [3, 4, 5, 6]) expect(reader.tryFast(Buffer.from(recordLine(records[20 + i]!), 'utf8'), Buffer.alloc(96), 0)).toBe(0);
  });

  it('refuses lines of another shape and leaves them to the strict check', () => {
    const record = records[2]!;
    const line = recordLine(record);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const { hash: _hash, ...content } = parsed;
    const variants: [string, string][] = [
      ['key order', `{${Object.entries(parsed).reverse().map(([key, value]) => `${JSON.stringify(key)}:${canonicalJson(value as JsonValue)}`).join(',')}}`],
      ['whitespace', line.replace('"kind":', '"kind": ')],
      ['another org', recordLine({ ...record, org_id: 'org_other' })],
      ['a leading zero', line.replace(`"seq":${record.seq},`, `"seq":0${record.seq},`)],
      ['seq as a string', line.replace(`"seq":${record.seq},`, `"seq":"${record.seq}",`)],
      ['upper-case hex', line.replace(record.hash, record.hash.toUpperCase())],
      ['a missing field', canonicalJson({ ...content, hash: record.hash, time: undefined } as unknown as JsonValue)],
      ['an extra field', canonicalJson({ ...parsed, zzz: 1 } as JsonValue)],
      ['trailing bytes', `${line} `],
    ];
    for (const [what, text] of variants) {
      const bytes = Buffer.from(text, 'utf8');
      expect(reader.tryFast(bytes, Buffer.alloc(96), 0), what).toBe(0);
      const strict = checkRecordLine(bytes, ORG);
      expect(strict.problem, what).not.toBeNull();
      expect(reader.check(bytes), what).toEqual(strict);
    }
  });

  it('agrees with the strict check on thousands of single-byte changes', () => {
    const lines = records.map((record) => Buffer.from(recordLine(record), 'utf8'));
    fc.assert(fc.property(fc.nat(lines.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, offset, mask) => {
      const bytes = Buffer.from(lines[which]!);
      bytes[offset % bytes.length]! ^= mask;
      const strict = checkRecordLine(bytes, ORG);
      expect(strict.problem).not.toBeNull();
      expect(reader.check(bytes)).toEqual(strict);
    }), { numRuns: 3000 });
  });
});

const dir = mkdtempSync(join(tmpdir(), 'axiru-fast-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a bundle through the fast check', () => {
  const records = seal([...Array.from({ length: 30 }, (_, i) => plainContent(i)), ...AWKWARD]);

  it('verifies, with the same report as the strict check', () => {
    const bundle = bundleOf(records);
    const report = verifyBundleBytes(bundle, options);
    expect(report).toMatchObject({ ok: true, records: records.length, checkpoints: Math.ceil(records.length / 8) });
    expect(report).toEqual(verifyBundleBytes(bundle, { ...options, strict: true }));
  });

  it('names a non-canonical record whose hash was recomputed over its bytes, as the strict check does', () => {
    // Record 11 rewritten with a space in its body and every later record re-hashed: the
    // chain is consistent, the fast check accepts each line by its hash, and only the strict
    // re-run after the checkpoint mismatch can say which record is not canonical.
    const target = 10;
    const spaced = (record: RecordFields): string => {
      const line = recordLine(record);
      return record.seq === target + 1 ? line.replace('"amount_cents":', '"amount_cents": ') : line;
    };
    const bytes = forgedBundle(records, target, spaced);
    const forgedLines = bytes.toString('utf8').split('\n');
    const line = forgedLines.findIndex((text) => text.includes(`"seq":${target + 1},`));
    expect(new RecordLineReader(ORG).tryFast(Buffer.from(forgedLines[line]!, 'utf8'), Buffer.alloc(96), 0)).toBe(target + 1);

    const report = verifyBundleBytes(bytes, options);
    expect(report).toMatchObject({ ok: false, first_bad_seq: target + 1, line: line + 1 });
    expect(report.problem).toMatch(/not in canonical form/);
    expect(report).toEqual(verifyBundleBytes(bytes, { ...options, strict: true }));
    const file = join(dir, 'non-canonical.jsonl');
    writeFileSync(file, bytes);
    expect(verifyBundleFile(file, options)).toEqual(report);
  });

  it('names reordered keys and a changed nested "hash" at their record', () => {
    const reordered = (record: RecordFields): string => {
      const line = recordLine(record);
      if (record.seq !== 5) return line;
      // "kind" before "intent_id": still a record line to look at, but not in key order.
      const parsed = JSON.parse(line) as Record<string, JsonValue>;
      const order = ['actor', 'body', 'hash', 'kind', 'intent_id', 'org_id', 'prev_hash', 'seq', 'time'];
      return `{${order.map((key) => `${JSON.stringify(key)}:${canonicalJson(parsed[key]!)}`).join(',')}}`;
    };
    const bytes = bundleOf(records, reordered);
    const report = verifyBundleBytes(bytes, options);
    expect(report).toMatchObject({ ok: false, first_bad_seq: 5 });
    expect(report.problem).toMatch(/exactly the fields of a record/);

    const nested = records.find((record) => record.body.includes('"hash":"eeee'))!;
    const edited = bundleOf(records, (record) => (record === nested ? recordLine(record).replace('"hash":"eeee', '"hash":"eeef') : recordLine(record)));
    const nestedReport = verifyBundleBytes(edited, options);
    expect(nestedReport).toMatchObject({ ok: false, first_bad_seq: nested.seq });
    expect(nestedReport.problem).toMatch(/does not match its hash/);
  });

  it('the built parallel verifier gives the same reports (needs `npx tsc -b` first)', async () => {
    const built = new URL('../../dist/audit/verifyBundleParallel.js', import.meta.url);
    const { verifyBundleParallel } = await import(built.href) as typeof import('../../src/audit/verifyBundleParallel.js');
    const file = join(dir, 'parallel.jsonl');
    const good = bundleOf(records);
    writeFileSync(file, good);
    expect(await verifyBundleParallel(file, options, { workers: 2, blockBytes: 2048 })).toEqual(verifyBundleBytes(good, options));
    const spaced = (record: RecordFields): string => (record.seq === 17 ? recordLine(record).replace('"ticket":', ' "ticket":') : recordLine(record));
    const bad = forgedBundle(records, 16, spaced);
    writeFileSync(file, bad);
    const report = await verifyBundleParallel(file, options, { workers: 2, blockBytes: 2048 });
    expect(report).toEqual(verifyBundleBytes(bad, options));
    expect(report).toMatchObject({ ok: false, first_bad_seq: 17 });
    expect(report.problem).toMatch(/not in canonical form/);
  });
});
