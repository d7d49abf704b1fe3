import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LineBlockReader } from '../../src/audit/LineBlockReader.js';

// Workers read their blocks of a bundle on their own, so the blocks must hold every line after
// the header exactly once, in order, whole, whatever the block size and line lengths.

const dir = mkdtempSync(join(tmpdir(), 'axiru-line-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The lines after the header as the blocks hand them out, and whether each block held whole lines. */
function readAll(file: string, size: number, dataStart: number, blockBytes: number): { bytes: Buffer; whole: boolean } {
  const fd = openSync(file, 'r');
  try {
    const reader = new LineBlockReader(fd, size, dataStart, blockBytes);
    const parts: Buffer[] = [];
    let whole = true;
    let at = dataStart;
    for (let i = 0; i < reader.blocks; i += 1) {
      const { bytes, start, end } = reader.read(i);
      if (end <= start) continue;
      const block = Buffer.from(bytes.subarray(start, end));
      // Each block ends with a newline unless it holds the end of the file.
      at += block.length;
      if (at < size && block[block.length - 1] !== 10) whole = false;
      parts.push(block);
    }
    return { bytes: Buffer.concat(parts), whole };
  } finally {
    closeSync(fd);
  }
}

describe('LineBlockReader', () => {
  it('hands out every line after the header once, in order, in whole lines, for any block size', () => {
    const line = fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes.map((byte) => (byte === 10 ? 32 : byte))));
    fc.assert(fc.property(line, fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 70 }), (header, lines, trailing, blockBytes) => {
      const text = Buffer.concat([header, ...lines.flatMap((bytes, i) => (i < lines.length - 1 || trailing ? [bytes, Buffer.from('\n')] : [bytes]))].map((part, i) => (i === 0 ? Buffer.concat([part, Buffer.from('\n')]) : part)));
      const file = join(dir, 'lines.txt');
      writeFileSync(file, text);
      const dataStart = header.length + 1;
      const { bytes, whole } = readAll(file, text.length, dataStart, blockBytes);
      expect(bytes.equals(text.subarray(dataStart))).toBe(true);
      expect(whole).toBe(true);
    }), { numRuns: 500 });
  });

  it('reads on past its block for a line longer than the block, and leaves the next blocks empty', () => {
    const long = 'x'.repeat(200_000);
    const text = Buffer.from(`header\nshort\n${long}\nlast line without newline`);
    const file = join(dir, 'long.txt');
    writeFileSync(file, text);
    const fd = openSync(file, 'r');
    try {
      const reader = new LineBlockReader(fd, text.length, 7, 16);
      const first = reader.read(0);
      expect(first.bytes.subarray(first.start, first.end).toString()).toBe(`short\n${long}\n`);
      const inside = reader.read(100);
      expect(inside.end - inside.start).toBe(0);
      const rest: string[] = [];
      for (let i = 1; i < reader.blocks; i += 1) {
        const block = reader.read(i);
        if (block.end > block.start) rest.push(block.bytes.subarray(block.start, block.end).toString());
      }
      expect(rest).toEqual(['last line without newline']);
    } finally {
      closeSync(fd);
    }
  });
});
