// The TRUE and FALSE regions of a condition, built bottom-up in Kleene logic: `and` is TRUE
// where all parts are and FALSE where any is; `or` the other way round; `not` swaps the two.
// Whatever lies in neither region is UNKNOWN (some field the condition needs is missing).
// Atoms follow docs/language.md, "Precise rules" — in particular a money comparison is FALSE,
// never UNKNOWN, in another currency, even when the amount itself is missing.

import type { CompareOp, ExprIR, FieldIR, ValueIR } from '@axiru/runtime';
import { CURRENCY_KEY, MEMBER_IN, MEMBER_OUT, type Dimension } from './Dimension.js';
import { complement, numberSet, presentSet, symbolSet, type DimensionSet } from './DimensionSet.js';
import { InconclusiveError } from './InconclusiveError.js';
import { comparisonSet } from './Interval.js';
import type { Region, RegionAlgebra } from './Region.js';

export interface Truth {
  readonly truth: Region;
  readonly falsity: Region;
}

export function regionOf(expr: ExprIR, algebra: RegionAlgebra): Truth {
  switch (expr.op) {
    case 'true':
      return { truth: algebra.full(), falsity: algebra.empty() };
    case 'and': {
      const parts = expr.args.map((arg) => regionOf(arg, algebra));
      return lazyFalsity(algebra.intersectAll(parts.map((p) => p.truth)), () => algebra.union(...parts.map((p) => p.falsity)));
    }
    case 'or': {
      const parts = expr.args.map((arg) => regionOf(arg, algebra));
      return {
        truth: algebra.union(...parts.map((p) => p.truth)),
        falsity: algebra.intersectAll(parts.map((p) => p.falsity)),
      };
    }
    case 'not': {
      const inner = regionOf(expr.arg, algebra);
      return { truth: inner.falsity, falsity: inner.truth };
    }
    case 'cmp':
      return compareRegion(expr.field, expr.cmp, expr.value, algebra);
    case 'between': {
      // low <= field <= high is `field >= low and field <= high` in all three truth values. The
      // currency of `low` decides for both ends (the compiler rejects ends in two currencies,
      // and the runtime checks only `low`'s), hence `high` is read in low's currency.
      const high: ValueIR =
        expr.low.type === 'money' && expr.high.type === 'money' ? { ...expr.high, currency: expr.low.currency } : expr.high;
      return regionOf(
        {
          op: 'and',
          args: [
            { op: 'cmp', field: expr.field, cmp: 'ge', value: expr.low },
            { op: 'cmp', field: expr.field, cmp: 'le', value: high },
          ],
        },
        algebra,
      );
    }
    case 'in':
      return inRegion(expr.field, expr.values, algebra);
    case 'ratio':
      return ratioRegion(expr.field, expr.cmp, expr.percent, expr.of, algebra);
    case 'in_list': {
      // Opaque: TRUE where subject and list are given and the subject is in; FALSE where both
      // are given and it is out; UNKNOWN where either is missing.
      const { given, member, subject } = algebra.space.listDimensions(expr.field, expr.list);
      const both: Constraint[] = [present(subject), present(given)];
      return {
        truth: algebra.box([...both, [member.key, symbolSet(member, [MEMBER_IN], false)]]),
        falsity: algebra.box([...both, [member.key, symbolSet(member, [MEMBER_OUT], false)]]),
      };
    }
    default:
      throw new InconclusiveError(`unsupported condition ${(expr as { op: string }).op}`);
  }
}

/**
 * Only the TRUE region (or, with `want` false, only the FALSE one) of a condition: the same
 * region regionOf gives, without building the other side where no `not` needs it.
 */
export function truthOf(expr: ExprIR, algebra: RegionAlgebra, want = true): Region {
  switch (expr.op) {
    case 'and':
      return want
        ? algebra.intersectAll(expr.args.map((arg) => truthOf(arg, algebra, true)))
        : algebra.union(...expr.args.map((arg) => truthOf(arg, algebra, false)));
    case 'or':
      return want
        ? algebra.union(...expr.args.map((arg) => truthOf(arg, algebra, true)))
        : algebra.intersectAll(expr.args.map((arg) => truthOf(arg, algebra, false)));
    case 'not':
      return truthOf(expr.arg, algebra, !want);
    default: {
      const atom = regionOf(expr, algebra);
      return want ? atom.truth : atom.falsity;
    }
  }
}

/**
 * A truth whose FALSE region is built the first time it is read: most callers want only the
 * TRUE region of a rule (truthOf), and for money thresholds and conjunctions the FALSE one is
 * the costlier half. The region is the same whenever it is built.
 */
function lazyFalsity(truth: Region, falsity: () => Region): Truth {
  let built: Region | undefined;
  return {
    truth,
    get falsity(): Region {
      built ??= falsity();
      return built;
    },
  };
}

/** The UNKNOWN region: neither TRUE nor FALSE. */
export function unknownOf(truth: Truth, algebra: RegionAlgebra): Region {
  return algebra.complement(algebra.union(truth.truth, truth.falsity));
}

type Constraint = readonly [string, DimensionSet];

function present(dimension: Dimension): Constraint {
  return [dimension.key, presentSet(dimension)];
}

function compareRegion(field: FieldIR, cmp: CompareOp, value: ValueIR, algebra: RegionAlgebra): Truth {
  const space = algebra.space;
  if (field.kind === 'currency') {
    if (value.type !== 'symbol' || (cmp !== 'eq' && cmp !== 'ne')) throw new InconclusiveError('unsupported currency comparison');
    const same = symbolSet(space.currency(), currencyCodes([value.value]), false);
    const other = complement(space.currency(), same);
    const [yes, no] = cmp === 'eq' ? [same, other] : [other, same];
    return { truth: algebra.box([[CURRENCY_KEY, yes]]), falsity: algebra.box([[CURRENCY_KEY, no]]) };
  }
  const dimension = space.field(field);
  switch (value.type) {
    case 'money': {
      if (dimension.kind !== 'integer' || dimension.target.kind !== 'money') throw new InconclusiveError('money compared with a non-money field');
      assertInteger(value.minor);
      const sameCurrency: Constraint = [CURRENCY_KEY, symbolSet(space.currency(), currencyCodes([value.currency]), false)];
      const otherCurrency: Constraint = [CURRENCY_KEY, symbolSet(space.currency(), currencyCodes([value.currency]), true)];
      const yes = numberSet(dimension, comparisonSet(cmp, value.minor, dimension.domain, true));
      const no = complement(dimension, { ...yes, missing: true });
      return lazyFalsity(algebra.box([sameCurrency, [dimension.key, yes]]), () =>
        algebra.union(algebra.box([otherCurrency]), algebra.box([sameCurrency, [dimension.key, no]])),
      );
    }
    case 'duration':
      if (dimension.kind !== 'real' || dimension.target.kind !== 'days') throw new InconclusiveError('duration compared with a non-duration field');
      return orderedRegion(dimension, cmp, value.hours, false, algebra);
    case 'count':
      if (dimension.kind !== 'integer' || dimension.target.kind !== 'count') throw new InconclusiveError('count compared with a non-count field');
      assertInteger(value.value);
      return orderedRegion(dimension, cmp, value.value, true, algebra);
    case 'time':
      if (dimension.kind !== 'integer' || dimension.target.kind !== 'time') throw new InconclusiveError('time compared with a non-time field');
      assertInteger(value.minutes);
      return orderedRegion(dimension, cmp, value.minutes, true, algebra);
    case 'symbol':
    case 'text': {
      if (dimension.kind !== 'symbol') throw new InconclusiveError('symbol compared with a non-symbol field');
      if (cmp !== 'eq' && cmp !== 'ne') throw new InconclusiveError(`symbols have no order (${cmp})`);
      const same = symbolSet(dimension, [value.value], false);
      const other = symbolSet(dimension, [value.value], true);
      const [yes, no] = cmp === 'eq' ? [same, other] : [other, same];
      return { truth: algebra.box([[dimension.key, yes]]), falsity: algebra.box([[dimension.key, no]]) };
    }
    default:
      throw new InconclusiveError('unsupported literal');
  }
}

function orderedRegion(dimension: Dimension, cmp: CompareOp, threshold: number, integer: boolean, algebra: RegionAlgebra): Truth {
  if (dimension.kind === 'symbol') throw new InconclusiveError('ordered comparison on a symbol');
  const yes = numberSet(dimension, comparisonSet(cmp, threshold, dimension.domain, integer));
  const no = complement(dimension, { ...yes, missing: true });
  return { truth: algebra.box([[dimension.key, yes]]), falsity: algebra.box([[dimension.key, no]]) };
}

function inRegion(field: FieldIR, values: readonly ValueIR[], algebra: RegionAlgebra): Truth {
  const space = algebra.space;
  const symbolic = values.every((v) => v.type === 'symbol' || v.type === 'text');
  if (symbolic && field.kind !== 'currency') {
    const dimension = space.field(field);
    if (dimension.kind !== 'symbol') throw new InconclusiveError('`in` list of symbols on a non-symbol field');
    const listed = values.map((v) => (v as { value: string }).value);
    return {
      truth: algebra.box([[dimension.key, symbolSet(dimension, listed, false)]]),
      falsity: algebra.box([[dimension.key, symbolSet(dimension, listed, true)]]),
    };
  }
  // `x in [a, b]` is `x is a or x is b`, also for money in mixed currencies.
  return regionOf({ op: 'or', args: values.map((value) => ({ op: 'cmp', field, cmp: 'eq', value })) }, algebra);
}

function ratioRegion(field: FieldIR, cmp: CompareOp, percent: number, of: FieldIR, algebra: RegionAlgebra): Truth {
  const space = algebra.space;
  assertInteger(percent);
  const part = space.field(field);
  const whole = space.field(of);
  if (part.target.kind !== 'money' || whole.target.kind !== 'money') throw new InconclusiveError('ratio of non-money fields');
  if (part.key === whole.key) return selfRatioRegion(part, cmp, percent, algebra);
  const ratio = space.ratio(field, of);
  if (ratio.kind === 'symbol') throw new Error('analysis: ratio dimension is numeric');
  // 100 * part CMP percent * whole  <=>  100 * part / whole CMP percent, for whole > 0. A zero
  // whole (nothing refunded yet) behaves like an infinite ratio, which every large finite
  // ratio imitates, so the [0, ∞) axis loses nothing.
  const yes = numberSet(ratio, comparisonSet(cmp, percent, ratio.domain, false));
  const no = complement(ratio, yes);
  const both: Constraint[] = [present(part), present(whole)];
  return {
    truth: algebra.box([...both, [ratio.key, yes]]),
    falsity: algebra.box([...both, [ratio.key, no]]),
  };
}

/**
 * `x * 100 CMP p * x` on one field is `(100 - p) * x CMP 0`: a comparison of x with 0, flipped
 * when p > 100, and constant when p = 100. No ratio axis is needed (and x = 0 stays exact).
 */
function selfRatioRegion(dimension: Dimension, cmp: CompareOp, percent: number, algebra: RegionAlgebra): Truth {
  if (dimension.kind === 'symbol') throw new Error('analysis: money is numeric');
  const factor = 100 - percent;
  if (factor === 0) {
    const holds = cmp === 'eq' || cmp === 'ge' || cmp === 'le';
    const presentBox = algebra.box([present(dimension)]);
    return holds ? { truth: presentBox, falsity: algebra.empty() } : { truth: algebra.empty(), falsity: presentBox };
  }
  const flipped: Record<CompareOp, CompareOp> = { gt: 'lt', lt: 'gt', ge: 'le', le: 'ge', eq: 'eq', ne: 'ne' };
  return orderedRegion(dimension, factor > 0 ? cmp : flipped[cmp], 0, true, algebra);
}

/**
 * The refund's currency is upper-cased by the runtime before any comparison, and literals are
 * upper-case in valid IR; a literal that is not can never match, so it names no reachable value.
 */
function currencyCodes(literals: readonly string[]): string[] {
  return literals.filter((code) => code === code.toUpperCase());
}

function assertInteger(value: number): void {
  if (!Number.isSafeInteger(value)) throw new InconclusiveError(`non-integer literal ${value}`);
}

