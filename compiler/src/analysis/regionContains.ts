// Whether a concrete request lies in a region: the request is read the way the runtime reads
// it (runtime/src/readInput.ts) and mapped to one point per dimension. Ratio axes get the
// request's exact ratio. Used by tests to hold the algebra against the runtime, and handy when
// debugging a region.

import type { DecisionInput } from '@axiru/runtime';
import type { Box } from './Box.js';
import { LIST_GIVEN, MEMBER_IN, MEMBER_OUT, type Dimension, type Space } from './Dimension.js';
import type { DimensionSet } from './DimensionSet.js';
import type { Region } from './Region.js';

type Point = number | string | undefined | { readonly part: bigint; readonly whole: bigint };

function listValues(record: Readonly<Record<string, unknown>>, list: string): readonly unknown[] | undefined {
  const lists = record['lists'];
  if (typeof lists !== 'object' || lists === null || !Object.prototype.hasOwnProperty.call(lists, list)) return undefined;
  const values = (lists as Record<string, unknown>)[list];
  return values instanceof Set ? [...(values as Set<unknown>)] : Array.isArray(values) ? values : undefined;
}

function read(input: DecisionInput, dimension: Dimension, space: Space): Point {
  const record = input as Readonly<Record<string, unknown>>;
  const target = dimension.target;
  switch (target.kind) {
    case 'currency': {
      const value = record['currency'];
      return typeof value === 'string' ? value.toUpperCase() : 'USD';
    }
    case 'money': {
      const value = record[target.input];
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
    }
    case 'count': {
      const value = record[target.input];
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
    }
    case 'days': {
      const value = record[target.input];
      // Exact only when days * 24 is; callers pass durations that are (k / 2^j days).
      return typeof value === 'number' && value >= 0 && value < Infinity ? value * 24 : undefined;
    }
    case 'symbol': {
      const value = record[target.input];
      return typeof value === 'string' ? value : undefined;
    }
    case 'metadata': {
      const metadata = record['metadata'];
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
      if (!Object.prototype.hasOwnProperty.call(metadata, target.key)) return undefined;
      const value = (metadata as Record<string, unknown>)[target.key];
      return typeof value === 'string' ? value : undefined;
    }
    case 'time': {
      const value = record[target.input];
      const match = typeof value === 'string' ? /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(value) : null;
      return match === null ? undefined : Number(match[1]) * 60 + Number(match[2]);
    }
    case 'list':
      return listValues(record, target.list) === undefined ? undefined : LIST_GIVEN;
    case 'membership': {
      // Where the list or the subject is missing no atom looks at membership: read it as `out`.
      const values = listValues(record, target.list);
      const subject = read(input, space.get(target.subject), space);
      return values !== undefined && typeof subject === 'string' && values.includes(subject) ? MEMBER_IN : MEMBER_OUT;
    }
    case 'ratio': {
      const part = read(input, space.get(target.field), space);
      const whole = read(input, space.get(target.of), space);
      if (typeof part !== 'number' || typeof whole !== 'number') return undefined;
      return { part: BigInt(part), whole: BigInt(whole) };
    }
  }
}

/** Sign of 100 * part / whole - bound; a zero whole counts as an infinite ratio. */
function compareRatio(point: { part: bigint; whole: bigint }, bound: number): number {
  if (!Number.isFinite(bound)) return bound > 0 ? -1 : 1;
  if (point.whole === 0n) return 1;
  const left = point.part * 100n;
  const right = BigInt(bound) * point.whole;
  return left === right ? 0 : left < right ? -1 : 1;
}

function inSet(set: DimensionSet, point: Point): boolean {
  if (point === undefined) return set.missing;
  if (set.kind === 'symbol') return typeof point === 'string' && set.values.includes(point) !== set.exclude;
  return set.intervals.some((part) => {
    const low = typeof point === 'object' ? compareRatio(point, part.lo) : Math.sign((point as number) - part.lo);
    const high = typeof point === 'object' ? compareRatio(point, part.hi) : Math.sign((point as number) - part.hi);
    return (part.loOpen ? low > 0 : low >= 0) && (part.hiOpen ? high < 0 : high <= 0);
  });
}

function boxContainsInput(space: Space, box: Box, input: DecisionInput): boolean {
  for (const [key, set] of box) {
    const dimension = space.get(key);
    const point = read(input, dimension, space);
    // A ratio axis has no "missing": where a money field is missing, the atoms on it do not look at it.
    if (dimension.target.kind === 'ratio' && point === undefined) continue;
    if (!inSet(set, point)) return false;
  }
  return true;
}

export function regionContains(space: Space, region: Region, input: DecisionInput): boolean {
  return region.boxes.some((box) => boxContainsInput(space, box, input));
}
