// Regions — finite unions of boxes — and the operations on them. Every operation counts its
// work against a budget and every result against a size cap; past either the analysis throws
// InconclusiveError instead of answering slowly or approximately. Budgets count box
// operations, not time, so the same policy always gets the same answer.

import {
  boxContains,
  boxKey,
  intersectBoxes,
  makeBox,
  mergeBoxes,
  subtractBoxes,
  UNIVERSE_BOX,
  type Box,
} from './Box.js';
import type { Space } from './Dimension.js';
import { setKey, type DimensionSet } from './DimensionSet.js';
import { InconclusiveError } from './InconclusiveError.js';
import { ratioFeasible } from './ratioFeasible.js';

export interface Region {
  readonly boxes: readonly Box[];
}

export interface Limits {
  /** Largest number of boxes any region may hold. */
  readonly maxBoxes: number;
  /** Box operations allowed for one question (one rule's shadowing, one diff). */
  readonly maxWork: number;
  /** Box operations allowed for one call of a public entry point, over all its questions. */
  readonly maxTotalWork?: number;
}

/**
 * About a second of work per question at most, a few seconds per call, on a laptop. Regions
 * past 4,096 boxes cost more to simplify than the work count shows (a 1 KB condition of sixteen
 * either-or tests took two seconds to reach 20,000 boxes), so that is where a question stops.
 */
export const DEFAULT_LIMITS: Limits = { maxBoxes: 4_096, maxWork: 1_000_000, maxTotalWork: 4_000_000 };

/** Work shared by the algebras of one public call. */
export class WorkMeter {
  spent = 0;
  constructor(readonly limit: number) {}
}

/** Below this size a region is also cleared of boxes contained in others (quadratic). */
const CONTAINMENT_PASS_LIMIT = 300;

export const EMPTY_REGION: Region = { boxes: [] };

export class RegionAlgebra {
  private work = 0;

  constructor(
    readonly space: Space,
    readonly limits: Limits = DEFAULT_LIMITS,
    private readonly meter: WorkMeter = new WorkMeter(limits.maxTotalWork ?? limits.maxWork),
  ) {}

  full(): Region {
    return { boxes: [UNIVERSE_BOX] };
  }

  empty(): Region {
    return EMPTY_REGION;
  }

  /** The box of the given constraints, as a region (empty when a constraint is). */
  box(constraints: Iterable<readonly [string, DimensionSet]>): Region {
    const box = makeBox(this.space, constraints);
    return box === null ? EMPTY_REGION : { boxes: [box] };
  }

  isEmpty(region: Region): boolean {
    return region.boxes.length === 0;
  }

  union(...regions: readonly Region[]): Region {
    return this.simplify(regions.flatMap((r) => r.boxes));
  }

  intersect(a: Region, b: Region): Region {
    if (a.boxes.length === 0 || b.boxes.length === 0) return EMPTY_REGION;
    this.spend(a.boxes.length * b.boxes.length);
    const out: Box[] = [];
    for (const x of a.boxes) {
      for (const y of b.boxes) {
        const both = intersectBoxes(this.space, x, y);
        if (both !== null) out.push(both);
      }
      this.checkSize(out.length);
    }
    return this.simplify(out);
  }

  intersectAll(regions: readonly Region[]): Region {
    // Smallest first: intermediate products stay as small as they can.
    const sorted = [...regions].sort((x, y) => x.boxes.length - y.boxes.length);
    let acc = this.full();
    for (const region of sorted) {
      acc = this.intersect(acc, region);
      if (acc.boxes.length === 0) break;
    }
    return acc;
  }

  subtract(a: Region, b: Region): Region {
    let current: readonly Box[] = a.boxes;
    let changed = false;
    for (const cut of b.boxes) {
      if (current.length === 0) break;
      this.spend(current.length);
      // A cut that meets no box changes nothing: skip the split and the simplification.
      const hit = current.findIndex((box) => intersectBoxes(this.space, box, cut) !== null);
      if (hit < 0) continue;
      changed = true;
      const next: Box[] = current.slice(0, hit);
      for (let i = hit; i < current.length; i++) next.push(...subtractBoxes(this.space, current[i]!, cut));
      this.checkSize(next.length);
      // The quadratic containment pass waits for the end; merging keeps the pieces few meanwhile.
      current = this.simplify(next, false).boxes;
    }
    return changed ? this.simplify(current) : a;
  }

  complement(a: Region): Region {
    return this.subtract(this.full(), a);
  }

  /** Whether every input of `inner` lies in `outer`. */
  covers(outer: Region, inner: Region): boolean {
    return this.isEmpty(this.subtract(inner, outer));
  }

  /** Box operations spent so far (for tests and diagnostics). */
  spent(): number {
    return this.work;
  }

  private spend(amount: number): void {
    this.work += amount;
    this.meter.spent += amount;
    if (this.work > this.limits.maxWork) throw new InconclusiveError(`more than ${this.limits.maxWork} box operations`);
    if (this.meter.spent > this.meter.limit) throw new InconclusiveError(`more than ${this.meter.limit} box operations in all`);
  }

  private checkSize(size: number): void {
    if (size > this.limits.maxBoxes) throw new InconclusiveError(`a region of more than ${this.limits.maxBoxes} boxes`);
  }

  /**
   * Drops duplicates and boxes no request can reach (ratioFeasible.ts), merges boxes that differ
   * on one dimension, and (when small) drops contained boxes.
   */
  private simplify(boxes: readonly Box[], dropContained = true): Region {
    let current = dedupe(boxes);
    if (this.space.hasRatios()) current = current.filter((box) => ratioFeasible(this.space, box));
    this.spend(current.length);
    current = this.mergeAlongDimensions(current);
    if (dropContained && current.length <= CONTAINMENT_PASS_LIMIT && current.length > 1) {
      this.spend(current.length * current.length);
      current = current.filter(
        (box, i) =>
          !current.some((other, j) => j !== i && boxContains(this.space, other, box) && (!boxContains(this.space, box, other) || j < i)),
      );
    }
    this.checkSize(current.length);
    return { boxes: current };
  }

  private mergeAlongDimensions(boxes: readonly Box[]): Box[] {
    let current = [...boxes];
    let changed = true;
    // Each merge removes a box, so this ends; a few rounds catch merges enabled by earlier ones.
    for (let round = 0; changed && round < 4 && current.length > 1; round++) {
      changed = false;
      const keySet = new Set<string>();
      for (const box of current) for (const key of box.keys()) keySet.add(key);
      const keys = [...keySet].sort();
      // Per box, one hash per dimension and their sum; boxes never change, merged ones are new.
      const rows = new Map<Box, { readonly hashes: number[]; readonly total: number }>();
      const rowOf = (box: Box): { readonly hashes: number[]; readonly total: number } => {
        let row = rows.get(box);
        if (row === undefined) {
          const hashes = keys.map((k, i) => dimensionHash(box, k, i));
          row = { hashes, total: hashes.reduce((sum, h) => (sum + h) | 0, 0) };
          rows.set(box, row);
        }
        return row;
      };
      for (let index = 0; index < keys.length; index++) {
        // Boxes that agree on every dimension but `key` share a signature: the sum of the
        // other dimensions' hashes. Hash collisions are harmless, since mergeBoxes checks.
        const groups = new Map<number, Box[]>();
        current.forEach((box) => {
          const row = rowOf(box);
          const signature = (row.total - row.hashes[index]!) | 0;
          const group = groups.get(signature);
          if (group === undefined) groups.set(signature, [box]);
          else group.push(box);
        });
        if (groups.size === current.length) continue;
        const next: Box[] = [];
        for (const group of groups.values()) {
          const merged: Box[] = [];
          for (const box of group) {
            let absorbed = false;
            for (let m = 0; m < merged.length && !absorbed; m++) {
              const union = mergeBoxes(this.space, merged[m]!, box);
              if (union !== null) {
                merged[m] = union;
                absorbed = true;
              }
            }
            if (!absorbed) merged.push(box);
          }
          next.push(...merged);
        }
        this.spend(current.length);
        if (next.length < current.length) changed = true;
        current = next;
      }
    }
    return current;
  }
}

const setHashes = new WeakMap<DimensionSet, number>();

/** A 32-bit hash of one dimension's set in a box, salted with the dimension's position. */
function dimensionHash(box: Box, key: string, position: number): number {
  const set = box.get(key);
  let hash = 0x2545f491;
  if (set !== undefined) {
    const known = setHashes.get(set);
    if (known !== undefined) hash = known;
    else {
      const text = setKey(set);
      hash = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      setHashes.set(set, hash);
    }
  }
  return Math.imul(hash ^ Math.imul(position + 1, 0x9e3779b1), 0x85ebca6b) | 0;
}

function dedupe(boxes: readonly Box[]): Box[] {
  const seen = new Set<string>();
  const out: Box[] = [];
  for (const box of boxes) {
    const key = boxKey(box);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(box);
  }
  return out;
}
