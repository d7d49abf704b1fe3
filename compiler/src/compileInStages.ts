// compile() in two stages, for an editor that wants the errors of a keystroke at once and the
// rest a moment later:
// 1. checkPolicy: the parse (whole, or IncrementalParser's), name resolution and the syntax-tree
//    checks: every error a policy can have but a failing `example`;
// 2. finishCompile: emission and hashing of the IR, the static analysis when asked, and the
//    `example` runs: the CompileResult compile() gives for the same text and options.
// compile() (compile.ts) is the two stages run back to back. An editor may also run stage 2
// without the analysis, analyse the IR on another thread (analyzeRulesReport), and then have
// finishAnalysis make of the two what compile() gives.
import { validateIR, type PolicyIR } from '@axiru/runtime';
import { analyzeRulesReport, type RuleAnalysis } from './analysis/analyzeRules.js';
import type { PolicyFile } from './ast.js';
import { SYNTAX_CHECKS } from './checks/index.js';
import { IR_CHECKS } from './checks/irChecks.js';
import type { CompileOptions, CompileResult } from './compile.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics/Diagnostic.js';
import { emitPolicy, type SourceMap } from './emit/emitPolicy.js';
import { runExamples, type ExampleResult, type ExampleRun } from './examples/runExamples.js';
import { resolve, type Scope } from './semantics/resolve.js';
import type { ItemsParse } from './syntax/IncrementalParser.js';

/** Stage 1: what the syntax tree says. */
export interface CheckedPolicy {
  readonly text: string;
  readonly file: PolicyFile;
  readonly scope: Scope;
  /** Sorted, as compile() reports them. */
  readonly diagnostics: readonly Diagnostic[];
  /** False when there are errors: then stage 2 has nothing to add. */
  readonly ok: boolean;
}

export function checkPolicy(text: string, parsed: ItemsParse): CheckedPolicy {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const scope = resolve(parsed.file);
  const context = { file: parsed.file, scope, text, report: (d: Diagnostic) => void diagnostics.push(d) };
  for (const check of SYNTAX_CHECKS) check.run(context);
  const sorted = sortDiagnostics(diagnostics);
  return { text, file: parsed.file, scope, diagnostics: sorted, ok: !hasErrors(sorted) };
}

/** Stage 2: what compile(checked.text, options) returns. */
export function finishCompile(checked: CheckedPolicy, options: CompileOptions = {}): CompileResult {
  return finish(checked, options, null, analyzeRulesReport);
}

/**
 * What compile(checked.text) returns (analysis and examples included), from stage 2's result
 * with `analysis: false` and the examples run, and the rule analysis of its IR, computed
 * elsewhere (`analysis`, which must be analyzeRulesReport(compiled.ir)): neither the IR is
 * emitted again nor the examples run again.
 */
export function finishAnalysis(checked: CheckedPolicy, compiled: CompileResult, analysis: RuleAnalysis): CompileResult {
  // Without IR the analysis never runs: stage 2's result is already compile()'s.
  if (compiled.ir === null || compiled.sourceMap === null) return compiled;
  // Stage 2 without the analysis reported the check's diagnostics and the examples' only.
  const fromCheck = new Set(checked.diagnostics);
  const examples = { results: compiled.examples, diagnostics: compiled.diagnostics.filter((d) => !fromCheck.has(d)) };
  return finish(checked, {}, { ir: compiled.ir, sourceMap: compiled.sourceMap, examples }, () => analysis);
}

/** What an earlier stage 2 already did. */
interface Known {
  readonly ir: PolicyIR;
  readonly sourceMap: SourceMap;
  readonly examples: ExampleRun;
}

function finish(checked: CheckedPolicy, options: CompileOptions, known: Known | null, analyse: (ir: PolicyIR) => RuleAnalysis): CompileResult {
  const { text, file, scope } = checked;
  const diagnostics: Diagnostic[] = [...checked.diagnostics];
  const context = { file, scope, text, report: (d: Diagnostic) => void diagnostics.push(d) };
  let ir: PolicyIR | null = null;
  let sourceMap: SourceMap | null = null;
  let examples: readonly ExampleResult[] = [];
  if (checked.ok) {
    // The checks are meant to accept only what emits valid IR. Should they ever miss a case,
    // the author still gets a diagnostic rather than a crash, and no IR the runtime refuses.
    try {
      const emitted = known ?? emitValid(file, scope);
      ir = emitted.ir;
      sourceMap = emitted.sourceMap;
      if (options.analysis !== false) {
        // In order; once a check finds an error the policy does not compile, and later
        // analysis of a rule already known to be impossible would only repeat it.
        for (const check of IR_CHECKS) {
          check.run({ ...context, ir: emitted.ir, sourceMap: emitted.sourceMap, analyse });
          if (hasErrors(diagnostics)) break;
        }
      }
      if (hasErrors(diagnostics)) {
        ir = null;
        sourceMap = null;
      } else if (options.examples !== false) {
        const run = known?.examples ?? runExamples(emitted.ir, scope.examples);
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
  return { ok: !hasErrors(sorted), ir, sourceMap, diagnostics: sorted, file, scope, examples, text };
}

function emitValid(file: PolicyFile, scope: Scope): { ir: PolicyIR; sourceMap: SourceMap } {
  const emitted = emitPolicy(file, scope);
  const validation = validateIR(emitted.ir);
  if (!validation.ok) throw new Error(`the runtime refuses the emitted IR: ${validation.errors.join('; ')}`);
  return emitted;
}
