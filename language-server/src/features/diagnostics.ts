// Compiler diagnostics as LSP diagnostics: the same code, severity, range and message as
// `axiru check`, the help on a second line (no LSP client has a field for it), related spans as
// related information. Quick fixes are not carried here: codeActions.ts reads them from the
// compile of the current version, so an edit in flight can never apply a stale range.
import type { Diagnostic as CompilerDiagnostic, LineIndex } from '@axiru/compiler';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';

export const DIAGNOSTIC_SOURCE = 'axiru';

/** Codes whose whole span is code that has no effect: editors fade it. */
const UNNECESSARY = new Set(['AX2001', 'AX2002']);

export function toLspDiagnostic(diagnostic: CompilerDiagnostic, lines: LineIndex, uri: string): Diagnostic {
  const rangeOf = (span: { start: number; end: number } | null) => {
    const at = span ?? { start: 0, end: 0 };
    return { start: lines.positionAt(at.start), end: lines.positionAt(at.end) };
  };
  return {
    range: rangeOf(diagnostic.span),
    severity: severityOf(diagnostic.severity),
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.help ? `${diagnostic.message}\nhelp: ${diagnostic.help}` : diagnostic.message,
    ...(diagnostic.related && diagnostic.related.length > 0
      ? { relatedInformation: diagnostic.related.map((r) => ({ location: { uri, range: rangeOf(r.span) }, message: r.message })) }
      : {}),
    ...(UNNECESSARY.has(diagnostic.code) ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

export function toLspDiagnostics(diagnostics: readonly CompilerDiagnostic[], lines: LineIndex, uri: string): Diagnostic[] {
  return diagnostics.map((d) => toLspDiagnostic(d, lines, uri));
}

function severityOf(severity: CompilerDiagnostic['severity']): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    default:
      return DiagnosticSeverity.Information;
  }
}
