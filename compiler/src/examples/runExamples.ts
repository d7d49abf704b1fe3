// Runs a policy's `example` blocks against its own IR: the policy's unit tests. The CLI
// (`axiru test`) prints the results; the compiler turns failures into AX1023 diagnostics.
import { loadPolicy, type Decision, type DecisionInput, type Outcome, type PolicyIR } from '@axiru/runtime';
import type * as A from '../ast.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { suggest } from '../semantics/suggest.js';
import { exampleInput } from './exampleInput.js';

const OUTCOMES: readonly Outcome[] = ['allow', 'flag', 'pending_approval', 'block'];

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
  const policy = loadPolicy(ir);
  const ruleIds = ir.rules.map((r) => r.id);
  const results: ExampleResult[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const example of examples) {
    if (!example.input || !example.expect || !example.name) continue;
    const { input, diagnostics: inputProblems } = exampleInput(example.input);
    diagnostics.push(...inputProblems);
    const outcome = example.expect.text as Outcome;
    if (!OUTCOMES.includes(outcome)) {
      const guess = suggest(example.expect.text, OUTCOMES);
      diagnostics.push({
        code: 'AX1022',
        severity: 'error',
        message: guess ? `unknown outcome \`${example.expect.text}\` — did you mean \`${guess}\`?` : `unknown outcome \`${example.expect.text}\``,
        span: example.expect.span,
        help: `outcomes: ${OUTCOMES.join(', ')}`,
        ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: example.expect.span, replacement: guess }] } : {}),
      });
      continue;
    }
    if (example.by && !ruleIds.includes(example.by.text)) {
      const guess = suggest(example.by.text, ruleIds);
      diagnostics.push({
        code: 'AX1024',
        severity: 'error',
        message: guess ? `unknown rule \`${example.by.text}\` — did you mean \`${guess}\`?` : `unknown rule \`${example.by.text}\``,
        span: example.by.span,
        ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: example.by.span, replacement: guess }] } : {}),
      });
      continue;
    }
    if (inputProblems.length > 0) continue;
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
