// Every `example` gives valid inputs (decision API field names, values of the right type),
// expects a real outcome, and names an existing rule after `by`.
// docs/language.md#examples-policy-tests
import type { Outcome } from '@axiru/runtime';
import type { Check } from './Check.js';
import { exampleInput } from '../examples/exampleInput.js';
import { suggest } from '../semantics/suggest.js';

export const OUTCOMES: readonly Outcome[] = ['allow', 'flag', 'pending_approval', 'block'];

export const ExampleCheck: Check = {
  name: 'ExampleCheck',
  run({ scope, report }) {
    for (const example of scope.examples) {
      if (example.input) exampleInput(example.input).diagnostics.forEach(report);
      if (example.expect && !OUTCOMES.includes(example.expect.text as Outcome)) {
        const guess = suggest(example.expect.text, OUTCOMES);
        report({
          code: 'AX1022',
          severity: 'error',
          message: guess ? `unknown outcome \`${example.expect.text}\` — did you mean \`${guess}\`?` : `unknown outcome \`${example.expect.text}\``,
          span: example.expect.span,
          help: `outcomes: ${OUTCOMES.join(', ')}`,
          ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: example.expect.span, replacement: guess }] } : {}),
        });
      }
      if (example.by && !scope.rules.has(example.by.text)) {
        const guess = suggest(example.by.text, scope.rules.keys());
        report({
          code: 'AX1024',
          severity: 'error',
          message: guess ? `unknown rule \`${example.by.text}\` — did you mean \`${guess}\`?` : `unknown rule \`${example.by.text}\``,
          span: example.by.span,
          ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: example.by.span, replacement: guess }] } : {}),
        });
      }
    }
  },
};
