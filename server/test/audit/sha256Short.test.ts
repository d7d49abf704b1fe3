import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Leaf } from '../../src/audit/sha256Short.js';

// The one-block SHA-256 of an RFC 6962 leaf over 32 bytes, held to node:crypto.

const reference = (value: Uint8Array): Buffer => createHash('sha256').update(Buffer.from([0x00])).update(value).digest();

describe('sha256Leaf', () => {
  it('matches known answers', () => {
    // FIPS 180-4's "abc" example digest, then the leaf over it; a leaf over 00 01 … 1f; over ff…ff.
    const abc = Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex');
    expect(createHash('sha256').update('abc').digest().equals(abc)).toBe(true);
    const cases: [Buffer, string][] = [
      [abc, '8a7deab2cc5ee003b6394337538a52b3198f1a6ddeb10c7daf62fe1c9834b43b'],
      [Buffer.from(Array.from({ length: 32 }, (_, i) => i)), '699cacdb4c39d8e0bb1223352765a7f7acdc51dec6694f7b54c3d0a47f0cc409'],
      [Buffer.alloc(32, 0xff), '5e16d316ecd5773e50c3b02737d424192b02f25b4245822079181c557aafda7d'],
    ];
    for (const [value, expected] of cases) {
      const out = new Uint8Array(32);
      sha256Leaf(value, 0, out, 0);
      expect(Buffer.from(out).toString('hex')).toBe(expected);
    }
  });

  it('agrees with node:crypto on random values at any offsets, written in place or apart', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 80 }), fc.nat(), fc.nat(), fc.uint8Array({ minLength: 32, maxLength: 80 }),
      (source, at, outAt, outBytes) => {
        const from = at % (source.length - 31);
        const value = source.slice(from, from + 32);
        const expected = reference(value);
        // Into a separate array, leaving its other bytes alone.
        const out = outBytes.slice();
        const to = outAt % (out.length - 31);
        sha256Leaf(source, from, out, to);
        expect(Buffer.from(out.subarray(to, to + 32)).equals(expected)).toBe(true);
        expect(Buffer.from(out.subarray(0, to)).equals(Buffer.from(outBytes.subarray(0, to)))).toBe(true);
        expect(Buffer.from(out.subarray(to + 32)).equals(Buffer.from(outBytes.subarray(to + 32)))).toBe(true);
        // Over its own input, as the verifier writes a leaf next to (or onto) a record hash.
        const shared = source.slice();
        sha256Leaf(shared, from, shared, from);
        expect(Buffer.from(shared.subarray(from, from + 32)).equals(expected)).toBe(true);
      },
    ), { numRuns: 2000 });
  });
});
