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
import type { DimensionSet } from './DimensionSet.js';
import { InconclusiveError } from './InconclusiveError.js';

export interface Region {
  readonly boxes: readonly Box[];
}

export interface Limits {
  /** Largest number of boxes any region may hold. */
  readonly maxBoxes: number;
  /** Box operations allowed for one analysis (one call of a public entry point). */
  readonly maxWork: number;
}

export const DEFAULT_LIMITS: Limits = { maxBoxes: 20_000, maxWork: 4_000_000 };

/** Below this size a region is also cleared of boxes contained in others (quadratic). */
const CONTAINMENT_PASS_LIMIT = 300;

export const EMPTY_REGION: Region = { boxes: [] };

export class RegionAlgebra {
  private work = 0;

  constructor(
    readonly space: Space,
    readonly limits: Limits = DEFAULT_LIMITS,
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
    for (const cut of b.boxes) {
      if (current.length === 0) break;
      this.spend(current.length);
      const next: Box[] = [];
      for (const box of current) next.push(...subtractBoxes(this.space, box, cut));
      this.checkSize(next.length);
      current = this.simplify(next).boxes;
    }
    return { boxes: current };
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
    if (this.work > this.limits.maxWork) throw new InconclusiveError(`more than ${this.limits.maxWork} box operations`);
  }

  private checkSize(size: number): void {
    if (size > this.limits.maxBoxes) throw new InconclusiveError(`a region of more than ${this.limits.maxBoxes} boxes`);
  }

  /** Drops duplicates, merges boxes that differ on one dimension, and (when small) drops contained boxes. */
  private simplify(boxes: readonly Box[]): Region {
    let current = dedupe(boxes);
    this.spend(current.length);
    current = this.mergeAlongDimensions(current);
    if (current.length <= CONTAINMENT_PASS_LIMIT && current.length > 1) {
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
      const keys = new Set<string>();
      for (const box of current) for (const key of box.keys()) keys.add(key);
      for (const key of [...keys].sort()) {
        const groups = new Map<string, Box[]>();
        for (const box of current) {
          const rest = new Map(box);
          rest.delete(key);
          const signature = boxKey(rest);
          const group = groups.get(signature);
          if (group === undefined) groups.set(signature, [box]);
          else group.push(box);
        }
        if (groups.size === current.length) continue;
        const next: Box[] = [];
        for (const group of groups.values()) {
          let merged = group[0]!;
          for (const box of group.slice(1)) merged = mergeBoxes(this.space, merged, box) ?? merged;
          next.push(merged);
        }
        this.spend(current.length);
        changed = true;
        current = next;
      }
    }
    return current;
  }
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
