import { randomFillSync } from 'node:crypto';

// Random bytes come from a pool refilled 256 ids at a time: one randomBytes call per id costs
// more than the rest of the id (crypto.randomUUID pools for the same reason).
const POOL = Buffer.alloc(16 * 256);
let offset = POOL.length;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Intent ids
 * are time-ordered so that every index keyed by them grows at its right edge (one page per
 * commit instead of one random page per intent), while staying unguessable.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (offset === POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(offset, offset + 16));
  offset += 16;
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
