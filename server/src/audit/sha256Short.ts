// SHA-256 (FIPS 180-4) of an RFC 6962 leaf over a 32-byte value, SHA-256(0x00 || 32 bytes),
// written into a caller's bytes with no allocation. node:crypto answers in a new Buffer or
// string per call, and that, not the hashing, is most of what a 33-byte input costs there.
// The input plus its padding (§5.1.1) is exactly one block, whose words are read straight
// from the value. (An interior node, SHA-256(0x01 || 32 || 32), is two blocks; measured,
// node:crypto with a string answer hashes it faster than this code would, so nodes go there.)

/** §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array(64);
/** §5.3.3: the same of the square roots of the first 8 primes. */
const H0 = new Int32Array(8);
{
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n += 1) if (primes.every((p) => n % p !== 0)) primes.push(n);
  const fraction32 = (x: number): number => Math.floor((x - Math.floor(x)) * 2 ** 32) | 0;
  primes.forEach((p, i) => { K[i] = fraction32(Math.cbrt(p)); });
  for (let i = 0; i < 8; i += 1) H0[i] = fraction32(Math.sqrt(primes[i]!));
}

/** The message schedule of one block (§6.2.2 step 1). */
const w = new Int32Array(64);
const state = new Int32Array(8);

/** Expands w[0..16) (the block's words) to its full schedule. */
function schedule(): void {
  for (let t = 16; t < 64; t += 1) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (s1 + w[t - 7]! + s0 + w[t - 16]!) | 0;
  }
}

const bigSigma0 = (x: number): number => ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
const bigSigma1 = (x: number): number => ((x >>> 6) | (x << 26)) ^ ((x >>> 11) | (x << 21)) ^ ((x >>> 25) | (x << 7));

/**
 * §6.2.2 steps 2-4 on `state`, with the block's schedule in `w`. The round is
 * written out eight times, the letters a…h turning one place each time, so that after eight
 * rounds every variable is back in its role and no round copies seven words along. Ch and Maj
 * are spelled out in place: as functions, 32 call sites exceed what V8 inlines into one.
 */
function compress(): void {
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t += 8) {
    let x = (h + bigSigma1(e) + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
    d = (d + x) | 0;
    h = (x + bigSigma0(a) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    x = (g + bigSigma1(d) + ((d & e) ^ (~d & f)) + K[t + 1]! + w[t + 1]!) | 0;
    c = (c + x) | 0;
    g = (x + bigSigma0(h) + ((h & a) ^ (h & b) ^ (a & b))) | 0;
    x = (f + bigSigma1(c) + ((c & d) ^ (~c & e)) + K[t + 2]! + w[t + 2]!) | 0;
    b = (b + x) | 0;
    f = (x + bigSigma0(g) + ((g & h) ^ (g & a) ^ (h & a))) | 0;
    x = (e + bigSigma1(b) + ((b & c) ^ (~b & d)) + K[t + 3]! + w[t + 3]!) | 0;
    a = (a + x) | 0;
    e = (x + bigSigma0(f) + ((f & g) ^ (f & h) ^ (g & h))) | 0;
    x = (d + bigSigma1(a) + ((a & b) ^ (~a & c)) + K[t + 4]! + w[t + 4]!) | 0;
    h = (h + x) | 0;
    d = (x + bigSigma0(e) + ((e & f) ^ (e & g) ^ (f & g))) | 0;
    x = (c + bigSigma1(h) + ((h & a) ^ (~h & b)) + K[t + 5]! + w[t + 5]!) | 0;
    g = (g + x) | 0;
    c = (x + bigSigma0(d) + ((d & e) ^ (d & f) ^ (e & f))) | 0;
    x = (b + bigSigma1(g) + ((g & h) ^ (~g & a)) + K[t + 6]! + w[t + 6]!) | 0;
    f = (f + x) | 0;
    b = (x + bigSigma0(c) + ((c & d) ^ (c & e) ^ (d & e))) | 0;
    x = (a + bigSigma1(f) + ((f & g) ^ (~f & h)) + K[t + 7]! + w[t + 7]!) | 0;
    e = (e + x) | 0;
    a = (x + bigSigma0(b) + ((b & c) ^ (b & d) ^ (c & d))) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

function writeDigest(out: Uint8Array, outAt: number): void {
  for (let i = 0; i < 8; i += 1) {
    const word = state[i]!;
    out[outAt + 4 * i] = word >>> 24;
    out[outAt + 4 * i + 1] = (word >>> 16) & 0xff;
    out[outAt + 4 * i + 2] = (word >>> 8) & 0xff;
    out[outAt + 4 * i + 3] = word & 0xff;
  }
}

/** out[outAt…outAt+32) = SHA-256(0x00 || hash[at…at+32)): an RFC 6962 leaf over a 32-byte value.
 *  `out` may overlap the input. */
export function sha256Leaf(hash: Uint8Array, at: number, out: Uint8Array, outAt: number): void {
  // Message byte 0 is 0x00 and byte k is hash[at + k - 1], so word i (bytes 4i…4i+3, big-endian)
  // starts one byte before hash[at + 4i]; byte 33 is the padding's 0x80, the last word the
  // length in bits.
  w[0] = (hash[at]! << 16) | (hash[at + 1]! << 8) | hash[at + 2]!;
  for (let i = 1; i < 8; i += 1) {
    const p = at + 4 * i - 1;
    w[i] = (hash[p]! << 24) | (hash[p + 1]! << 16) | (hash[p + 2]! << 8) | hash[p + 3]!;
  }
  w[8] = (hash[at + 31]! << 24) | 0x00800000;
  for (let i = 9; i < 15; i += 1) w[i] = 0;
  w[15] = 33 * 8;
  schedule();
  state.set(H0);
  compress();
  writeDigest(out, outAt);
}
