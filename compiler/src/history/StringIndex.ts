// A compact map from strings (customer and charge ids) to dense numbers 0, 1, 2, ..., so that
// per-customer facts can live in typed arrays. A history of a million refunds has close to a
// million customers and charges; as a Map<string, number> each costs about 100 bytes of small
// heap objects that every garbage collection walks, here about 40 bytes in a few typed arrays
// that it does not. Keys are stored as bytes (Latin-1; ids are ASCII); the rare key with a
// character above U+00FF goes to an ordinary Map.

const EMPTY = 0;

export class StringIndex {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private starts = new Int32Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  /** Open addressing, linear probing: slot -> index + 1 (0 is empty). Load kept under 1/2. */
  private slots = new Int32Array(1 << 11);
  private mask = (1 << 11) - 1;
  private readonly wide = new Map<string, number>();
  private count = 0;

  /** How many distinct strings have an index. */
  get size(): number {
    return this.count;
  }

  /** The index of `key`, or -1 when it has none. */
  get(key: string): number {
    const h = hash(key);
    if (h < 0) return this.wide.get(key) ?? -1;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot] as number;
      if (entry === EMPTY) return -1;
      if (this.equals(entry - 1, key)) return entry - 1;
    }
  }

  /** The index of `key`, giving it the next one when it has none. */
  intern(key: string): number {
    const h = hash(key);
    if (h < 0) {
      let index = this.wide.get(key);
      if (index === undefined) this.wide.set(key, (index = this.add(null)));
      return index;
    }
    let slot = h & this.mask;
    for (; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot] as number;
      if (entry === EMPTY) break;
      if (this.equals(entry - 1, key)) return entry - 1;
    }
    const index = this.add(key);
    this.slots[slot] = index + 1;
    if (this.count * 2 > this.mask) this.rehash();
    return index;
  }

  private add(key: string | null): number {
    const index = this.count++;
    if (index === this.starts.length) {
      this.starts = grow(this.starts, this.starts.length * 2);
      this.lengths = grow(this.lengths, this.lengths.length * 2);
    }
    if (key === null) {
      this.lengths[index] = -1;
      return index;
    }
    while (this.used + key.length > this.bytes.length) this.bytes = grow(this.bytes, this.bytes.length * 2);
    this.starts[index] = this.used;
    this.lengths[index] = key.length;
    for (let i = 0; i < key.length; i++) this.bytes[this.used + i] = key.charCodeAt(i);
    this.used += key.length;
    return index;
  }

  private equals(index: number, key: string): boolean {
    if (this.lengths[index] !== key.length) return false;
    const start = this.starts[index] as number;
    for (let i = 0; i < key.length; i++) if (this.bytes[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let index = 0; index < this.count; index++) {
      const length = this.lengths[index] as number;
      if (length < 0) continue;
      const start = this.starts[index] as number;
      let slot = hashBytes(this.bytes, start, length) & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** FNV-1a, 32-bit, over the character codes; -1 when a character does not fit a byte. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  let wide = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    wide |= c;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return wide > 0xff ? -1 : h >>> 0;
}

function hashBytes(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/** A copy of `array` with room for `size` elements. */
export function grow<T extends Int32Array | Uint8Array | Float64Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}
