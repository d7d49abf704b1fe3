// Reading a stream in batches: everything a stream has buffered is taken at once, so a consumer
// awaits once per chunk of the file rather than once per row (csv-parse emits a row at a time).

import type { Readable } from 'node:stream';

/** Every object a readable (object-mode) stream produces, in arrays of whatever was buffered. */
export async function* streamBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  stream.on('readable', signal);
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('error', (error) => {
    failure = error;
    signal();
  });
  try {
    for (;;) {
      const batch: T[] = [];
      let item: T | null;
      while ((item = stream.read() as T | null) !== null) batch.push(item);
      if (batch.length > 0) yield batch;
      else if (failure !== null) throw failure;
      else if (ended) return;
      // No await between read() returning null and here: an event cannot slip in unseen.
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.destroy();
  }
}

/**
 * The lines of a byte stream (LF or CRLF), in batches, each with its 1-based line number.
 * A UTF-8 byte-order mark at the start is dropped.
 */
export async function* lineBatches(chunks: AsyncIterable<Buffer>): AsyncGenerator<{ text: string; line: number }[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let line = 0;
  let first = true;
  const split = (text: string, final: boolean) => {
    const parts = text.split('\n');
    carry = final ? '' : (parts.pop() as string);
    return parts.map((part) => ({ text: part.endsWith('\r') ? part.slice(0, -1) : part, line: ++line }));
  };
  for await (const chunk of chunks) {
    let text = carry + decoder.decode(chunk, { stream: true });
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const batch = split(text, false);
    if (batch.length > 0) yield batch;
  }
  const rest = carry + decoder.decode();
  if (rest.length > 0) yield split(rest, true);
}
