// What every semantic check receives and how it reports. A check is one invariant of
// docs/language.md, in a module named after it, with its own test file.
import type { PolicyFile } from '../ast.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Scope } from '../semantics/resolve.js';

export interface CheckContext {
  readonly file: PolicyFile;
  readonly scope: Scope;
  readonly text: string;
  report(diagnostic: Diagnostic): void;
}

export interface Check {
  readonly name: string;
  run(context: CheckContext): void;
}
