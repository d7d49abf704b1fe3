// Runs a policy's `example` blocks against its own IR: the policy's unit tests. The CLI
// (`axiru test`) prints the results; the compiler turns failures into AX1023 diagnostics.
// Inputs were validated by ExampleCheck; an example that did not validate is not run.
import { loadPolicy, type Decision, type DecisionInput, type Outcome, type PolicyIR } from '@axiru/runtime';
import type * as A from '../ast.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { OUTCOMES } from '../checks/ExampleCheck.js';
import { exampleInput } from './exampleInput.js';

export interface ExampleResult {
  readonly name: string;
  readonly span: A.ExampleDecl['span'];
  readonly input: DecisionInput;
  readonly expected: { readonly outcome: Outcome; readonly rule: string | null };
  readonly actual: Decision;
  readonly passed: boolean;
}

export interface ExampleRun {
  readonly results: readonly ExampleResult[];
  readonly diagnostics: readonly Diagnostic[];
}

export function runExamples(ir: PolicyIR, examples: readonly A.ExampleDecl[]): ExampleRun {
  // A handful of examples: interpreting is cheaper than generating code for one use. Loaded
  // only when an example runs: loading copies and checks the whole IR.
  let policy: ReturnType<typeof loadPolicy> | null = null;
  const results: ExampleResult[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const example of examples) {
    if (!example.input || !example.expect || !example.name) continue;
    const outcome = example.expect.text as Outcome;
    const { input, diagnostics: problems } = exampleInput(example.input);
    if (problems.length > 0 || !OUTCOMES.includes(outcome)) continue;
    if (example.by && !ir.rules.some((r) => r.id === example.by!.text)) continue;
    policy ??= loadPolicy(ir, { generateCode: false });
    const actual = policy.decide(input);
    const expected = { outcome, rule: example.by?.text ?? null };
    const passed = actual.outcome === outcome && (expected.rule === null || actual.matched_rule === expected.rule);
    results.push({ name: example.name.value, span: example.span, input, expected, actual, passed });
    if (!passed) {
      diagnostics.push({
        code: 'AX1023',
        severity: 'error',
        message: `example \`${example.name.value}\` expects ${describe(expected.outcome, expected.rule)}, but the policy decides ${describe(actual.outcome, actual.matched_rule)}`,
        span: example.name.span,
        help: actual.reason,
      });
    }
  }
  return { results, diagnostics };
}

function describe(outcome: Outcome, rule: string | null): string {
  return rule ? `${outcome} by \`${rule}\`` : outcome;
}
