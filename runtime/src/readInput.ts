// How a decision request's values become comparable values, or "missing".
//
// An input field is missing when it is absent or null (docs/language.md, "Precise rules"), and
// also when it holds a value of the wrong JavaScript type or shape: a string of cents, a
// fractional amount, a negative tenure, a metadata value that is not a string. Treating those
// as missing (rather than throwing) keeps `decide` total; the server's API rejects such
// requests before they get here, and `on missing` lets a policy fail closed on them.
//
// The code generator (compileDecide.ts) emits the same tests inline; evaluateCondition.test.ts
// checks that both paths agree.

import type { FieldIR } from './ir.js';
import { FIXED_INPUT_NAMES, isFactField, WEEKDAYS } from './fields.js';

/** A request viewed as a bag of unknown values: decide() accepts anything. */
export type InputRecord = Readonly<Record<string, unknown>>;

const EMPTY: InputRecord = Object.freeze({});

/** The request itself when it is an object, else an empty one. */
export function asRecord(input: unknown): InputRecord {
  return typeof input === 'object' && input !== null ? (input as InputRecord) : EMPTY;
}

/** Money in minor units: a safe integer (Stripe amounts are integers of the minor unit). */
export function isMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** A duration in days: finite and not negative; fractions are allowed (1.5 days = 36 hours). */
export function isDays(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value < Infinity;
}

/** A count: a non-negative safe integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The refund's currency, upper-case; USD when the request gives none (or no string). */
export function refundCurrency(input: InputRecord): string {
  const currency = input['currency'];
  return typeof currency === 'string' ? currency.toUpperCase() : 'USD';
}

/** The metadata value under `key` when it is an own string property, else undefined. */
export function metadataValue(input: InputRecord, key: string): string | undefined {
  const metadata = input['metadata'];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  if (!Object.prototype.hasOwnProperty.call(metadata, key)) return undefined;
  const value = (metadata as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** `HH:MM`, 24-hour, 00:00 to 23:59, exactly two digits each. */
const TIME_OF_DAY = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** Minutes since midnight of an `HH:MM` string, or undefined when it is not one. */
export function minutesOfDay(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TIME_OF_DAY.exec(value);
  return match === null ? undefined : Number(match[1]) * 60 + Number(match[2]);
}

const WEEKDAY_SET: ReadonlySet<string> = new Set(WEEKDAYS);

/** A weekday is one of the seven lower-case English day names; anything else is missing. */
export function isWeekday(value: unknown): value is string {
  return typeof value === 'string' && WEEKDAY_SET.has(value);
}

// Arrays the caller passed as lists, turned into Sets once: a server that keeps its lists as
// arrays pays the conversion on the first decision only, then O(1) per membership test.
const listSets = new WeakMap<readonly unknown[], ReadonlySet<unknown>>();

/**
 * The caller's list `name` as a Set, or undefined when the request carries no such list (then
 * membership is unknown). Lists are own properties of `input.lists`, either Sets or arrays.
 */
export function listOf(input: InputRecord, name: string): ReadonlySet<unknown> | undefined {
  const lists = input['lists'];
  if (typeof lists !== 'object' || lists === null || Array.isArray(lists)) return undefined;
  if (!Object.prototype.hasOwnProperty.call(lists, name)) return undefined;
  const list = (lists as Record<string, unknown>)[name];
  if (list instanceof Set) return list;
  if (!Array.isArray(list)) return undefined;
  let set = listSets.get(list);
  if (set === undefined) {
    set = new Set(list);
    listSets.set(list, set);
  }
  return set;
}

/** The raw request value a field reads, before any type check (for explanations). */
export function rawValue(input: InputRecord, field: FieldIR): unknown {
  if (isFactField(field)) return input[field.fact];
  switch (field.kind) {
    case 'metadata': {
      const metadata = input['metadata'];
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
      return Object.prototype.hasOwnProperty.call(metadata, field.key)
        ? (metadata as Record<string, unknown>)[field.key]
        : undefined;
    }
    default:
      return input[FIXED_INPUT_NAMES[field.kind]];
  }
}

/**
 * The comparable value of a field, or undefined when it is missing. Money is minor units of the
 * refund's currency, durations are days, counts are integers, symbols and text are strings.
 * The currency is never missing: it is read by refundCurrency().
 */
export function readField(input: InputRecord, field: FieldIR): number | string | undefined {
  switch (field.kind) {
    case 'amount':
    case 'charge_amount':
    case 'charge_refunded': {
      const value = input[FIXED_INPUT_NAMES[field.kind]];
      return isMinorUnits(value) ? value : undefined;
    }
    case 'customer_tenure':
    case 'charge_age': {
      const value = input[FIXED_INPUT_NAMES[field.kind]];
      return isDays(value) ? value : undefined;
    }
    case 'reason':
    case 'source':
    case 'merchant':
    case 'customer':
    case 'requested_by': {
      const value = input[FIXED_INPUT_NAMES[field.kind]];
      return typeof value === 'string' ? value : undefined;
    }
    case 'weekday': {
      const value = input['weekday'];
      return isWeekday(value) ? value : undefined;
    }
    case 'local_time':
      return minutesOfDay(input['local_time']);
    case 'currency':
      return refundCurrency(input);
    case 'customer_refunds':
    case 'source_refunds':
    case 'merchant_refunds': {
      const value = input[field.fact];
      return isCount(value) ? value : undefined;
    }
    case 'customer_refunded':
    case 'source_refunded':
    case 'merchant_refunded': {
      const value = input[field.fact];
      return isMinorUnits(value) ? value : undefined;
    }
    case 'metadata':
      return metadataValue(input, field.key);
  }
}
