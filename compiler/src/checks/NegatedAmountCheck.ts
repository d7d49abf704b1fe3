// A money comparison is false for refunds in other currencies, so its negation (`not`, or an
// `unless`) is true for all of them: without `in CUR` on the rule, `unless amount under $20`
// also exempts nothing and catches every EUR refund. Warn so the author says which they mean.
// docs/language.md#precise-rules-where-the-prose-above-could-be-read-two-ways
import type * as A from '../ast.js';
import { rules, visit } from '../ast.js';
import type { Check } from './Check.js';
import { printValue } from '../format/printSyntax.js';
import { currencyLimit } from './conjuncts.js';

export const NegatedAmountCheck: Check = {
  name: 'NegatedAmountCheck',
  run({ file, report }) {
    for (const rule of rules(file)) {
      const statement = rule.statement;
      if (!statement || currencyLimit(statement)) continue;
      const negated: A.Condition[] = [];
      for (const unless of statement.unless) if (unless.condition) negated.push(unless.condition);
      if (statement.when) visit(statement.when, (node) => {
        if (node.kind === 'Not' && node.operand) negated.push(node.operand);
      });
      for (const condition of negated) {
        visit(condition, (node) => {
          if (node.kind !== 'Comparison' || node.op === 'is_not' || node.op === 'not_in') return;
          const money = node.values.find((v): v is A.MoneyValue => v.kind === 'Money');
          if (!money) return;
          const currency = money.currency.toUpperCase();
          report({
            code: 'AX2004',
            severity: 'warning',
            message: `the negated comparison with \`${printValue(money)}\` holds for every refund not in ${currency}`,
            span: node.span,
            help: `add \`in ${currency}\` to the rule if it is meant for ${currency} refunds only`,
          });
        });
      }
    }
  },
};
