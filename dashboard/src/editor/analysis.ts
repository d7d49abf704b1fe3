// The full compile, static analysis included: exactly what `axiru check` runs on a file (the
// language server's `analyse` job does the same). O(rules²), about a second on a 1,000-rule
// policy, so the editor runs it in its own worker (analysisWorker.ts) and stops it when the
// text changes.
import { compile, type Diagnostic } from '@axiru/compiler/language';

export function analyse(text: string): readonly Diagnostic[] {
  return compile(text).diagnostics;
}
