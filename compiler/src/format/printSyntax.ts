// Prints AST fragments in canonical layout: one space between words, the author's list
// separators, parentheses and literal spellings kept. The formatter builds whole files from
// these, and the compiler writes a rule's default reason with them.
import type * as A from '../ast.js';

export function printStatement(statement: A.Statement): string {
  return statementSegments(statement)
    .map((s) => s.text)
    .join(' ');
}

/** A statement's clauses, each with the offset where it starts: the places a long rule may break. */
export interface Segment {
  readonly text: string;
  readonly start: number;
}

export function statementSegments(statement: A.Statement): Segment[] {
  const head: string[] = [];
  if (statement.verb !== 'require') head.push(statement.verb);
  head.push('refunds');
  for (const qualifier of statement.qualifiers) head.push(printQualifier(qualifier));
  const segments: Segment[] = [{ text: head.join(' '), start: statement.span.start }];
  if (statement.when) segments.push({ text: `when ${printCondition(statement.when)}`, start: statement.when.span.start });
  for (const unless of statement.unless.filter((u) => !u.afterRequire)) segments.push({ text: printUnless(unless), start: unless.span.start });
  if (statement.verb === 'require') {
    const approval = statement.approval ? ` ${printApproval(statement.approval)}` : '';
    segments.push({ text: `${statement.requireWord ?? 'require'}${approval}`, start: statement.verbSpan.start });
  }
  for (const unless of statement.unless.filter((u) => u.afterRequire)) segments.push({ text: printUnless(unless), start: unless.span.start });
  return segments;
}

function printUnless(unless: A.UnlessClause): string {
  return unless.condition ? `unless ${printCondition(unless.condition)}` : 'unless';
}

export function printQualifier(qualifier: A.Qualifier): string {
  switch (qualifier.kind) {
    case 'AmountQualifier': {
      const values = qualifier.values.map(printValue);
      if (qualifier.op === 'between') return `between ${values[0] ?? ''} and ${values[1] ?? ''}`;
      return `${printRangeOp(qualifier.op)} ${values[0] ?? ''}`.trimEnd();
    }
    case 'SourceQualifier':
      return `from ${printNames(qualifier.names, qualifier.separator)}`;
    case 'MerchantQualifier':
      return `for ${qualifier.plural ? 'merchants' : 'merchant'} ${printNames(qualifier.names, qualifier.separator)}`;
    case 'CurrencyQualifier':
      return `in ${printNames(qualifier.codes, qualifier.separator)}`;
  }
}

export function printNames(names: readonly A.Name[], separator: ',' | 'or'): string {
  return names.map((n) => n.text).join(separator === ',' ? ', ' : ' or ');
}

export function printApproval(approval: A.ApprovalReq): string {
  const roles = printNames(approval.roles, approval.separator);
  switch (approval.form) {
    case 'roles':
      return roles;
    case 'approval_from':
      return approval.count ? `${approval.count.text} approval from ${roles}` : `approval from ${roles}`;
    case 'approvals_from':
      return approval.count ? `${approval.count.text} approvals from ${roles}` : `approvals from ${roles}`;
  }
}

export function printVerdict(verdict: A.Verdict): string {
  if (verdict.outcome !== 'require') return verdict.outcome;
  return verdict.approval ? `require ${printApproval(verdict.approval)}` : 'require';
}

export function printRangeOp(op: A.RangeOp): string {
  return op === 'at_least' ? 'at least' : op === 'at_most' ? 'at most' : op === 'up_to' ? 'up to' : op;
}

export function printCondition(condition: A.Condition): string {
  switch (condition.kind) {
    case 'Or':
      return condition.operands.map(printCondition).join(' or ');
    case 'And':
      return condition.operands.map(printCondition).join(' and ');
    case 'Not':
      return condition.operand ? `not ${printCondition(condition.operand)}` : 'not';
    case 'Paren':
      return `(${condition.inner ? printCondition(condition.inner) : ''})`;
    case 'Comparison':
      return printComparison(condition);
  }
}

function printComparison(comparison: A.Comparison): string {
  const subject = printSubject(comparison.subject);
  const values = comparison.values.map(printValue);
  switch (comparison.op) {
    case 'between':
      return `${subject} between ${values[0] ?? ''} and ${values[1] ?? ''}`;
    case 'is':
      return `${subject} is ${values[0] ?? ''}`;
    case 'is_not':
      return `${subject} is not ${values[0] ?? ''}`;
    case 'in':
      return `${subject} in [${values.join(', ')}]`;
    case 'not_in':
      return `${subject} not in [${values.join(', ')}]`;
    case 'in_list':
      return `${subject} in list ${comparison.list?.text ?? ''}`;
    case 'not_in_list':
      return `${subject} not in list ${comparison.list?.text ?? ''}`;
    case 'before':
    case 'after':
    case 'at':
      return `${subject} ${comparison.op} ${values[0] ?? ''}`;
    default:
      return `${subject} ${printRangeOp(comparison.op)} ${values[0] ?? ''}`;
  }
}

export function printSubject(subject: A.Subject): string {
  switch (subject.field) {
    case 'amount':
      return 'amount';
    case 'charge_amount':
      return 'charge amount';
    case 'charge_age':
      return 'charge age';
    case 'charge_refunded':
      return 'charge refunded';
    case 'customer_tenure':
      return 'customer tenure';
    case 'customer_refunds':
    case 'customer_refunded':
    case 'source_refunds':
    case 'source_refunded':
    case 'merchant_refunds':
    case 'merchant_refunded':
      return subject.window ? `${subject.field.replace('_', ' ')} in last ${subject.window.amount} ${subject.window.unit.text}` : subject.text;
    case 'requested_by':
      return 'requested by';
    case 'local_time':
      return 'local time';
    case 'metadata':
      if (!subject.key) return subject.text;
      return subject.key.bracketed ? `metadata[${quote(subject.key.value)}]` : `metadata.${subject.key.value}`;
    case 'unknown':
      return subject.text;
    default:
      return subject.field;
  }
}

export function printValue(value: A.Value): string {
  switch (value.kind) {
    case 'Money':
      return value.symbol ? `${value.symbol}${value.digits}` : `${value.digits} ${value.currency}`;
    case 'Number':
      return value.unit ? `${value.digits} ${value.unit.text}` : value.digits;
    case 'Percent':
      return value.of ? `${value.digits}% of ${printSubject(value.of)}` : `${value.digits}%`;
    case 'StringValue':
      return quote(value.value);
    case 'Symbol':
      return value.name;
    case 'Time':
      return value.text;
  }
}

export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}
