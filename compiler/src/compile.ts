// The pipeline: lex -> parse (CST) -> lower (AST) -> resolve -> check -> emit (IR) ->
// analyse -> run examples. Every phase returns diagnostics; nothing throws on user input.
// IR is produced only for a file without errors.
// The phases themselves are in compileInStages.ts, which an editor calls one stage at a time.
import type { PolicyIR } from '@axiru/runtime';
import type { PolicyFile } from './ast.js';
import { checkPolicy, finishCompile } from './compileInStages.js';
import type { Diagnostic } from './diagnostics/Diagnostic.js';
import type { SourceMap } from './emit/emitPolicy.js';
import type { ExampleResult } from './examples/runExamples.js';
import type { Scope } from './semantics/resolve.js';
import { parse } from './syntax/parse.js';

export interface CompileOptions {
  readonly fileName?: string;
  /** Run `example` blocks and report failures (default true). */
  readonly examples?: boolean;
  /** Run the static analysis (vacuous, shadowed, coverage; default true). */
  readonly analysis?: boolean;
}

export interface CompileResult {
  readonly ok: boolean;
  readonly ir: PolicyIR | null;
  readonly sourceMap: SourceMap | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly file: PolicyFile;
  readonly scope: Scope;
  readonly examples: readonly ExampleResult[];
  readonly text: string;
}

export function compile(text: string, options: CompileOptions = {}): CompileResult {
  return finishCompile(checkPolicy(text, parse(text)), options);
}
