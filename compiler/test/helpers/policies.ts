// Shared helpers for the compiler's tests: compiling inline policies, running one check on its
// own, and reading a diagnostic's range back out of the text.
import { compile, parse, resolve, type Diagnostic } from '@axiru/compiler';
import type { Check } from '../../src/checks/Check.js';

/** A header and the roles most inline policies use. */
export const HEADER = 'policy "test" version 1\nroles support_lead < finance_manager < cfo\n';

/** `HEADER` plus the given lines. */
export function policy(...lines: string[]): string {
  return `${HEADER}${lines.join('\n')}\n`;
}

/** The source text a diagnostic points at. */
export function spanText(text: string, diagnostic: Pick<Diagnostic, 'span'>): string {
  if (!diagnostic.span) throw new Error('the diagnostic has no span');
  return text.slice(diagnostic.span.start, diagnostic.span.end);
}

/** Runs one syntax-tree check alone over the text, the way compile() runs it. */
export function runCheck(check: Check, text: string): Diagnostic[] {
  const parsed = parse(text);
  const diagnostics: Diagnostic[] = [];
  check.run({ file: parsed.file, scope: resolve(parsed.file), text, report: (d) => void diagnostics.push(d) });
  return diagnostics;
}

/** Every diagnostic of the whole pipeline with the given code. */
export function diagnosticsWithCode(text: string, code: string): Diagnostic[] {
  return compile(text).diagnostics.filter((d) => d.code === code);
}

/** code, message and the text under the span: the parts a test pins. */
export function summarize(text: string, diagnostics: readonly Diagnostic[]): { code: string; message: string; text: string }[] {
  return diagnostics.map((d) => ({ code: d.code, message: d.message, text: d.span ? text.slice(d.span.start, d.span.end) : '' }));
}

/** Applies a quick fix to the text. */
export function applyFix(text: string, fix: { span: { start: number; end: number }; replacement: string }): string {
  return text.slice(0, fix.span.start) + fix.replacement + text.slice(fix.span.end);
}
