// The machine-readable shape of a diagnostic (`axiru check --format json`, the server's 422):
// 1-based lines and columns, as scripts outside the project expect.
import { LineIndex } from '../source/LineIndex.js';
import type { Diagnostic, Severity } from './Diagnostic.js';

export interface JsonDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly help?: string;
}

export function toJsonDiagnostic(diagnostic: Diagnostic, source: string | LineIndex, file: string): JsonDiagnostic {
  const index = typeof source === 'string' ? new LineIndex(source) : source;
  const span = diagnostic.span ?? { start: 0, end: 0 };
  const start = index.positionAt(span.start);
  const end = index.positionAt(span.end);
  return {
    file,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
    ...(diagnostic.help ? { help: diagnostic.help } : {}),
  };
}
