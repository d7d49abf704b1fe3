// Rule names are unique: decisions name the rule that decided, so two rules may not share one.
// docs/language.md#rules
import type { Check } from './Check.js';

export const DuplicateRuleNameCheck: Check = {
  name: 'DuplicateRuleNameCheck',
  run({ scope, report }) {
    for (const rule of scope.ruleOrder) {
      if (!rule.name) continue;
      const first = scope.rules.get(rule.name.text);
      if (first && first !== rule) {
        report({
          code: 'AX1006',
          severity: 'error',
          message: `rule \`${rule.name.text}\` is defined twice`,
          span: rule.name.span,
          related: [{ message: 'first defined here', span: first.name!.span }],
          help: 'rule names must be unique: decisions report the rule that decided by name',
        });
      }
    }
  },
};
