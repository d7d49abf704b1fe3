// Words for conditions and values, as a finance person would read them: "amount over $150.00",
// "customer tenure under 30 days", "amount is $220.00", "customer_tenure_days is missing".
// Used by explain(); nothing here affects a decision.

import type { CompareOp, ExprIR, FactIR, FieldIR, ValueIR } from './ir.js';
import { formatMoney } from './currency.js';
import { FIELD_TYPES, inputNameOf } from './fields.js';
import { listText } from './outcome.js';
import { listOf, rawValue, readField, refundCurrency, type InputRecord } from './readInput.js';

const WORDS: Readonly<Record<CompareOp, string>> = {
  gt: 'over',
  lt: 'under',
  ge: 'at least',
  le: 'at most',
  eq: 'is',
  ne: 'is not',
};

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `30 days` when the hours make whole days, else `36 hours`. */
export function durationText(hours: number): string {
  return hours % 24 === 0 ? plural(hours / 24, 'day') : plural(hours, 'hour');
}

/** Minutes since midnight as `HH:MM`. */
export function timeText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const VELOCITY_WORDS: Readonly<Record<string, string>> = {
  customer_refunded: 'customer refunded',
  source_refunds: 'source refunds',
  source_refunded: 'source refunded',
  merchant_refunds: 'merchant refunds',
  merchant_refunded: 'merchant refunded',
};

/** `in last 1 hour` from a fact name ending `_last_1_hours`. */
function windowWords(fact: string): string | null {
  const named = /_last_(\d+)_(days|hours)$/.exec(fact);
  return named === null ? null : `in last ${plural(Number(named[1]), named[2] === 'days' ? 'day' : 'hour')}`;
}

/** A literal as written for people: `$150.00`, `30 days`, `3`, `duplicate_charge`, `"Z-1234"`. */
export function valueText(value: ValueIR): string {
  switch (value.type) {
    case 'money':
      return formatMoney(value.minor, value.currency);
    case 'duration':
      return durationText(value.hours);
    case 'count':
      return String(value.value);
    case 'time':
      return timeText(value.minutes);
    case 'symbol':
      return value.value;
    case 'text':
      return JSON.stringify(value.value);
  }
}

/** The subject as the policy language names it: `amount`, `customer refunds in last 30 days`. */
export function fieldText(field: FieldIR, facts: readonly FactIR[]): string {
  switch (field.kind) {
    case 'amount':
    case 'reason':
    case 'source':
    case 'merchant':
    case 'currency':
      return field.kind;
    case 'charge_amount':
      return 'charge amount';
    case 'charge_refunded':
      return 'charge refunded';
    case 'customer_tenure':
      return 'customer tenure';
    case 'charge_age':
      return 'charge age';
    case 'metadata':
      return inputNameOf(field);
    case 'customer':
      return 'customer';
    case 'requested_by':
      return 'requested by';
    case 'local_time':
      return 'local time';
    case 'weekday':
      return 'weekday';
    case 'customer_refunded':
    case 'source_refunds':
    case 'source_refunded':
    case 'merchant_refunds':
    case 'merchant_refunded': {
      const window = windowWords(field.fact);
      return window === null ? field.fact : `${VELOCITY_WORDS[field.kind] ?? field.kind} ${window}`;
    }
    case 'customer_refunds': {
      // The fact's name keeps the unit the author wrote: `..._last_48_hours`, `..._last_30_days`.
      const named = /^customer_refunds_last_(\d+)_(days|hours)$/.exec(field.fact);
      if (named !== null) return `customer refunds in last ${plural(Number(named[1]), named[2] === 'days' ? 'day' : 'hour')}`;
      const fact = facts.find((candidate) => candidate.name === field.fact);
      return fact?.kind === 'customer_refund_count' ? `customer refunds in last ${durationText(fact.window_hours)}` : field.fact;
    }
  }
}

/** One comparison (a leaf of the tree) in words. */
export function comparisonText(expr: ExprIR, facts: readonly FactIR[]): string {
  switch (expr.op) {
    case 'cmp':
      return `${fieldText(expr.field, facts)} ${WORDS[expr.cmp]} ${valueText(expr.value)}`;
    case 'between':
      return `${fieldText(expr.field, facts)} between ${valueText(expr.low)} and ${valueText(expr.high)}`;
    case 'in':
      return `${fieldText(expr.field, facts)} is ${listText(expr.values.map(valueText), 'or')}`;
    case 'ratio':
      return `${fieldText(expr.field, facts)} ${WORDS[expr.cmp]} ${expr.percent}% of ${fieldText(expr.of, facts)}`;
    case 'in_list':
      return `${fieldText(expr.field, facts)} in list ${expr.list}`;
    default:
      return conditionText(expr, facts);
  }
}

/** A whole condition in words; nested `and`/`or` are parenthesized so the grouping is plain. */
export function conditionText(expr: ExprIR, facts: readonly FactIR[]): string {
  const nested = (arg: ExprIR): string =>
    arg.op === 'and' || arg.op === 'or' ? `(${conditionText(arg, facts)})` : conditionText(arg, facts);
  switch (expr.op) {
    case 'true':
      return 'every refund';
    case 'and':
      return expr.args.map(nested).join(' and ');
    case 'or':
      return expr.args.map(nested).join(' or ');
    case 'not':
      return negatedText(expr.arg, facts);
    default:
      return comparisonText(expr, facts);
  }
}

/** `not X` in words, with the natural phrasing for equality and lists. */
function negatedText(arg: ExprIR, facts: readonly FactIR[]): string {
  if (arg.op === 'cmp' && (arg.cmp === 'eq' || arg.cmp === 'ne')) {
    return `${fieldText(arg.field, facts)} ${arg.cmp === 'eq' ? 'is not' : 'is'} ${valueText(arg.value)}`;
  }
  if (arg.op === 'in_list') return `${fieldText(arg.field, facts)} not in list ${arg.list}`;
  if (arg.op === 'in') {
    const values = arg.values.map(valueText);
    const subject = fieldText(arg.field, facts);
    if (values.length === 1) return `${subject} is not ${values[0] ?? ''}`;
    if (values.length === 2) return `${subject} is neither ${values[0] ?? ''} nor ${values[1] ?? ''}`;
    return `${subject} is none of ${values.join(', ')}`;
  }
  return `not (${conditionText(arg, facts)})`;
}

/** Why a present-looking value was not usable, for fields of the wrong type. */
function unusable(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  const shown = typeof raw === 'string' ? JSON.stringify(raw) : typeof raw === 'number' ? String(raw) : `a ${Array.isArray(raw) ? 'list' : typeof raw}`;
  return ` (got ${shown}, which is not a usable value, so it counts as missing)`;
}

/** The value of one field in words: `amount is $220.00`, `customer_tenure_days is missing`. */
export function actualText(field: FieldIR, input: InputRecord, facts: readonly FactIR[]): string {
  if (field.kind === 'currency') {
    const given = input['currency'];
    return typeof given === 'string' ? `currency is ${refundCurrency(input)}` : 'currency is USD (none given, so USD)';
  }
  const value = readField(input, field);
  if (value === undefined) return `${inputNameOf(field)} is missing${unusable(rawValue(input, field))}`;
  const subject = fieldText(field, facts);
  switch (FIELD_TYPES[field.kind]) {
    case 'money':
      return `${subject} is ${formatMoney(value as number, refundCurrency(input))}`;
    case 'duration':
      return `${subject} is ${value === 1 ? '1 day' : `${String(value)} days`}`;
    case 'time':
      return `${subject} is ${timeText(value as number)}`;
    case 'text':
      return `${subject} is ${JSON.stringify(value)}`;
    default:
      return `${subject} is ${String(value)}`;
  }
}

/** What a comparison saw, including why a money threshold did not apply. */
export function comparisonActualText(expr: ExprIR, input: InputRecord, facts: readonly FactIR[]): string {
  switch (expr.op) {
    case 'cmp':
    case 'between':
    case 'in': {
      const actual = actualText(expr.field, input, facts);
      const literals = expr.op === 'cmp' ? [expr.value] : expr.op === 'between' ? [expr.low] : expr.values;
      const currency = refundCurrency(input);
      const foreign = literals.filter((v) => v.type === 'money' && v.currency !== currency);
      if (foreign.length === 0 || foreign.length < literals.length) return actual;
      const codes = [...new Set(foreign.map((v) => (v.type === 'money' ? v.currency : '')))];
      const threshold = `currency is ${currency}, the threshold is in ${listText(codes, 'or')}`;
      return readField(input, expr.field) === undefined ? threshold : `${actual}; ${threshold}`;
    }
    case 'ratio':
      return `${actualText(expr.field, input, facts)}; ${actualText(expr.of, input, facts)}`;
    case 'in_list': {
      const list = listOf(input, expr.list);
      const given = list === undefined ? `the list ${expr.list} was not given` : `the list ${expr.list} has ${plural(list.size, 'value')}`;
      return `${actualText(expr.field, input, facts)}; ${given}`;
    }
    default:
      return '';
  }
}
