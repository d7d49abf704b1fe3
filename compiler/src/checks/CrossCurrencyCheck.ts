// A refund has one currency, so a rule whose required comparisons name different currencies,
// or a currency its `in CUR` excludes, can never match; `between` takes one currency.
// docs/language.md#precise-rules-where-the-prose-above-could-be-read-two-ways
import type * as A from '../ast.js';
import { rules } from '../ast.js';
import type { Check } from './Check.js';
import { printValue } from '../format/printSyntax.js';
import { currencyLimit, whenConjuncts } from './conjuncts.js';

interface MoneyUse {
  readonly currency: string;
  readonly value: A.MoneyValue;
}

export const CrossCurrencyCheck: Check = {
  name: 'CrossCurrencyCheck',
  run({ file, report }) {
    for (const rule of rules(file)) {
      const statement = rule.statement;
      if (!statement) continue;
      const uses: MoneyUse[] = [];
      for (const qualifier of statement.qualifiers) {
        if (qualifier.kind !== 'AmountQualifier') continue;
        for (const value of qualifier.values) if (value.kind === 'Money') uses.push({ currency: value.currency.toUpperCase(), value });
      }
      for (const part of whenConjuncts(statement.when)) {
        if (part.kind !== 'Comparison' || part.op === 'not_in' || part.op === 'is_not') continue;
        const money = part.values.filter((v): v is A.MoneyValue => v.kind === 'Money');
        // A list (`in [$10, €10]`) may hold several currencies: it constrains nothing here.
        if (part.op === 'in' && new Set(money.map((m) => m.currency.toUpperCase())).size > 1) continue;
        for (const value of money) uses.push({ currency: value.currency.toUpperCase(), value });
      }
      const limit = currencyLimit(statement);
      if (limit) {
        for (const use of uses) {
          if (limit.codes.has(use.currency)) continue;
          report({
            code: 'AX1010',
            severity: 'error',
            message: `\`${printValue(use.value)}\` is in ${use.currency}, but this rule only applies to refunds in ${[...limit.codes].join(', ') || 'no currency'}: it can never match`,
            span: use.value.span,
            related: [{ message: 'the currency is limited here', span: limit.span }],
          });
        }
      } else {
        const first = uses[0];
        for (const use of uses.slice(1)) {
          if (!first || use.currency === first.currency) continue;
          report({
            code: 'AX1010',
            severity: 'error',
            message: `this rule compares the refund in ${first.currency} and in ${use.currency}; a refund has one currency, so it can never match`,
            span: use.value.span,
            related: [{ message: `the ${first.currency} comparison`, span: first.value.span }],
            help: 'write one rule per currency, each with `in CUR`',
          });
        }
      }
    }
    checkBetweenCurrencies(file, report);
  },
};

function checkBetweenCurrencies(file: A.PolicyFile, report: Parameters<Check['run']>[0]['report']): void {
  const visitCondition = (condition: A.Condition | null): void => {
    if (!condition) return;
    switch (condition.kind) {
      case 'And':
      case 'Or':
        condition.operands.forEach(visitCondition);
        return;
      case 'Not':
        visitCondition(condition.operand);
        return;
      case 'Paren':
        visitCondition(condition.inner);
        return;
      case 'Comparison': {
        if (condition.op !== 'between') return;
        const [low, high] = condition.values;
        if (low?.kind === 'Money' && high?.kind === 'Money' && low.currency.toUpperCase() !== high.currency.toUpperCase()) {
          report({
            code: 'AX1010',
            severity: 'error',
            message: `\`between\` needs both ends in one currency, found ${low.currency} and ${high.currency}`,
            span: condition.span,
          });
        }
      }
    }
  };
  for (const rule of rules(file)) {
    // A `between` qualifier whose ends are both within `in CUR, CUR2` slips past the checks
    // above (they only see each end on its own): its two currencies are reported here.
    const limit = rule.statement ? currencyLimit(rule.statement) : null;
    for (const qualifier of rule.statement?.qualifiers ?? []) {
      if (qualifier.kind !== 'AmountQualifier' || qualifier.op !== 'between') continue;
      const [low, high] = qualifier.values;
      if (low?.kind !== 'Money' || high?.kind !== 'Money') continue;
      const a = low.currency.toUpperCase();
      const b = high.currency.toUpperCase();
      if (a !== b && limit?.codes.has(a) && limit.codes.has(b)) {
        report({ code: 'AX1010', severity: 'error', message: `\`between\` needs both ends in one currency, found ${low.currency} and ${high.currency}`, span: qualifier.span });
      }
    }
    visitCondition(rule.statement?.when ?? null);
    for (const unless of rule.statement?.unless ?? []) visitCondition(unless.condition);
  }
}
