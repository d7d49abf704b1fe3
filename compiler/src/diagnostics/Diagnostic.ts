// The diagnostic contract (see compiler/docs/diagnostics.md): a stable code, a severity, a
// lower-case message with user text in backticks, a primary span, optional related spans,
// optional help and quick fixes. Offsets are the truth; lines and columns are derived in
// source/LineIndex.ts only. Editors match quick fixes by code, never by message text.
import type { DecisionInput } from '@axiru/runtime';
import type { DiagnosticCode } from './codes.js';

export type Severity = 'error' | 'warning' | 'info';

/** Half-open range of UTF-16 offsets into the source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface RelatedInformation {
  readonly message: string;
  readonly span: Span;
}

/** A text edit that fixes the diagnostic, offered as a quick fix. */
export interface Fix {
  readonly title: string;
  readonly span: Span;
  readonly replacement: string;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** null only when the problem has no place in the text (an empty file, say). */
  readonly span: Span | null;
  readonly related?: readonly RelatedInformation[];
  readonly help?: string;
  readonly fixes?: readonly Fix[];
  /** A concrete refund that demonstrates the problem, where one exists. */
  readonly witness?: DecisionInput;
}

export function spanOf(start: number, end: number): Span {
  return { start, end };
}

/** The smallest span covering both, ignoring a missing side. */
export function joinSpans(a: Span | null | undefined, b: Span | null | undefined): Span | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order for output: by position, then code. Diagnostics without a span come first. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => (a.span?.start ?? -1) - (b.span?.start ?? -1) || (a.span?.end ?? -1) - (b.span?.end ?? -1) || a.code.localeCompare(b.code),
  );
}
