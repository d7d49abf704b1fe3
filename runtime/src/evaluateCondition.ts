// The reference evaluator: a direct reading of docs/language.md ("Missing inputs", "Precise
// rules > Evaluation") over the IR condition tree. The generated fast path (compileDecide.ts)
// must agree with it on every input, which the runtime's property tests check; explanations and
// the `missing_fields` list are computed here.
//
// Truth values are Kleene's, encoded so that `and` is min, `or` is max and `not` is 2 - x.

import type { CompareOp, ExprIR, FieldIR, ValueIR } from './ir.js';
import { compareDaysToHours, compareRatio } from './exactCompare.js';
import { inputNameOf, listInputName } from './fields.js';
import { listOf, readField, refundCurrency, type InputRecord } from './readInput.js';

export const FALSE = 0;
export const UNKNOWN = 1;
export const TRUE = 2;
export type Truth = typeof FALSE | typeof UNKNOWN | typeof TRUE;

/** Applies a comparator to the sign of `actual - threshold`. */
export function holds(cmp: CompareOp, sign: number): boolean {
  switch (cmp) {
    case 'gt':
      return sign > 0;
    case 'lt':
      return sign < 0;
    case 'ge':
      return sign >= 0;
    case 'le':
      return sign <= 0;
    case 'eq':
      return sign === 0;
    case 'ne':
      return sign !== 0;
  }
}

/** Sign of `actual - literal`, for a present actual value already in the literal's unit system. */
export function signAgainst(actual: number | string, literal: ValueIR): number {
  switch (literal.type) {
    case 'money':
      return Math.sign((actual as number) - literal.minor);
    case 'duration':
      return compareDaysToHours(actual as number, literal.hours);
    case 'count':
      return Math.sign((actual as number) - literal.value);
    case 'time':
      return Math.sign((actual as number) - literal.minutes);
    case 'symbol':
    case 'text':
      return actual === literal.value ? 0 : actual < literal.value ? -1 : 1;
  }
}

/**
 * False when the literal is money in another currency than the refund's: such a threshold never
 * applies, whatever the comparator (`ne` included) and whether or not the amount is present.
 */
export function foreignMoney(literal: ValueIR, input: InputRecord): boolean {
  return literal.type === 'money' && literal.currency !== refundCurrency(input);
}

function compareLeaf(field: FieldIR, cmp: CompareOp, literal: ValueIR, input: InputRecord): Truth {
  if (foreignMoney(literal, input)) return FALSE;
  const actual = readField(input, field);
  if (actual === undefined) return UNKNOWN;
  return holds(cmp, signAgainst(actual, literal)) ? TRUE : FALSE;
}

export function evaluateCondition(expr: ExprIR, input: InputRecord): Truth {
  switch (expr.op) {
    case 'true':
      return TRUE;
    case 'and': {
      let result: Truth = TRUE;
      for (const arg of expr.args) {
        const value = evaluateCondition(arg, input);
        if (value === FALSE) return FALSE;
        if (value === UNKNOWN) result = UNKNOWN;
      }
      return result;
    }
    case 'or': {
      let result: Truth = FALSE;
      for (const arg of expr.args) {
        const value = evaluateCondition(arg, input);
        if (value === TRUE) return TRUE;
        if (value === UNKNOWN) result = UNKNOWN;
      }
      return result;
    }
    case 'not':
      return (TRUE - evaluateCondition(expr.arg, input)) as Truth;
    case 'cmp':
      return compareLeaf(expr.field, expr.cmp, expr.value, input);
    case 'between': {
      if (foreignMoney(expr.low, input)) return FALSE;
      const actual = readField(input, expr.field);
      if (actual === undefined) return UNKNOWN;
      return signAgainst(actual, expr.low) >= 0 && signAgainst(actual, expr.high) <= 0 ? TRUE : FALSE;
    }
    case 'in': {
      let result: Truth = FALSE;
      for (const literal of expr.values) {
        const value = compareLeaf(expr.field, 'eq', literal, input);
        if (value === TRUE) return TRUE;
        if (value === UNKNOWN) result = UNKNOWN;
      }
      return result;
    }
    case 'ratio': {
      // Both sides are money in the refund's own currency, so no currency can disagree.
      const part = readField(input, expr.field);
      const whole = readField(input, expr.of);
      if (part === undefined || whole === undefined) return UNKNOWN;
      return holds(expr.cmp, compareRatio(part as number, expr.percent, whole as number)) ? TRUE : FALSE;
    }
    case 'in_list': {
      const actual = readField(input, expr.field);
      const list = listOf(input, expr.list);
      if (actual === undefined || list === undefined) return UNKNOWN;
      return list.has(actual) ? TRUE : FALSE;
    }
  }
}

/**
 * Adds to `out` the request fields whose absence makes `expr` unknown. Only unknown parts are
 * followed: a false conjunct would have settled its `and` (and a true disjunct its `or`), so a
 * node that is unknown has no such child, and its known children contribute nothing.
 */
export function collectMissing(expr: ExprIR, input: InputRecord, out: Set<string>): void {
  switch (expr.op) {
    case 'true':
      return;
    case 'and':
    case 'or':
      for (const arg of expr.args) {
        if (evaluateCondition(arg, input) === UNKNOWN) collectMissing(arg, input, out);
      }
      return;
    case 'not':
      collectMissing(expr.arg, input, out);
      return;
    case 'cmp':
    case 'between':
    case 'in':
      if (evaluateCondition(expr, input) === UNKNOWN) out.add(inputNameOf(expr.field));
      return;
    case 'ratio':
      if (readField(input, expr.field) === undefined) out.add(inputNameOf(expr.field));
      if (readField(input, expr.of) === undefined) out.add(inputNameOf(expr.of));
      return;
    case 'in_list':
      // Both the subject and the list are needed; each one absent is named.
      if (readField(input, expr.field) === undefined) out.add(inputNameOf(expr.field));
      if (listOf(input, expr.list) === undefined) out.add(listInputName(expr.list));
      return;
  }
}
