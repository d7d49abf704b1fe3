// AST conditions -> normalized IR condition trees. Normalization makes equivalent spellings
// compile to the same IR (and hash): parentheses vanish, nested and/or flatten, `not not x`
// is x (Kleene negation is an involution), one-element lists become `eq`.
//
// Callers only emit what the checks accepted, so a literal that does not read here is a
// compiler bug, reported by throwing EmitError rather than emitting something wrong.
import type { CompareOp, ExprIR, FieldIR, ValueIR } from '@axiru/runtime';
import type * as A from '../ast.js';
import { readCount, readDuration, readMoney, readPercent, readTimeOfDay, type Read } from '../semantics/literals.js';
import { isWindowed, subjectInfo } from '../semantics/subjects.js';

export class EmitError extends Error {}

function must<T>(read: Read<T>): T {
  if (!read.ok) throw new EmitError(read.reason);
  return read.value;
}

const RANGE_CMP: Readonly<Record<A.RangeOp | A.TimeOp, CompareOp>> = {
  over: 'gt',
  under: 'lt',
  at_least: 'ge',
  at_most: 'le',
  up_to: 'le',
  before: 'lt',
  after: 'gt',
  at: 'eq',
};

export function emitField(subject: A.Subject): FieldIR {
  if (isWindowed(subject.field)) return { kind: subject.field, fact: subjectInfo(subject)!.field };
  switch (subject.field) {
    case 'metadata':
      return { kind: 'metadata', key: subject.key?.value ?? '' };
    case 'unknown':
      throw new EmitError(`unknown field \`${subject.text}\``);
    case 'amount':
    case 'charge_amount':
    case 'charge_refunded':
    case 'customer_tenure':
    case 'charge_age':
    case 'reason':
    case 'source':
    case 'merchant':
    case 'currency':
    case 'customer':
    case 'requested_by':
    case 'local_time':
    case 'weekday':
      return { kind: subject.field };
    default:
      throw new EmitError(`unexpected field \`${subject.text}\``);
  }
}

export function emitValue(subject: A.Subject, value: A.Value): ValueIR {
  const type = subjectInfo(subject)?.type;
  switch (value.kind) {
    case 'Money': {
      const money = must(readMoney(value));
      return { type: 'money', currency: money.currency, minor: money.minor };
    }
    case 'Number':
      if (type === 'duration') return { type: 'duration', hours: must(readDuration(value)) };
      return { type: 'count', value: must(readCount(value)) };
    case 'StringValue':
      return type === 'text' ? { type: 'text', value: value.value } : symbol(subject, value.value);
    case 'Symbol':
      return symbol(subject, value.name);
    case 'Percent':
      throw new EmitError('a percentage is only valid as `P% of FIELD`');
    case 'Time':
      return { type: 'time', minutes: must(readTimeOfDay(value.text)) };
  }
}

function symbol(subject: A.Subject, text: string): ValueIR {
  // Currency codes compare case-insensitively: the IR holds them upper-case.
  return { type: 'symbol', value: subject.field === 'currency' ? text.toUpperCase() : text };
}

export function emitCondition(condition: A.Condition): ExprIR {
  switch (condition.kind) {
    case 'Paren':
      if (!condition.inner) throw new EmitError('empty parentheses');
      return emitCondition(condition.inner);
    case 'Not': {
      if (!condition.operand) throw new EmitError('`not` without a condition');
      return negate(emitCondition(condition.operand));
    }
    case 'And':
      return conjoin(condition.operands.map(emitCondition));
    case 'Or':
      return disjoin(condition.operands.map(emitCondition));
    case 'Comparison':
      return emitComparison(condition.subject, condition.op, condition.values, condition.list?.text);
  }
}

export function emitComparison(subject: A.Subject, op: A.ComparisonOp, values: readonly A.Value[], listName?: string): ExprIR {
  const field = emitField(subject);
  const first = values[0];
  switch (op) {
    case 'between': {
      const low = emitValue(subject, values[0]!);
      const high = emitValue(subject, values[1]!);
      // A time range that runs past midnight (`between 22:00 and 06:00`) is the union of its two
      // ends: at or after the start, or at or before the end.
      if (low.type === 'time' && high.type === 'time' && low.minutes > high.minutes) {
        return { op: 'or', args: [{ op: 'cmp', field, cmp: 'ge', value: low }, { op: 'cmp', field, cmp: 'le', value: high }] };
      }
      return { op: 'between', field, low, high };
    }
    case 'in_list':
    case 'not_in_list': {
      const list = values.length === 0 ? listName : undefined;
      if (list === undefined) throw new EmitError('`in list` without a list name');
      const member: ExprIR = { op: 'in_list', field, list };
      return op === 'in_list' ? member : negate(member);
    }
    case 'is':
      return { op: 'cmp', field, cmp: 'eq', value: emitValue(subject, first!) };
    case 'is_not':
      return { op: 'cmp', field, cmp: 'ne', value: emitValue(subject, first!) };
    case 'in':
      return membership(field, values.map((v) => emitValue(subject, v)));
    case 'not_in': {
      const irValues = values.map((v) => emitValue(subject, v));
      // A money comparison in another currency is false for every comparator, `not in`
      // included; `not (in ...)` would make it true, so money spells it as a chain of `ne`.
      if (irValues.some((v) => v.type === 'money')) return conjoin(irValues.map((value) => ({ op: 'cmp', field, cmp: 'ne', value })));
      return negate(membership(field, irValues));
    }
    default: {
      if (first?.kind === 'Percent') {
        if (!first.of) throw new EmitError('a percentage needs `of FIELD`');
        return { op: 'ratio', field, cmp: RANGE_CMP[op], percent: must(readPercent(first.digits)), of: emitField(first.of) };
      }
      return { op: 'cmp', field, cmp: RANGE_CMP[op], value: emitValue(subject, first!) };
    }
  }
}

export function membership(field: FieldIR, values: readonly ValueIR[]): ExprIR {
  const unique = dedupe(values);
  if (unique.length === 1) return { op: 'cmp', field, cmp: 'eq', value: unique[0]! };
  return { op: 'in', field, values: unique };
}

function dedupe(values: readonly ValueIR[]): ValueIR[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function negate(expr: ExprIR): ExprIR {
  return expr.op === 'not' ? expr.arg : { op: 'not', arg: expr };
}

export function conjoin(parts: readonly ExprIR[]): ExprIR {
  const flat = parts.flatMap((p) => (p.op === 'and' ? p.args : p.op === 'true' ? [] : [p]));
  if (flat.length === 0) return { op: 'true' };
  if (flat.length === 1) return flat[0]!;
  return { op: 'and', args: flat };
}

export function disjoin(parts: readonly ExprIR[]): ExprIR {
  const flat = parts.flatMap((p) => (p.op === 'or' ? p.args : [p]));
  if (flat.length === 1) return flat[0]!;
  return { op: 'or', args: flat };
}

/** A qualifier as the condition it abbreviates: `over $150` is `amount over $150`. */
export function emitQualifier(qualifier: A.Qualifier): ExprIR {
  switch (qualifier.kind) {
    case 'AmountQualifier': {
      const subject: A.Subject = { kind: 'Subject', field: 'amount', window: null, key: null, text: 'amount', span: qualifier.span };
      return emitComparison(subject, qualifier.op, qualifier.values);
    }
    case 'SourceQualifier':
      return membership({ kind: 'source' }, qualifier.names.map((n) => ({ type: 'symbol', value: n.text })));
    case 'MerchantQualifier':
      return membership({ kind: 'merchant' }, qualifier.names.map((n) => ({ type: 'symbol', value: n.text })));
    case 'CurrencyQualifier':
      return membership({ kind: 'currency' }, qualifier.codes.map((n) => ({ type: 'symbol', value: n.text.toUpperCase() })));
  }
}

/** The whole rule condition: qualifiers, `when`, and `not unless`, conjoined. */
export function emitStatementCondition(statement: A.Statement): ExprIR {
  const parts = statement.qualifiers.map(emitQualifier);
  if (statement.when) parts.push(emitCondition(statement.when));
  for (const unless of statement.unless) {
    if (unless.condition) parts.push(negate(emitCondition(unless.condition)));
  }
  return conjoin(parts);
}
