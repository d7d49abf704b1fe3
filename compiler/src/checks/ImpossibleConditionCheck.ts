// A rule's qualifiers and `when` can hold together for some refund; if they cannot, the rule
// is an error, and the message names a smallest set of comparisons that exclude each other.
// The analysis is exact over intervals and sets (compiler/src/analysis).
// docs/language.md#diagnostics-the-compiler-must-give-at-least
import type { ExprIR } from '@axiru/runtime';
import type * as A from '../ast.js';
import { rules } from '../ast.js';
import { provablyUnsatisfiable } from '../analysis/satisfiable.js';
import { conjoin, emitCondition, emitQualifier } from '../emit/emitCondition.js';
import { printCondition, printQualifier } from '../format/printSyntax.js';
import type { IrCheck } from './irChecks.js';
import { whenConjuncts } from './conjuncts.js';

interface Part {
  /** The part as written, printed only for a message (most rules hold). */
  readonly text: () => string;
  readonly span: A.Qualifier['span'];
  readonly expr: ExprIR;
}

export const ImpossibleConditionCheck: IrCheck = {
  name: 'ImpossibleConditionCheck',
  run({ file, ir, report }) {
    const sources = ir.sources;
    const holds = (parts: readonly Part[]) => !provablyUnsatisfiable(conjoin(parts.map((p) => p.expr)), { sources });
    for (const rule of rules(file)) {
      const statement = rule.statement;
      if (!statement) continue;
      const parts: Part[] = [
        ...statement.qualifiers.map((q) => ({ text: () => printQualifier(q), span: q.span, expr: emitQualifier(q) })),
        ...whenConjuncts(statement.when).map((c) => ({ text: () => printCondition(c), span: c.span, expr: emitCondition(c) })),
      ];
      if (parts.length === 0 || holds(parts)) continue;
      // Shrink to a minimal core: drop every part the contradiction does not need.
      let core = parts;
      for (const part of parts) {
        const without = core.filter((p) => p !== part);
        if (without.length > 0 && !holds(without)) core = without;
      }
      const named = core.map((p) => `\`${p.text()}\``);
      report({
        code: 'AX1011',
        severity: 'error',
        message:
          core.length === 1
            ? `this condition can never hold: no refund satisfies ${named[0]}`
            : `this rule can never match: ${named.slice(0, -1).join(', ')} and ${named[named.length - 1]} cannot all hold for one refund`,
        span: core[0]!.span,
        related: core.slice(1).map((p) => ({ message: 'conflicts with this', span: p.span })),
      });
    }
  },
};
