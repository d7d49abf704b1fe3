// Quick fixes are the compiler's own (`fixes` on a diagnostic: a misspelt role, source, field
// or currency, an unclosed string, swapped `between` bounds...). They are read from the
// compile of the version being edited, matched to the editor's diagnostics by code and range,
// never by message text.
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';

export function codeActions(document: PolicyDocument, range: Range, context: readonly Diagnostic[]): CodeAction[] {
  const from = document.offsetAt(range.start);
  const to = document.offsetAt(range.end);
  const actions: CodeAction[] = [];
  for (const diagnostic of document.compiled.diagnostics) {
    if (!diagnostic.fixes || diagnostic.fixes.length === 0 || !diagnostic.span) continue;
    // Offered where the cursor or selection touches the diagnostic.
    if (diagnostic.span.end < from || diagnostic.span.start > to) continue;
    const diagnosticRange = document.rangeOf(diagnostic.span);
    const shown = context.find((d) => d.code === diagnostic.code && sameRange(d.range, diagnosticRange));
    diagnostic.fixes.forEach((fix, i) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        ...(shown ? { diagnostics: [shown] } : {}),
        isPreferred: i === 0 && diagnostic.fixes!.length === 1,
        edit: { changes: { [document.uri]: [{ range: document.rangeOf(fix.span), newText: fix.replacement }] } },
      });
    });
  }
  return actions;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
