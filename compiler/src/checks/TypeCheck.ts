// Every comparison compares like with like: money with money, durations with durations,
// counts with counts, symbols with names, text with quoted strings; ordering comparisons
// only apply to money, durations and counts. docs/language.md (subjects, comparators, literals)
import { visit, type Comparison, type Subject, type Value } from '../ast.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Check } from './Check.js';
import { isDurationUnit, readCount, readDuration } from '../semantics/literals.js';
import { printSubject, printValue, quote } from '../format/printSyntax.js';
import { subjectInfo, type ValueType } from '../semantics/subjects.js';

const ORDERED: ReadonlySet<ValueType> = new Set(['money', 'duration', 'count']);
const ORDERING_OPS = new Set(['over', 'under', 'at_least', 'at_most', 'up_to', 'between']);
const TIME_OPS = new Set(['before', 'after', 'at', 'between']);
/** Subjects whose values a list can hold (docs/language.md, "Lists"). */
const LIST_SUBJECTS = new Set(['customer', 'merchant', 'source', 'reason', 'requested_by', 'metadata']);

const EXPECTED: Readonly<Record<ValueType, string>> = {
  money: 'a money amount such as `$150` or `150 EUR`',
  duration: 'a duration such as `30 days` or `48 hours`',
  count: 'a whole number such as `3`',
  symbol: 'a name such as `duplicate_charge`',
  text: 'a quoted string such as `"Z-1234"`',
  time: 'a time of day such as `06:00` or `22:30`',
};

export const TypeCheck: Check = {
  name: 'TypeCheck',
  run({ file, report }) {
    visit(file, (node) => {
      if (node.kind === 'Comparison') checkComparison(node, report);
      if (node.kind === 'AmountQualifier') {
        const amount: Subject = { kind: 'Subject', field: 'amount', window: null, key: null, text: 'amount', span: node.span };
        for (const value of node.values) {
          const problem = valueProblem(amount, 'money', value, node.op !== 'between');
          if (problem) report(problem);
        }
      }
    });
  },
};

function checkComparison(comparison: Comparison, report: (d: Diagnostic) => void): void {
  const info = subjectInfo(comparison.subject);
  if (!info) return; // unknown field: UnknownFieldCheck reports it
  const subject = printSubject(comparison.subject);
  if (comparison.op === 'in_list' || comparison.op === 'not_in_list') {
    if (!LIST_SUBJECTS.has(comparison.subject.field)) {
      report({
        code: 'AX1009',
        severity: 'error',
        message: `\`${subject}\` cannot be in a list: lists hold customers, merchants, sources, reasons, requesters (\`requested by\`) or metadata values`,
        span: comparison.span,
      });
    }
    return;
  }
  if (info.type === 'time') {
    if (!TIME_OPS.has(comparison.op)) {
      report({
        code: 'AX1009',
        severity: 'error',
        message: `\`${subject}\` is a time of day; compare it with \`before\`, \`after\`, \`at\` or \`between\``,
        span: comparison.span,
      });
      return;
    }
  } else if (comparison.op === 'before' || comparison.op === 'after' || comparison.op === 'at') {
    report({
      code: 'AX1009',
      severity: 'error',
      message: `\`${comparison.op}\` compares a time of day (\`local time\`), but \`${subject}\` is ${article(info.type)}`,
      span: comparison.span,
    });
    return;
  }
  if (ORDERING_OPS.has(comparison.op) && !ORDERED.has(info.type) && info.type !== 'time') {
    report({
      code: 'AX1009',
      severity: 'error',
      message: `\`${subject}\` is ${article(info.type)}; it can only be compared with \`is\`, \`is not\`, \`in\` or \`not in\``,
      span: comparison.span,
    });
    return;
  }
  if ((comparison.op === 'in' || comparison.op === 'not_in') && comparison.values.length === 0) {
    report({ code: 'AX1009', severity: 'error', message: 'an empty list matches nothing', span: comparison.span });
    return;
  }
  for (const value of comparison.values) {
    const problem = valueProblem(comparison.subject, info.type, value, ORDERING_OPS.has(comparison.op) && comparison.op !== 'between');
    if (problem) report(problem);
  }
}

function article(type: ValueType): string {
  return type === 'money' ? 'money' : type === 'text' ? 'text' : type === 'time' ? 'a time of day' : `a ${type}`;
}

/** Why `value` cannot be compared with `subject`, or null when it can. */
function valueProblem(subject: Subject, type: ValueType, value: Value, percentAllowed: boolean): Diagnostic | null {
  const mismatch = (extra: Partial<Diagnostic> = {}): Diagnostic => ({
    code: 'AX1009',
    severity: 'error',
    message: `\`${printSubject(subject)}\` is ${article(type)}, but \`${printValue(value)}\` is not: expected ${EXPECTED[type]}`,
    span: value.span,
    ...extra,
  });
  switch (value.kind) {
    case 'Percent': {
      if (type !== 'money' || !percentAllowed) return mismatch();
      if (!value.of) {
        return { code: 'AX1009', severity: 'error', message: `a percentage compares with another amount: write \`${value.digits}% of charge amount\``, span: value.span };
      }
      const of = subjectInfo(value.of);
      if (of && of.type !== 'money') {
        return { code: 'AX1009', severity: 'error', message: `\`${printSubject(value.of)}\` is ${article(of.type)}; a percentage of it cannot be compared with money`, span: value.of.span };
      }
      return null;
    }
    case 'Money':
      return type === 'money' ? null : mismatch();
    case 'Number': {
      if (type === 'duration') {
        const read = readDuration(value);
        if (read.ok) return null;
        // No unit: a type mismatch; a unit that is not one of time: AX1019; else the number itself.
        const code = value.unit === null ? 'AX1009' : isDurationUnit(value.unit.text) ? 'AX1021' : 'AX1019';
        return { code, severity: 'error', message: `\`${printSubject(subject)}\` is a duration: ${read.reason}`, span: value.span, ...(read.help ? { help: read.help } : {}) };
      }
      if (type === 'count') {
        const read = readCount(value);
        return read.ok ? null : { code: value.unit ? 'AX1009' : 'AX1021', severity: 'error', message: `\`${printSubject(subject)}\` is a count: ${read.reason}`, span: value.span };
      }
      return mismatch(type === 'money' ? { help: `money carries its currency: \`$${value.digits}\` or \`${value.digits} EUR\`` } : {});
    }
    case 'Symbol':
      if (type === 'symbol') return null;
      if (type === 'text') {
        return {
          code: 'AX1020',
          severity: 'error',
          message: `metadata values are text and compare exactly: quote \`${value.name}\``,
          span: value.span,
          fixes: [{ title: `Quote as ${quote(value.name)}`, span: value.span, replacement: quote(value.name) }],
        };
      }
      return mismatch();
    case 'StringValue':
      return type === 'symbol' || type === 'text' ? null : mismatch();
    case 'Time':
      return type === 'time' ? null : mismatch();
  }
}
