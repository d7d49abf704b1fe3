// A rule has at most one `unless`, before or after its requirement.
// docs/language.md#precise-rules-where-the-prose-above-could-be-read-two-ways
import { visit } from '../ast.js';
import type { Check } from './Check.js';

export const UnlessCountCheck: Check = {
  name: 'UnlessCountCheck',
  run({ file, report }) {
    visit(file, (node) => {
      if (node.kind !== 'Statement') return;
      for (const extra of node.unless.slice(1)) {
        report({
          code: 'AX1016',
          severity: 'error',
          message: 'a rule has at most one `unless`',
          span: extra.span,
          related: [{ message: 'the first `unless`', span: node.unless[0]!.span }],
          help: 'join the exemptions with `or`: `unless reason is duplicate_charge or source is automation`',
        });
      }
    });
  },
};
