// Every list a rule reads (`customer in list vip_customers`) is declared once with `lists ...`.
// docs/language.md, "Round 2 additions > Declarations"
import { visit } from '../ast.js';
import type { Check } from './Check.js';
import { suggest } from '../semantics/suggest.js';

export const ListDeclarationCheck: Check = {
  name: 'ListDeclarationCheck',
  run({ file, scope, report }) {
    for (const [name, declarations] of scope.lists) {
      for (const extra of declarations.slice(1)) {
        report({ code: 'AX1018', severity: 'error', message: `list \`${name}\` is declared twice`, span: extra.span, related: [{ message: 'first declared here', span: declarations[0]!.span }] });
      }
    }
    visit(file, (node) => {
      if (node.kind !== 'Comparison' || !node.list || scope.lists.has(node.list.text)) return;
      const list = node.list;
      const guess = suggest(list.text, scope.lists.keys());
      const declared = [...scope.lists.keys()].map((name) => `\`${name}\``).join(', ');
      report({
        code: 'AX1027',
        severity: 'error',
        message: guess ? `unknown list \`${list.text}\` — did you mean \`${guess}\`?` : `unknown list \`${list.text}\``,
        span: list.span,
        help: declared === '' ? `declare it first: \`lists ${list.text}\`` : `declared lists: ${declared}; declare others with \`lists ...\``,
        ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: list.span, replacement: guess }] } : {}),
      });
    });
  },
};
