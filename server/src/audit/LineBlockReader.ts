// Reads block `i` of a bundle file, cut at line ends, by position: so that each worker of
// verifyBundleParallel reads its own blocks and no thread reads or copies the whole file.
//
// Block i holds the lines from the first one starting after the first newline at or after
// i·B (block 0: from the first line after the header) to the first newline at or after (i+1)·B
// included (the last block: to the end of the file). Where block i ends, block i + 1 starts, so
// the blocks hold every line once, in order; a block in which no line starts (inside a line
// longer than B) is empty.

import { readSync } from 'node:fs';

/** Read past the block's nominal end at once, so that its last line is usually in hand. */
const TAIL = 64 * 1024;

export interface LineBlock {
  /** bytes[start…end) are the block's lines (the last one may lack its newline at the end of the file). */
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

export class LineBlockReader {
  private buffer: Buffer;

  /**
   * `fd` is open for reading, `size` is the file's size, `dataStart` the offset of the line
   * after the header, `blockBytes` is B.
   */
  constructor(private readonly fd: number, private readonly size: number, private readonly dataStart: number, private readonly blockBytes: number) {
    if (!(Number.isSafeInteger(blockBytes) && blockBytes > 0)) throw new RangeError(`a block of ${blockBytes} bytes`);
    this.buffer = Buffer.allocUnsafeSlow(blockBytes + TAIL);
  }

  /** How many blocks the file is cut into. */
  get blocks(): number {
    return Math.ceil(this.size / this.blockBytes);
  }

  /** Block `index`, in a buffer reused by the next call. */
  read(index: number): LineBlock {
    const from = index * this.blockBytes;
    const to = Math.min(from + this.blockBytes, this.size);
    if (from >= this.size) return { bytes: this.buffer, start: 0, end: 0 };
    // Offsets from here on are relative to `from`.
    let filled = this.fill(0, Math.min(this.size - from, to - from + TAIL), from);
    let start = 0;
    if (index > 0) {
      const newline = this.buffer.indexOf(10);
      if (newline === -1 || newline >= to - from) return { bytes: this.buffer, start: 0, end: 0 };
      start = newline + 1;
    }
    start = Math.max(start, this.dataStart - from);
    let end = this.size - from;
    if (to < this.size) {
      let searched = to - from;
      for (;;) {
        const newline = this.buffer.indexOf(10, searched);
        if (newline !== -1 && newline < filled) {
          end = newline + 1;
          break;
        }
        if (from + filled >= this.size) break;
        searched = filled;
        // A line longer than what is in hand: read on, in a buffer twice as large if need be.
        if (filled === this.buffer.length) {
          const bigger = Buffer.allocUnsafeSlow(this.buffer.length * 2);
          this.buffer.copy(bigger, 0, 0, filled);
          this.buffer = bigger;
        }
        filled = this.fill(filled, Math.min(this.size - from, this.buffer.length), from);
      }
    }
    return { bytes: this.buffer, start: Math.min(start, end), end };
  }

  /** Fills buffer[at…upTo) with the file's bytes from position from + at; returns upTo. */
  private fill(at: number, upTo: number, from: number): number {
    let filled = at;
    while (filled < upTo) {
      const read = readSync(this.fd, this.buffer, filled, upTo - filled, from + filled);
      if (read === 0) throw new Error(`the file ended at ${from + filled} bytes, before the ${this.size} it had`);
      filled += read;
    }
    return filled;
  }
}
