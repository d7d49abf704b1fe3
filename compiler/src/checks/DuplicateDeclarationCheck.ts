// `otherwise`, `on missing` and `timezone` are declared at most once each.
// docs/language.md#precise-rules-where-the-prose-above-could-be-read-two-ways
import type { Check } from './Check.js';

export const DuplicateDeclarationCheck: Check = {
  name: 'DuplicateDeclarationCheck',
  run({ scope, report }) {
    for (const [list, word] of [
      [scope.otherwise, '`otherwise`'],
      [scope.onMissing, '`on missing`'],
      [scope.timezones, '`timezone`'],
    ] as const) {
      for (const extra of list.slice(1)) {
        report({
          code: 'AX1007',
          severity: 'error',
          message: `${word} is declared more than once`,
          span: extra.span,
          related: [{ message: 'first declared here', span: list[0]!.span }],
        });
      }
    }
  },
};
