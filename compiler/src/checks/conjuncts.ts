// The parts of a rule that must all hold: its qualifiers and the top-level `and` of its
// `when`. Checks that reason about one refund's currency look here.
import type * as A from '../ast.js';

export function whenConjuncts(condition: A.Condition | null): A.Condition[] {
  if (!condition) return [];
  if (condition.kind === 'Paren') return whenConjuncts(condition.inner);
  if (condition.kind === 'And') return condition.operands.flatMap(whenConjuncts);
  return [condition];
}

/** The currencies a rule is limited to (`in EUR`, `currency is eur`), or null when unlimited. */
export function currencyLimit(statement: A.Statement): { codes: Set<string>; span: A.Qualifier['span'] } | null {
  let limit: { codes: Set<string>; span: A.Qualifier['span'] } | null = null;
  const restrict = (codes: string[], span: A.Qualifier['span']) => {
    const upper = new Set(codes.map((c) => c.toUpperCase()));
    limit = limit ? { codes: new Set([...limit.codes].filter((c) => upper.has(c))), span: limit.span } : { codes: upper, span };
  };
  for (const qualifier of statement.qualifiers) {
    if (qualifier.kind === 'CurrencyQualifier') restrict(qualifier.codes.map((c) => c.text), qualifier.span);
  }
  for (const part of whenConjuncts(statement.when)) {
    if (part.kind !== 'Comparison' || part.subject.field !== 'currency') continue;
    if (part.op !== 'is' && part.op !== 'in') continue;
    restrict(part.values.map((v) => (v.kind === 'Symbol' ? v.name : v.kind === 'StringValue' ? v.value : '')), part.span);
  }
  return limit;
}
