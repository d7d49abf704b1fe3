// The pipeline: lex -> parse (CST) -> lower (AST) -> resolve -> check -> emit (IR) ->
// analyse -> run examples. Every phase returns diagnostics; nothing throws on user input.
// IR is produced only for a file without errors.
import { validateIR, type PolicyIR } from '@axiru/runtime';
import type { PolicyFile } from './ast.js';
import { SYNTAX_CHECKS } from './checks/index.js';
import { IR_CHECKS } from './checks/irChecks.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/Diagnostic.js';
import { emitPolicy, type SourceMap } from './emit/emitPolicy.js';
import { runExamples, type ExampleResult } from './examples/runExamples.js';
import { resolve, type Scope } from './semantics/resolve.js';
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
  const parsed = parse(text);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const scope = resolve(parsed.file);
  const context = { file: parsed.file, scope, text, report: (d: Diagnostic) => void diagnostics.push(d) };
  for (const check of SYNTAX_CHECKS) check.run(context);

  let ir: PolicyIR | null = null;
  let sourceMap: SourceMap | null = null;
  let examples: readonly ExampleResult[] = [];
  if (!hasErrors(diagnostics)) {
    // The checks are meant to accept only what emits valid IR. Should they ever miss a case,
    // the author still gets a diagnostic rather than a crash, and no IR the runtime refuses.
    try {
      const emitted = emitPolicy(parsed.file, scope);
      const validation = validateIR(emitted.ir);
      if (!validation.ok) throw new Error(`the runtime refuses the emitted IR: ${validation.errors.join('; ')}`);
      ir = emitted.ir;
      sourceMap = emitted.sourceMap;
      if (options.analysis !== false) {
        // In order; once a check finds an error the policy does not compile, and later
        // analysis of a rule already known to be impossible would only repeat it.
        for (const check of IR_CHECKS) {
          check.run({ ...context, ir: emitted.ir, sourceMap: emitted.sourceMap });
          if (hasErrors(diagnostics)) break;
        }
      }
      if (hasErrors(diagnostics)) {
        ir = null;
        sourceMap = null;
      } else if (options.examples !== false) {
        const run = runExamples(emitted.ir, scope.examples);
        diagnostics.push(...run.diagnostics);
        examples = run.results;
      }
    } catch (error) {
      ir = null;
      sourceMap = null;
      diagnostics.push({
        code: 'AX1999',
        severity: 'error',
        message: `internal compiler error: ${error instanceof Error ? error.message : String(error)}`,
        span: null,
        help: 'this is a bug in the compiler, not in the policy; please report it with the policy text',
      });
    }
  }
  const sorted = sortDiagnostics(diagnostics);
  return { ok: !hasErrors(sorted), ir, sourceMap, diagnostics: sorted, file: parsed.file, scope, examples, text };
}
