// Every source a rule names (`from ai_agent`, `source is automation`) is a declared source,
// or one of the defaults when the policy declares none. docs/language.md#header-and-declarations
import { visit } from '../ast.js';
import type { Span } from '../diagnostics/Diagnostic.js';
import type { Check, CheckContext } from './Check.js';
import { suggest } from '../semantics/suggest.js';

export const UnknownSourceCheck: Check = {
  name: 'UnknownSourceCheck',
  run(context) {
    visit(context.file, (node) => {
      if (node.kind === 'SourceQualifier') for (const name of node.names) checkSource(context, name.text, name.span);
      if (node.kind === 'Comparison' && node.subject.field === 'source') {
        for (const value of node.values) {
          if (value.kind === 'Symbol') checkSource(context, value.name, value.span);
          if (value.kind === 'StringValue') checkSource(context, value.value, value.span);
        }
      }
    });
  },
};

function checkSource({ scope, report }: CheckContext, source: string, span: Span): void {
  if (scope.sources.has(source)) return;
  const guess = suggest(source, scope.sources.keys());
  const known = [...scope.sources.keys()].map((s) => `\`${s}\``).join(', ');
  report({
    code: 'AX1004',
    severity: 'error',
    message: guess ? `unknown source \`${source}\` — did you mean \`${guess}\`?` : `unknown source \`${source}\``,
    span,
    help: scope.sourcesDeclared ? `declared sources: ${known}` : `the default sources are ${known}; declare others with \`sources ...\``,
    ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span, replacement: guess }] } : {}),
  });
}
