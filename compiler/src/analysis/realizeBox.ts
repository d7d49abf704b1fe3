// Concrete requests inside a box. Dimensions of a box are independent, so one value per
// dimension gives a point of the box — except for ratio axes, which the algebra keeps apart
// from their money fields (see Dimension.ts). Money fields tied by a constrained ratio are
// therefore chosen together by a small bounded search, in exact integer arithmetic, and may
// fail: the box then only looked non-empty. Callers evaluate every request they keep.

import { knownCurrencies, type DecisionInput } from '@axiru/runtime';
import { boxSet, type Box } from './Box.js';
import { MEMBER_IN, type Dimension, type Space } from './Dimension.js';
import type { DimensionSet } from './DimensionSet.js';
import type { Interval, NumberSet } from './Interval.js';
import { setContains } from './Interval.js';
import { freshSymbol, integerCandidates, realCandidates } from './pickValue.js';

/** A value for one dimension: a number or string, or `undefined` for "leave the field out". */
type Choice = number | string | undefined;

/** Currencies tried, in order, for "any currency but these". */
const CURRENCY_PREFERENCE = ['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'NZD', 'SGD', 'HKD'];

/** Fields a real refund request always carries, filled in even when the box does not care. */
const ALWAYS_PRESENT = new Set(['amount', 'source']);

/** Ways to choose: prefer values, or prefer leaving fields out. */
export type Preference = 'present' | 'missing';

interface RatioConstraint {
  readonly part: string;
  readonly whole: string;
  readonly set: NumberSet;
}

/** Bounds the search over money values tied by ratios. */
const MAX_SEARCH_NODES = 400;
const MAX_CANDIDATES_PER_VALUE = 8;

export function* realizeBox(space: Space, box: Box, preference: Preference, sourcePreference: readonly string[] = []): Generator<DecisionInput> {
  const dimensions = space.all();
  const ratios: RatioConstraint[] = [];
  for (const dimension of dimensions) {
    if (dimension.target.kind !== 'ratio') continue;
    const set = box.get(dimension.key);
    if (set === undefined || set.kind !== 'number') continue;
    ratios.push({ part: dimension.target.field, whole: dimension.target.of, set: set.intervals });
  }
  const tied = new Set(ratios.flatMap((r) => [r.part, r.whole]));

  const fixed = new Map<string, Choice>();
  for (const dimension of dimensions) {
    if (dimension.target.kind === 'ratio' || tied.has(dimension.key)) continue;
    fixed.set(dimension.key, chooseOne(dimension, boxSet(space, box, dimension.key), box.has(dimension.key), preference, sourcePreference));
  }

  // Wholes first: given a whole that is a multiple of 100, every closed ratio range holds an
  // integer part, while a part chosen first may leave no whole at all (100 * 5000 / 150).
  const wholeCount = (key: string): number => ratios.filter((r) => r.whole === key).length;
  const tiedKeys = [...tied].sort((x, y) => wholeCount(y) - wholeCount(x) || (x < y ? -1 : x > y ? 1 : 0));
  for (const assignment of solveRatios(space, box, tiedKeys, ratios, preference)) {
    const choices = new Map(fixed);
    for (const [key, value] of assignment) choices.set(key, value);
    yield toInput(space, choices);
  }
}

function chooseOne(
  dimension: Dimension,
  set: DimensionSet,
  constrained: boolean,
  preference: Preference,
  sourcePreference: readonly string[],
): Choice {
  const values = valueCandidates(dimension, set, sourcePreference);
  const mayLeaveOut = set.missing;
  // An unconstrained field is left out (it does not matter) unless requests always carry it.
  const wantValue = !mayLeaveOut || (preference === 'present' && (constrained || ALWAYS_PRESENT.has(dimension.key)));
  if (wantValue && values.length > 0) return values[0];
  if (mayLeaveOut) return undefined;
  return values[0];
}

/** Present values of a set, best first (at most a handful). */
function valueCandidates(dimension: Dimension, set: DimensionSet, sourcePreference: readonly string[]): Choice[] {
  if (set.kind === 'number') {
    return dimension.kind === 'integer' ? integerCandidates(dimension, set.intervals) : realCandidates(dimension, set.intervals);
  }
  if (!set.exclude) {
    if (set.values.length === 0) return [];
    const preferred = dimension.key === 'currency' ? CURRENCY_PREFERENCE : sourcePreference;
    const first = preferred.find((value) => set.values.includes(value)) ?? set.values[0];
    return [first];
  }
  if (dimension.key === 'currency') {
    const taken = new Set(set.values);
    const code = [...CURRENCY_PREFERENCE, ...knownCurrencies()].find((c) => !taken.has(c));
    return code === undefined ? [] : [code];
  }
  return [freshSymbol(dimension, set.values, dimension.key === 'source' ? sourcePreference : [])];
}

/** Assignments of the money fields tied by ratios, each satisfying every ratio constraint exactly. */
function* solveRatios(
  space: Space,
  box: Box,
  keys: readonly string[],
  ratios: readonly RatioConstraint[],
  preference: Preference,
): Generator<Map<string, Choice>> {
  if (keys.length === 0) {
    yield new Map();
    return;
  }
  let nodes = 0;
  const assignment = new Map<string, Choice>();

  function* assign(position: number): Generator<Map<string, Choice>> {
    if (nodes++ > MAX_SEARCH_NODES) return;
    if (position === keys.length) {
      yield new Map(assignment);
      return;
    }
    const key = keys[position]!;
    const dimension = space.get(key);
    const set = boxSet(space, box, key);
    for (const choice of tiedCandidates(dimension, set, key, ratios, assignment, preference)) {
      assignment.set(key, choice);
      if (ratios.every((r) => ratioHolds(r, assignment))) yield* assign(position + 1);
      assignment.delete(key);
    }
  }
  yield* assign(0);
}

function tiedCandidates(
  dimension: Dimension,
  set: DimensionSet,
  key: string,
  ratios: readonly RatioConstraint[],
  assignment: ReadonlyMap<string, Choice>,
  preference: Preference,
): Choice[] {
  if (set.kind !== 'number' || dimension.kind !== 'integer') return set.missing ? [undefined] : [];
  // Values forced by partners already chosen come first: they are the ones likely to work.
  let derived: NumberSet | undefined;
  for (const ratio of ratios) {
    const range = derivedRange(ratio, key, assignment);
    if (range === undefined) continue;
    derived = derived === undefined ? range : intersectSorted(derived, range);
  }
  const own = integerCandidates(dimension, set.intervals);
  const extra = [1, 100, 1_000, 10_000, 100_000, 1_000_000].filter((v) => setContains(set.intervals, v));
  const fromDerived = derived === undefined ? [] : integerCandidates(dimension, intersectSorted(derived, set.intervals));
  const values = [...new Set([...fromDerived, ...own, ...extra])].slice(0, MAX_CANDIDATES_PER_VALUE);
  const choices: Choice[] = preference === 'missing' && set.missing ? [undefined, ...values] : [...values];
  if (preference === 'present' && set.missing) choices.push(undefined);
  return choices;
}

function intersectSorted(a: NumberSet, b: NumberSet): NumberSet {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = Math.max(x.lo, y.lo);
      const hi = Math.min(x.hi, y.hi);
      if (lo <= hi) out.push({ lo, hi, loOpen: false, hiOpen: false });
    }
  }
  return out;
}

/**
 * The integers `key` may take so that 100 * part / whole lies in the ratio's set, given the
 * partner already chosen (one interval per interval of the set). Undefined when the partner
 * is not chosen yet, is left out, or is zero.
 */
function derivedRange(ratio: RatioConstraint, key: string, assignment: ReadonlyMap<string, Choice>): NumberSet | undefined {
  if (ratio.part !== key && ratio.whole !== key) return undefined;
  const partnerKey = ratio.part === key ? ratio.whole : ratio.part;
  const partner = assignment.get(partnerKey);
  if (typeof partner !== 'number' || !Number.isSafeInteger(partner)) return undefined;
  const out: Interval[] = [];
  for (const part of ratio.set) {
    if (!isIntegral(part.lo) || (Number.isFinite(part.hi) && !isIntegral(part.hi))) continue;
    const range = ratio.part === key ? partRange(part, BigInt(partner)) : wholeRange(part, BigInt(partner));
    if (range !== undefined) out.push(range);
  }
  return out;
}

function isIntegral(value: number): boolean {
  return Number.isSafeInteger(value);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

/** part with lo ⋚ 100 * part / whole ⋚ hi, for a fixed whole > 0. */
function partRange(ratio: Interval, whole: bigint): Interval | undefined {
  if (whole <= 0n) return undefined;
  const low = BigInt(ratio.lo) * whole;
  const min = ratio.loOpen ? floorDiv(low, 100n) + 1n : ceilDiv(low, 100n);
  let max = Infinity;
  if (Number.isFinite(ratio.hi)) {
    const high = BigInt(ratio.hi) * whole;
    max = Number(ratio.hiOpen ? ceilDiv(high, 100n) - 1n : floorDiv(high, 100n));
  }
  return { lo: Number(min), hi: max, loOpen: false, hiOpen: false };
}

/** whole >= 1 with lo ⋚ 100 * part / whole ⋚ hi, for a fixed part. */
function wholeRange(ratio: Interval, part: bigint): Interval | undefined {
  const scaled = part * 100n;
  let min = 1n;
  if (Number.isFinite(ratio.hi)) {
    const hi = BigInt(ratio.hi);
    if (hi === 0n) return undefined;
    const bound = ratio.hiOpen ? floorDiv(scaled, hi) + 1n : ceilDiv(scaled, hi);
    if (bound > min) min = bound;
  }
  let max = Infinity;
  const lo = BigInt(ratio.lo);
  if (lo > 0n) max = Number(ratio.loOpen ? ceilDiv(scaled, lo) - 1n : floorDiv(scaled, lo));
  else if (ratio.loOpen && part <= 0n) return undefined;
  return { lo: Number(min), hi: max, loOpen: false, hiOpen: false };
}

/** Exact test of one ratio constraint once both of its fields are chosen (a left-out field settles nothing). */
function ratioHolds(ratio: RatioConstraint, assignment: ReadonlyMap<string, Choice>): boolean {
  if (!assignment.has(ratio.part) || !assignment.has(ratio.whole)) return true;
  const part = assignment.get(ratio.part);
  const whole = assignment.get(ratio.whole);
  if (part === undefined || whole === undefined) return true;
  if (typeof part !== 'number' || typeof whole !== 'number' || whole <= 0) return false;
  const left = BigInt(part) * 100n;
  const right = BigInt(whole);
  return ratio.set.some((interval) => {
    const aboveLow = compareScaled(left, right, interval.lo);
    const belowHigh = Number.isFinite(interval.hi) ? compareScaled(left, right, interval.hi) : -1;
    const lowOk = interval.loOpen ? aboveLow > 0 : aboveLow >= 0;
    const highOk = interval.hiOpen ? belowHigh < 0 : belowHigh <= 0;
    return lowOk && highOk;
  });
}

/** Sign of left / right - bound, for an integral bound (else an approximation, checked later anyway). */
function compareScaled(left: bigint, right: bigint, bound: number): number {
  if (!Number.isSafeInteger(bound)) {
    const value = Number(left) / Number(right);
    return value === bound ? 0 : value < bound ? -1 : 1;
  }
  const other = BigInt(bound) * right;
  return left === other ? 0 : left < other ? -1 : 1;
}

const INPUT_ORDER = [
  'amount_cents',
  'currency',
  'source',
  'reason',
  'customer_tenure_days',
  'stripe_account',
  'charge_amount_cents',
  'charge_age_days',
  'charge_refunded_cents',
];

function toInput(space: Space, choices: ReadonlyMap<string, Choice>): DecisionInput {
  const fields = new Map<string, unknown>();
  const metadata = new Map<string, string>();
  const lists = new Map<string, Set<string>>();
  const members: { list: string; subject: string; inside: boolean }[] = [];
  for (const [key, value] of choices) {
    if (value === undefined) continue;
    const target = space.get(key).target;
    switch (target.kind) {
      case 'currency':
        fields.set('currency', value);
        break;
      case 'money':
      case 'count':
      case 'symbol':
        fields.set(target.input, value);
        break;
      case 'days':
        // Hours chosen as k * 24 / 2^j, so this division is exact and days * 24 gives them back.
        fields.set(target.input, (value as number) / 24);
        break;
      case 'metadata':
        metadata.set(target.key, value as string);
        break;
      case 'time': {
        const minutes = value as number;
        fields.set(target.input, `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
        break;
      }
      case 'list':
        lists.set(target.list, new Set());
        break;
      case 'membership':
        members.push({ list: target.list, subject: target.subject, inside: value === MEMBER_IN });
        break;
      case 'ratio':
        break;
    }
  }
  // A member's list holds its subject's value. Two subjects with one value but different
  // memberships cannot both be met: the request then decides otherwise, and callers, which
  // evaluate every request they keep, drop it.
  for (const { list, subject, inside } of members) {
    const values = lists.get(list);
    const value = choices.get(subject);
    if (values !== undefined && typeof value === 'string' && inside) values.add(value);
  }
  const input: Record<string, unknown> = {};
  for (const name of INPUT_ORDER) if (fields.has(name)) input[name] = fields.get(name);
  for (const name of [...fields.keys()].filter((n) => !INPUT_ORDER.includes(n)).sort()) input[name] = fields.get(name);
  if (metadata.size > 0) input['metadata'] = Object.fromEntries([...metadata].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (lists.size > 0) input['lists'] = Object.fromEntries([...lists].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, values]) => [name, [...values].sort()]));
  return input as DecisionInput;
}
