// One version of an open policy, compiled once and shared by every feature that asks about it.
// It is checked when made: the syntax tree, names and every syntax-tree check (`checked`, what
// the first diagnostics of a keystroke need). The rest of the fast compile (IR, its hash and the
// `example` results) is done on first use of `compiled`; the static analysis, O(rules²), runs in a
// worker (DiagnosticsScheduler.ts). Features that only read the tree use `file` and `scope`, so
// they never wait for the IR. Offsets are the truth, as in the compiler; LSP positions are
// derived with its LineIndex.
import { checkPolicy, finishCompile, LineIndex, parse, type CheckedPolicy, type CompileResult, type PolicyFile, type Scope, type Span } from '@axiru/compiler';
import type { Position, Range } from 'vscode-languageserver';
import { occurrencesOf, type Occurrence } from './features/occurrences.js';

export class PolicyDocument {
  readonly lines: LineIndex;
  private occurrenceList: readonly Occurrence[] | undefined;
  private compileResult: CompileResult | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly checked: CheckedPolicy,
  ) {
    this.lines = new LineIndex(checked.text);
  }

  get text(): string {
    return this.checked.text;
  }

  get file(): PolicyFile {
    return this.checked.file;
  }

  get scope(): Scope {
    return this.checked.scope;
  }

  /** Whether `compiled` is done already (it is never undone). */
  get isCompiled(): boolean {
    return this.compileResult !== undefined;
  }

  /** What `compile(text, { analysis: false })` returns: the check, the IR and the example results. */
  get compiled(): CompileResult {
    this.compileResult ??= finishCompile(this.checked, { analysis: false, examples: true });
    return this.compileResult;
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  rangeOf(span: Span | null | undefined): Range {
    if (!span) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { start: this.lines.positionAt(span.start), end: this.lines.positionAt(span.end) };
  }

  /** Every declaration and reference of a role, rule or source, in source order. */
  get occurrences(): readonly Occurrence[] {
    this.occurrenceList ??= occurrencesOf(this.file);
    return this.occurrenceList;
  }
}

/** A version parsed whole (DocumentStore parses item by item, reusing the last version's items). */
export function policyDocument(text: string, uri = 'file:///policy.axiru', version = 1): PolicyDocument {
  return new PolicyDocument(uri, version, checkPolicy(text, parse(text)));
}
