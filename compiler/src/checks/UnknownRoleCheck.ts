// Every role an approval names is declared by `roles`. docs/language.md#header-and-declarations
import { visit, type Name } from '../ast.js';
import type { Check, CheckContext } from './Check.js';
import { suggest } from '../semantics/suggest.js';

export const UnknownRoleCheck: Check = {
  name: 'UnknownRoleCheck',
  run(context) {
    visit(context.file, (node) => {
      if (node.kind === 'Approval') for (const role of node.roles) checkRole(context, role);
    });
  },
};

function checkRole({ scope, report }: CheckContext, role: Name): void {
  if (scope.roles.has(role.text)) return;
  const guess = suggest(role.text, scope.roles.keys());
  const declared = [...scope.roles.keys()];
  report({
    code: 'AX1003',
    severity: 'error',
    message: guess ? `unknown role \`${role.text}\` — did you mean \`${guess}\`?` : `unknown role \`${role.text}\``,
    span: role.span,
    help: declared.length > 0 ? `declared roles: ${declared.map((r) => `\`${r}\``).join(', ')}` : 'declare approver roles first: `roles support_lead < finance_manager`',
    ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: role.span, replacement: guess }] } : {}),
  });
}
