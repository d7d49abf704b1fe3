// Conditions test only the subjects the language defines; `customer refunds in last N`
// takes `days` or `hours`; metadata keys are `[A-Za-z0-9_-]+` or quoted.
// docs/language.md (table of subjects)
import { visit } from '../ast.js';
import type { Check } from './Check.js';
import { isDurationUnit, readWhole } from '../semantics/literals.js';
import { SUBJECT_PHRASES } from '../semantics/subjects.js';
import { suggest } from '../semantics/suggest.js';

export const UnknownFieldCheck: Check = {
  name: 'UnknownFieldCheck',
  run({ file, report }) {
    visit(file, (node) => {
      if (node.kind !== 'Subject') return;
      if (node.field === 'unknown') {
        const guess = suggest(node.text, SUBJECT_PHRASES.filter((p) => !p.includes('KEY') && !p.includes(' in last ')));
        report({
          code: 'AX1005',
          severity: 'error',
          message: guess ? `unknown field \`${node.text}\` — did you mean \`${guess}\`?` : `unknown field \`${node.text}\``,
          span: node.span,
          help: `conditions can test ${SUBJECT_PHRASES.map((p) => `\`${p}\``).join(', ')}`,
          ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: node.span, replacement: guess }] } : {}),
        });
      }
      if (node.window) {
        const unit = node.window.unit.text;
        if (!isDurationUnit(unit)) {
          report({ code: 'AX1019', severity: 'error', message: `a refund window is counted in \`days\` or \`hours\`, found \`${unit}\``, span: node.window.unit.span });
        }
        const amount = readWhole(node.window.amount);
        if (amount === null || amount < 1) {
          report({ code: 'AX1021', severity: 'error', message: `a refund window must be a positive whole number, found \`${node.window.amount}\``, span: node.window.span });
        } else if (!Number.isSafeInteger(amount * 24)) {
          // The IR holds the window in hours, as a safe integer.
          report({ code: 'AX1021', severity: 'error', message: `a refund window of \`${node.window.amount}\` ${unit} is too long`, span: node.window.span });
        }
      }
      if (node.field === 'metadata' && node.key && node.key.value.length === 0) {
        report({ code: 'AX1005', severity: 'error', message: 'a metadata key cannot be empty', span: node.span });
      }
    });
  },
};
