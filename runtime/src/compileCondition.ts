// Compiles a condition tree to JavaScript source, for the generated decide function
// (compileDecide.ts). Each tree gives:
//   - `twoValued`: a boolean expression, valid only when every request field the tree reads is
//     present. This is the fast path, and reads like the hand-written `amount > 15000 && ...`.
//   - `threeValued`: an expression worth 0 (false), 1 (unknown) or 2 (true), valid whatever is
//     missing; Kleene `and`/`or`/`not` are min/max/2-x, as in evaluateCondition.ts.
//   - `threeValuedWithMissing`: statements computing the same truth value plus a bitmask of the
//     missing request fields that leave the tree unknown, with the settling rule of
//     collectMissing() (only unknown children of an unknown node count).
// All of them must reproduce evaluateCondition.ts exactly; the tests check it on random trees.
// Request values are read once into locals (`v3`, present-flag `k3`, refund currency `cur`);
// `Slots` maps fields to them. Literals are embedded with JSON.stringify (strings) or as
// validated safe integers, so no IR text can inject code.

import type { CompareOp, ExprIR, FieldIR, ValueIR } from './ir.js';
import { FIELD_TYPES, inputNameOf, listInputName } from './fields.js';

/** A caller's list, read like a field: its slot holds the list's Set (present when given). */
export interface ListRef {
  readonly kind: 'list';
  readonly list: string;
}

/** What a slot reads: a request field or a list. */
export type SlotRef = FieldIR | ListRef;

/** The name of what a slot reads, as `missing_fields` gives it. */
export function slotName(ref: SlotRef): string {
  return ref.kind === 'list' ? listInputName(ref.list) : inputNameOf(ref);
}

/** Where the generated code finds a field's value and its present-flag. */
export interface Slots {
  /** Locals of the field's value and present-flag, e.g. { value: 'v0', present: 'k0', bit: 1 }. */
  slotOf(field: SlotRef): { readonly value: string; readonly present: string; readonly bit: number };
  /** Registers a constant (a Set for long `in` lists) and returns the expression that reads it. */
  constant(value: unknown): string;
}

/** Local holding the refund's upper-case currency. */
export const CURRENCY_LOCAL = 'cur';

/** Lists longer than this test membership with a Set instead of a chain of `===`. */
const SET_THRESHOLD = 8;

const JS_OP: Readonly<Record<CompareOp, string>> = { gt: '>', lt: '<', ge: '>=', le: '<=', eq: '===', ne: '!==' };

function literalSource(literal: ValueIR): string {
  switch (literal.type) {
    case 'money':
      return numberSource(literal.minor);
    case 'duration':
      return numberSource(literal.hours);
    case 'count':
      return numberSource(literal.value);
    case 'time':
      return numberSource(literal.minutes);
    case 'symbol':
    case 'text':
      return JSON.stringify(literal.value);
  }
}

function numberSource(value: number): string {
  // The validator guarantees safe integers; anything else would be a bug worth failing on.
  if (!Number.isSafeInteger(value)) throw new Error(`unreachable: non-integer literal ${value}`);
  return value < 0 ? `(${value})` : String(value);
}

function fieldValue(field: FieldIR, slots: Slots): string {
  return field.kind === 'currency' ? CURRENCY_LOCAL : slots.slotOf(field).value;
}

/** `actual CMP literal` for a present actual, ignoring the currency of money literals. */
function compareSource(field: FieldIR, cmp: CompareOp, literal: ValueIR, slots: Slots): string {
  const actual = fieldValue(field, slots);
  if (literal.type === 'duration') return `(cd(${actual}, ${literalSource(literal)}) ${JS_OP[cmp]} 0)`;
  return `(${actual} ${JS_OP[cmp]} ${literalSource(literal)})`;
}

function currencyTest(literal: ValueIR): string | undefined {
  return literal.type === 'money' ? `(${CURRENCY_LOCAL} === ${JSON.stringify(literal.currency)})` : undefined;
}

/** The request fields (other than the always-known currency) and lists a tree reads. */
export function fieldsRead(expr: ExprIR, out: SlotRef[] = []): SlotRef[] {
  switch (expr.op) {
    case 'true':
      return out;
    case 'and':
    case 'or':
      for (const arg of expr.args) fieldsRead(arg, out);
      return out;
    case 'not':
      return fieldsRead(expr.arg, out);
    case 'cmp':
    case 'between':
    case 'in':
      if (expr.field.kind !== 'currency') out.push(expr.field);
      return out;
    case 'ratio':
      out.push(expr.field, expr.of);
      return out;
    case 'in_list':
      out.push(expr.field, { kind: 'list', list: expr.list });
      return out;
  }
}

function listSource(expr: Extract<ExprIR, { op: 'in_list' }>, slots: Slots): string {
  return `${slots.slotOf({ kind: 'list', list: expr.list }).value}.has(${fieldValue(expr.field, slots)})`;
}

function betweenSource(expr: Extract<ExprIR, { op: 'between' }>, slots: Slots): string {
  return `(${compareSource(expr.field, 'ge', expr.low, slots)} && ${compareSource(expr.field, 'le', expr.high, slots)})`;
}

/** Membership without currency tests; only for lists that hold no money. */
function membershipSource(expr: Extract<ExprIR, { op: 'in' }>, slots: Slots): string {
  const actual = fieldValue(expr.field, slots);
  if (expr.values.length > SET_THRESHOLD && expr.values.every((v) => v.type === 'symbol' || v.type === 'text' || v.type === 'count')) {
    const set = new Set(expr.values.map((v) => (v.type === 'count' ? v.value : (v as { value: string }).value)));
    return `${slots.constant(set)}.has(${actual})`;
  }
  return `(${expr.values.map((v) => compareSource(expr.field, 'eq', v, slots)).join(' || ')})`;
}

/** Boolean source, valid when every field the tree reads is present. */
export function twoValued(expr: ExprIR, slots: Slots): string {
  switch (expr.op) {
    case 'true':
      return 'true';
    case 'and':
      return `(${expr.args.map((arg) => twoValued(arg, slots)).join(' && ')})`;
    case 'or':
      return `(${expr.args.map((arg) => twoValued(arg, slots)).join(' || ')})`;
    case 'not':
      return `!${twoValued(expr.arg, slots)}`;
    case 'cmp': {
      const currency = currencyTest(expr.value);
      const test = compareSource(expr.field, expr.cmp, expr.value, slots);
      return currency === undefined ? test : `(${currency} && ${test})`;
    }
    case 'between': {
      const currency = currencyTest(expr.low);
      const test = betweenSource(expr, slots);
      return currency === undefined ? test : `(${currency} && ${test})`;
    }
    case 'in':
      if (FIELD_TYPES[expr.field.kind] === 'money') {
        return `(${expr.values
          .map((v) => `(${currencyTest(v) ?? 'true'} && ${compareSource(expr.field, 'eq', v, slots)})`)
          .join(' || ')})`;
      }
      return membershipSource(expr, slots);
    case 'ratio':
      return `(cr(${fieldValue(expr.field, slots)}, ${numberSource(expr.percent)}, ${fieldValue(expr.of, slots)}) ${JS_OP[expr.cmp]} 0)`;
    case 'in_list':
      return listSource(expr, slots);
  }
}

/** A present-test for the fields of a leaf, or undefined when it reads only the currency. */
function presentTest(fields: readonly SlotRef[], slots: Slots): string | undefined {
  const flags = [...new Set(fields.filter((f) => f.kind !== 'currency').map((f) => slots.slotOf(f).present))];
  return flags.length === 0 ? undefined : flags.join(' && ');
}

/** `present ? (test ? 2 : 0) : 1`, with a leading currency test that settles to false. */
function leafThreeValued(test: string, present: string | undefined, currency: string | undefined): string {
  let source = present === undefined ? `(${test} ? 2 : 0)` : `(!(${present}) ? 1 : ${test} ? 2 : 0)`;
  if (currency !== undefined) source = `(!${currency} ? 0 : ${source})`;
  return source;
}

/** Source of 0 (false), 1 (unknown) or 2 (true), valid whatever is missing. */
export function threeValued(expr: ExprIR, slots: Slots): string {
  switch (expr.op) {
    case 'true':
      return '2';
    case 'and':
      return `Math.min(${expr.args.map((arg) => threeValued(arg, slots)).join(', ')})`;
    case 'or':
      return `Math.max(${expr.args.map((arg) => threeValued(arg, slots)).join(', ')})`;
    case 'not':
      return `(2 - ${threeValued(expr.arg, slots)})`;
    case 'cmp':
      return leafThreeValued(
        compareSource(expr.field, expr.cmp, expr.value, slots),
        presentTest([expr.field], slots),
        currencyTest(expr.value),
      );
    case 'between':
      return leafThreeValued(betweenSource(expr, slots), presentTest([expr.field], slots), currencyTest(expr.low));
    case 'in':
      if (FIELD_TYPES[expr.field.kind] === 'money') {
        // Each money literal is settled by its own currency: `in [$5, €5]` is an `or` of two.
        return `Math.max(${expr.values
          .map((v) =>
            leafThreeValued(compareSource(expr.field, 'eq', v, slots), presentTest([expr.field], slots), currencyTest(v)),
          )
          .join(', ')})`;
      }
      return leafThreeValued(membershipSource(expr, slots), presentTest([expr.field], slots), undefined);
    case 'ratio':
      return leafThreeValued(twoValued(expr, slots), presentTest([expr.field, expr.of], slots), undefined);
    case 'in_list':
      return leafThreeValued(listSource(expr, slots), presentTest([expr.field, { kind: 'list', list: expr.list }], slots), undefined);
  }
}

/** Names of the locals holding a node's truth value and missing-field mask. */
export interface TracedNode {
  readonly truth: string;
  readonly mask: string;
}

/**
 * Appends to `out` statements computing the tree's truth value (0, 1, 2) and the bitmask of
 * the missing fields that make it unknown (0 unless it is unknown); returns the locals' names.
 * `counter` numbers the locals uniquely within one rule.
 */
export function threeValuedWithMissing(expr: ExprIR, slots: Slots, out: string[], counter: { next: number }): TracedNode {
  if (expr.op === 'true') return { truth: '2', mask: '0' };
  const n = counter.next++;
  const truth = `t${n}`;
  const mask = `m${n}`;
  switch (expr.op) {
    case 'and':
    case 'or': {
      const args = expr.args.map((arg) => threeValuedWithMissing(arg, slots, out, counter));
      out.push(`const ${truth} = Math.${expr.op === 'and' ? 'min' : 'max'}(${args.map((a) => a.truth).join(', ')});`);
      // An unknown `and` has no false child, an unknown `or` no true one: every child with a
      // non-zero mask is unknown and counts; known children have mask 0.
      out.push(`const ${mask} = ${truth} === 1 ? ${args.map((a) => a.mask).join(' | ')} : 0;`);
      return { truth, mask };
    }
    case 'not': {
      const arg = threeValuedWithMissing(expr.arg, slots, out, counter);
      out.push(`const ${truth} = 2 - ${arg.truth};`);
      return { truth, mask: arg.mask };
    }
    case 'ratio':
    case 'in_list': {
      // Two slots, each missing one named on its own.
      const part = slots.slotOf(expr.field);
      const whole = slots.slotOf(expr.op === 'ratio' ? expr.of : { kind: 'list', list: expr.list });
      out.push(`const ${truth} = ${threeValued(expr, slots)};`);
      out.push(`const ${mask} = ${truth} === 1 ? (${part.present} ? 0 : ${part.bit}) | (${whole.present} ? 0 : ${whole.bit}) : 0;`);
      return { truth, mask };
    }
    default: {
      // A comparison is unknown only when its field is missing (the currency never is).
      out.push(`const ${truth} = ${threeValued(expr, slots)};`);
      const bit = expr.field.kind === 'currency' ? 0 : slots.slotOf(expr.field).bit;
      out.push(`const ${mask} = ${truth} === 1 ? ${bit} : 0;`);
      return { truth, mask };
    }
  }
}
