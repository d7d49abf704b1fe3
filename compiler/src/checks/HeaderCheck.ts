// Every policy starts with exactly one `policy "NAME" version N` header, N a positive integer.
// docs/language.md#header-and-declarations
import type { Check } from './Check.js';
import { readWhole } from '../semantics/literals.js';

export const HeaderCheck: Check = {
  name: 'HeaderCheck',
  run({ file, scope, report }) {
    const [first, ...others] = scope.headers;
    if (!first) {
      report({
        code: 'AX1002',
        severity: 'error',
        message: 'the policy has no header',
        span: file.items[0] ? { start: file.items[0].span.start, end: file.items[0].span.start } : { start: 0, end: 0 },
        help: 'start the file with `policy "NAME" version 1`',
        fixes: [{ title: 'Add a policy header', span: { start: 0, end: 0 }, replacement: 'policy "my-policy" version 1\n\n' }],
      });
    } else if (file.items[0] !== first) {
      report({
        code: 'AX1002',
        severity: 'error',
        message: 'the policy header must come first',
        span: first.span,
        related: [{ message: 'this comes before the header', span: file.items[0]!.span }],
      });
    }
    for (const other of others) {
      report({
        code: 'AX1007',
        severity: 'error',
        message: 'a policy has exactly one header',
        span: other.span,
        related: [{ message: 'the first header', span: first!.span }],
      });
    }
    for (const header of scope.headers) {
      if (header.name && header.name.value.trim() === '') {
        // Decisions and the IR name the policy: an empty name cannot identify it.
        report({
          code: 'AX1001',
          severity: 'error',
          message: 'the policy name cannot be empty',
          span: header.name.span,
          help: 'name the policy: `policy "acme-refunds" version 1`',
        });
      }
      if (!header.version) continue;
      const version = readWhole(header.version.text);
      if (version === null || version < 1) {
        report({
          code: 'AX1008',
          severity: 'error',
          message: `the version must be a positive integer, found \`${header.version.text}\``,
          span: header.version.span,
          help: 'write `version 1`, `version 2`, ...; the decision API reports it as `v1`, `v2`',
        });
      }
    }
  },
};
