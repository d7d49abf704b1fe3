// Each role and each source is declared once, and seniority (`a < b`) has no cycle.
// docs/language.md#header-and-declarations
import type { Check } from './Check.js';
import { seniorsOf } from '../semantics/resolve.js';

export const RoleDeclarationCheck: Check = {
  name: 'RoleDeclarationCheck',
  run({ file, scope, report }) {
    // A role may appear in several chains (`roles a < b` and `roles b < c`); naming it twice
    // inside one chain, or twice as a plain name, is a mistake.
    for (const item of file.items) {
      if (item.kind !== 'RolesDecl') continue;
      for (const chain of item.chains) {
        const seen = new Map<string, (typeof chain)[number]>();
        for (const name of chain) {
          const first = seen.get(name.text);
          if (first) {
            report({ code: 'AX1018', severity: 'error', message: `role \`${name.text}\` appears twice in one chain`, span: name.span, related: [{ message: 'first here', span: first.span }] });
          }
          seen.set(name.text, name);
        }
      }
    }
    const plain = new Map<string, { start: number; end: number }>();
    for (const item of file.items) {
      if (item.kind !== 'RolesDecl') continue;
      for (const chain of item.chains) {
        if (chain.length !== 1) continue;
        const name = chain[0]!;
        const first = plain.get(name.text);
        if (first) report({ code: 'AX1018', severity: 'error', message: `role \`${name.text}\` is declared twice`, span: name.span, related: [{ message: 'first declared here', span: first }] });
        else plain.set(name.text, name.span);
      }
    }
    for (const [name, declarations] of scope.sources) {
      for (const extra of declarations.slice(1)) {
        report({ code: 'AX1018', severity: 'error', message: `source \`${name}\` is declared twice`, span: extra.span, related: [{ message: 'first declared here', span: declarations[0]!.span }] });
      }
    }
    for (const [name, symbol] of scope.roles) {
      if (seniorsOf(scope, name).has(name) || [...symbol.directSeniors].some((s) => s === name || seniorsOf(scope, s).has(name))) {
        report({
          code: 'AX1015',
          severity: 'error',
          message: `role \`${name}\` is senior to itself through \`<\``,
          span: symbol.declarations[0]!.span,
          help: 'seniority must run one way: `junior < senior`',
        });
      }
    }
  },
};
