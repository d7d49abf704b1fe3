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
import { FIXED_INPUT_NAMES } from './fields.js';

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

/** The raw request value a field reads, before any type check (for explanations). */
export function rawValue(input: InputRecord, field: FieldIR): unknown {
  switch (field.kind) {
    case 'customer_refunds':
      return input[field.fact];
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
    case 'merchant': {
      const value = input[FIXED_INPUT_NAMES[field.kind]];
      return typeof value === 'string' ? value : undefined;
    }
    case 'currency':
      return refundCurrency(input);
    case 'customer_refunds': {
      const value = input[field.fact];
      return isCount(value) ? value : undefined;
    }
    case 'metadata':
      return metadataValue(input, field.key);
  }
}
