// Which rules can overlap which: an index of the rules' TRUE regions by the values they allow on
// each dimension, so that the analysis compares a rule only with rules that share some input,
// instead of with every other rule (quadratic: 4.5 s for 1,000 rules).
//
// The index over-approximates, never under-approximates: each rule is summarized per dimension
// by the union of its boxes' sets (a symbol dimension by its listed values, or "any" when some
// box excludes values or leaves the dimension free; a numeric one by the hull of its intervals),
// and two rules are candidates when these summaries meet on every dimension. Whatever the index
// keeps is then decided exactly by the region algebra, so the findings do not change; only the
// pairs known to be disjoint are skipped.

import type { Dimension, Space } from './Dimension.js';
import type { DimensionSet } from './DimensionSet.js';
import type { Region } from './Region.js';
import { FRESH, type Point } from './samplePoints.js';

/** A dimension's summary for one rule: the symbols it may take, or its numeric hull. */
type Summary =
  | { readonly kind: 'any' }
  | { readonly kind: 'symbols'; readonly values: ReadonlySet<string>; readonly missing: boolean }
  | { readonly kind: 'hull'; readonly lo: number; readonly hi: number; readonly missing: boolean };

const ANY: Summary = { kind: 'any' };
/** Words mayHold combines at a time: 512 rules. */
const BLOCK_WORDS = 16;
/** A value no symbol equals: the bucket of rules that allow the field to be missing. */
const MISSING = '\u0000missing';

export class BitSet {
  readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  /** Removes every member of `other`. */
  andNot(other: BitSet): void {
    for (let w = 0; w < this.words.length; w++) this.words[w]! &= ~other.words[w]!;
  }
  or(other: BitSet): void {
    for (let w = 0; w < this.words.length; w++) this.words[w]! |= other.words[w]!;
  }
  and(other: BitSet): void {
    for (let w = 0; w < this.words.length; w++) this.words[w]! &= other.words[w]!;
  }
  /** Becomes a copy of `other`. */
  copy(other: BitSet): void {
    this.words.set(other.words);
  }
}

function summarize(dimension: Dimension, sets: readonly (DimensionSet | undefined)[]): Summary {
  if (sets.some((set) => set === undefined)) return ANY;
  if (dimension.kind === 'symbol') {
    const values = new Set<string>();
    let missing = false;
    for (const set of sets as DimensionSet[]) {
      if (set.kind !== 'symbol' || set.exclude) return ANY;
      for (const value of set.values) values.add(value);
      missing ||= set.missing;
    }
    return { kind: 'symbols', values, missing };
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let missing = false;
  for (const set of sets as DimensionSet[]) {
    if (set.kind !== 'number') return ANY;
    for (const interval of set.intervals) {
      lo = Math.min(lo, interval.lo);
      hi = Math.max(hi, interval.hi);
    }
    missing ||= set.missing;
  }
  return { kind: 'hull', lo, hi, missing };
}

function hullsMeet(a: Summary, b: Summary): boolean {
  if (a.kind !== 'hull' || b.kind !== 'hull') return true;
  if (a.missing && b.missing) return true;
  // Closed hulls: touching ends may share a point, which the exact check then settles.
  return a.lo <= b.hi && b.lo <= a.hi;
}

export class OverlapIndex {
  private readonly size: number;
  /** Per dimension key, per rule, its summary. */
  private readonly summaries = new Map<string, Summary[]>();
  /** Symbol dimensions: value -> rules that may take it; and the rules that may take any value. */
  private readonly buckets = new Map<string, Map<string, BitSet>>();
  private readonly wildcards = new Map<string, BitSet>();
  /** Numeric dimensions' summaries, per dimension then per rule. */
  private readonly numeric: Summary[][] = [];
  /** Per rule, the numeric dimensions (positions in `numeric`) it constrains. */
  private readonly constrained: number[][];
  private readonly scratch: BitSet;
  /** mayHold's words of one block (each call fills it before reading it). */
  private readonly blockScratch = new Uint32Array(BLOCK_WORDS);
  /** By symbol dimension and values: the rules that may take one of them (meetsAny). */
  private readonly meetsCache = new Map<string, BitSet>();
  private readonly valueMeets = new Map<string, Map<string, BitSet>>();
  /** The numeric dimensions' keys, in the order of `numeric`. */
  private readonly numericKeys: string[] = [];
  private readonly numericNullable: boolean[] = [];
  private readonly numericPosition = new Map<string, number>();
  /** Per numeric dimension that may be missing, the rules that need it present (null if none). */
  private readonly needsPresent: (BitSet | null)[] = [];
  /** By the set of numeric dimensions a point gives values for: the rules that need no other. */
  private readonly presenceMasks = new Map<number | string, BitSet>();
  private readonly present: BitSet;

  /** `regions[i]` is rule i's TRUE region, or null when it is unknown (never a candidate). */
  constructor(
    private readonly space: Space,
    regions: readonly (Region | null)[],
  ) {
    this.size = regions.length;
    this.present = new BitSet(this.size);
    this.scratch = new BitSet(this.size);
    this.constrained = regions.map(() => []);
    const keys = new Set<string>();
    regions.forEach((region, i) => {
      if (region === null || region.boxes.length === 0) return;
      this.present.add(i);
      for (const box of region.boxes) for (const key of box.keys()) keys.add(key);
    });
    for (const key of [...keys].sort()) {
      const dimension = space.get(key);
      const perRule = regions.map((region) => (region === null || region.boxes.length === 0 ? ANY : summarize(dimension, region.boxes.map((box) => box.get(key)))));
      this.summaries.set(key, perRule);
      if (dimension.kind !== 'symbol') {
        perRule.forEach((summary, i) => {
          if (summary.kind === 'hull') this.constrained[i]!.push(this.numeric.length);
        });
        this.numeric.push(perRule);
        this.numericPosition.set(key, this.numericKeys.length);
        this.numericKeys.push(key);
        this.numericNullable.push(dimension.nullable);
        const needing = new BitSet(this.size);
        let any = false;
        perRule.forEach((summary, i) => {
          if (summary.kind === 'hull' && !summary.missing) {
            needing.add(i);
            any = true;
          }
        });
        this.needsPresent.push(dimension.nullable && any ? needing : null);
        continue;
      }
      const buckets = new Map<string, BitSet>();
      const wildcard = new BitSet(this.size);
      perRule.forEach((summary, i) => {
        if (summary.kind !== 'symbols') {
          wildcard.add(i);
          return;
        }
        const values = summary.missing ? [...summary.values, MISSING] : summary.values;
        for (const value of values) {
          let bucket = buckets.get(value);
          if (bucket === undefined) {
            bucket = new BitSet(this.size);
            buckets.set(value, bucket);
          }
          bucket.add(i);
        }
      });
      this.buckets.set(key, buckets);
      this.wildcards.set(key, wildcard);
    }
  }

  /**
   * Rules whose TRUE region may meet rule i's, in increasing order (i itself excluded), among
   * those before `limit` (all of them by default).
   */
  candidates(i: number, limit: number = this.size): number[] {
    const out: number[] = [];
    const mine = this.constrained[i]!;
    const numeric = this.numeric;
    const words = this.candidateSet(i).words;
    // The set's members below `limit`, read word by word (this runs for every rule).
    const last = Math.min(words.length, (limit + 31) >>> 5);
    for (let w = 0; w < last; w++) {
      let word = words[w]!;
      while (word !== 0) {
        const j = (w << 5) + 31 - Math.clz32(word & -word);
        word &= word - 1;
        if (j >= limit) return out;
        if (j === i) continue;
        let meets = true;
        for (let k = 0; k < mine.length && meets; k++) meets = hullsMeet(numeric[mine[k]!]![i]!, numeric[mine[k]!]![j]!);
        if (meets) out.push(j);
      }
    }
    return out;
  }

  /**
   * The rules that may meet rule i on every symbol dimension, as a set the caller may keep
   * until its next call (it is overwritten then). Numeric hulls are not yet applied.
   */
  candidateSet(i: number): BitSet {
    const result = this.scratch;
    result.copy(this.present);
    for (const key of this.buckets.keys()) {
      const own = this.summaries.get(key)![i]!;
      if (own.kind === 'symbols') result.and(this.meetsAny(key, own.missing ? [...own.values, MISSING] : [...own.values]));
    }
    return result;
  }

  /**
   * Rules of `within` before `limit` whose TRUE region may hold the point (samplePoints.ts), in
   * increasing order: those whose summaries allow the point's value on every dimension. A
   * dimension the point leaves out stands for whatever boxContainsPoint reads it as, so it
   * filters only where that is certain (missing on a nullable dimension, a fresh symbol on an
   * open one). Lazy, so a caller that needs one holder stops there; finish or drop one
   * iteration before starting the next (they share a scratch block).
   */
  *mayHold(point: Point, within: BitSet, limit: number = this.size): Generator<number> {
    const filters: Uint32Array[] = [within.words, this.presenceMask(point).words];
    for (const key of this.buckets.keys()) {
      const dimension = this.space.get(key);
      let value = point.get(key);
      if (value === undefined) {
        if (dimension.nullable) value = null;
        else if (dimension.kind === 'symbol' && dimension.universe === null) value = FRESH;
        else continue;
      }
      filters.push(this.meetsValue(key, value === null ? MISSING : String(value)).words);
    }
    // Block by block, strongest rules first, so a caller that needs one holder reads only the
    // blocks up to it.
    const last = Math.min(within.words.length, (limit + 31) >>> 5);
    const block = this.blockScratch;
    for (let start = 0; start < last; start += BLOCK_WORDS) {
      const end = Math.min(last, start + BLOCK_WORDS);
      const first = filters[0]!;
      for (let w = start; w < end; w++) block[w - start] = first[w]!;
      for (let f = 1; f < filters.length; f++) {
        const filter = filters[f]!;
        for (let w = start; w < end; w++) block[w - start]! &= filter[w]!;
      }
      for (let w = start; w < end; w++) {
        let word = block[w - start]!;
        while (word !== 0) {
          const j = (w << 5) + 31 - Math.clz32(word & -word);
          word &= word - 1;
          if (j >= limit) return;
          if (this.holdsOnNumbers(j, point)) yield j;
        }
      }
    }
  }

  /** Whether rule j's numeric hulls may hold the point's values. */
  private holdsOnNumbers(j: number, point: Point): boolean {
    const dimensions = this.constrained[j]!;
    for (let k = 0; k < dimensions.length; k++) {
      const d = dimensions[k]!;
      if (!hullHolds(this.numeric[d]![j]!, point.get(this.numericKeys[d]!), this.numericNullable[d]!)) return false;
    }
    return true;
  }

  /** meetsAny for one value, looked up without building a name (this runs for every point). */
  private meetsValue(key: string, value: string): BitSet {
    let byValue = this.valueMeets.get(key);
    if (byValue === undefined) this.valueMeets.set(key, (byValue = new Map()));
    let meets = byValue.get(value);
    if (meets === undefined) byValue.set(value, (meets = this.meetsAny(key, [value])));
    return meets;
  }

  /**
   * The rules that may take one of `values` on a symbol dimension: its wildcards and the values'
   * buckets. Rules and points mostly name the same few values, so each set is built once.
   */
  private meetsAny(key: string, values: readonly string[]): BitSet {
    const name = `${key}\u0001${[...values].sort().join('\u0001')}`;
    let meets = this.meetsCache.get(name);
    if (meets === undefined) {
      meets = new BitSet(this.size);
      meets.copy(this.wildcards.get(key)!);
      const buckets = this.buckets.get(key)!;
      for (const value of values) {
        const bucket = buckets.get(value);
        if (bucket !== undefined) meets.or(bucket);
      }
      this.meetsCache.set(name, meets);
    }
    return meets;
  }

  /**
   * The rules that need no numeric value the point leaves missing: points of one rule mostly
   * give values for the same dimensions, so the mask is built once per such set.
   */
  private presenceMask(point: Point): BitSet {
    const given: number[] = [];
    for (const [key, value] of point) {
      const d = this.numericPosition.get(key);
      if (d !== undefined && typeof value === 'number') given.push(d);
    }
    given.sort((a, b) => a - b);
    // Up to 31 numeric dimensions the set is a number; past that, text.
    let signature: number | string = 0;
    for (const d of given) signature = d < 31 && typeof signature === 'number' ? signature | (1 << d) : given.join(',');
    let mask = this.presenceMasks.get(signature);
    if (mask === undefined) {
      mask = new BitSet(this.size);
      mask.words.fill(0xffffffff);
      const present = new Set(given);
      this.needsPresent.forEach((needing, d) => {
        if (needing !== null && !present.has(d)) mask!.andNot(needing);
      });
      this.presenceMasks.set(signature, mask);
    }
    return mask;
  }
}

/** Whether a numeric summary may hold the point's value (a left-out value may be anything). */
function hullHolds(summary: Summary, value: number | string | null | undefined, nullable: boolean): boolean {
  if (summary.kind !== 'hull') return true;
  if (value === undefined) return !nullable || summary.missing;
  if (value === null) return summary.missing;
  return typeof value !== 'number' || (summary.lo <= value && value <= summary.hi);
}
