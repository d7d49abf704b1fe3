// One-shot SHA-256 for the audit hot paths. crypto.hash (Node 20.12+) skips the Hash object
// that createHash builds, which is most of the cost of hashing a 33- or 65-byte Merkle input
// and a third of hashing a 1 KB record; older Node 20 releases fall back to createHash.

import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
const oneShot = (crypto as { hash?: OneShot }).hash;

export const sha256: (data: Uint8Array) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();
