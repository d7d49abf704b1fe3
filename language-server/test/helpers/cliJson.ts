import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';

/** An LSP diagnostic read back into the CLI's JSON shape (`axiru check --format json`). */
export function asCliJson(d: Diagnostic, file: string) {
  const [message, help] = d.message.split('\nhelp: ');
  return {
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity === DiagnosticSeverity.Error ? 'error' : d.severity === DiagnosticSeverity.Warning ? 'warning' : 'info',
    code: d.code,
    message,
    ...(help ? { help } : {}),
  };
}
