// One version of an open policy, compiled once and shared by every feature that asks about it.
// The compile is the fast stage (no static analysis, which is O(rules²) and runs in a worker;
// see DiagnosticsScheduler.ts): syntax, semantic checks, IR and the `example` results.
// Offsets are the truth, as in the compiler; LSP positions are derived with its LineIndex.
import { compile, LineIndex, type CompileResult, type Span } from '@axiru/compiler';
import type { Position, Range } from 'vscode-languageserver';
import { occurrencesOf, type Occurrence } from './features/occurrences.js';

export class PolicyDocument {
  readonly lines: LineIndex;
  private occurrenceList: readonly Occurrence[] | undefined;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly compiled: CompileResult,
  ) {
    this.lines = new LineIndex(compiled.text);
  }

  get text(): string {
    return this.compiled.text;
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
    this.occurrenceList ??= occurrencesOf(this.compiled.file);
    return this.occurrenceList;
  }
}

/** The fast stage of checking: everything but the static analysis. */
export function policyDocument(text: string, uri = 'file:///policy.axiru', version = 1): PolicyDocument {
  return new PolicyDocument(uri, version, compile(text, { analysis: false, examples: true }));
}
