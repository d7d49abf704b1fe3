// What `axiru test` finds in each policy file — its examples' results and the rules no example
// reaches — apart from how it is reported (text for people, JUnit XML for CI).

import { compile } from '../compile.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import type { ExampleResult } from '../examples/runExamples.js';
import { LineIndex } from '../source/LineIndex.js';
import { readSource } from './readSource.js';

export interface PolicyTests {
  readonly file: string;
  readonly text: string;
  /** The policy's name, or null when it does not compile. */
  readonly policy: string | null;
  /** Errors that keep the examples from running (a failing example is not one of them). */
  readonly errors: readonly Diagnostic[];
  readonly examples: readonly ExampleResult[];
  /** Every rule, in policy order. */
  readonly rules: readonly string[];
  /** Rules no example matched. */
  readonly unreached: readonly string[];
  /** Rules that decided at least one example. */
  readonly decided: ReadonlySet<string>;
}

export function runPolicyTests(file: string): PolicyTests {
  const text = readSource(file);
  const result = compile(text, { fileName: file, analysis: false });
  const errors = result.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'AX1023');
  if (!result.ir || errors.length > 0) {
    return { file, text, policy: null, errors, examples: [], rules: [], unreached: [], decided: new Set() };
  }
  const reached = new Set(result.examples.flatMap((e) => e.actual.matched_rules));
  const rules = result.ir.rules.map((r) => r.id);
  return {
    file, text, policy: result.ir.policy, errors: [], examples: result.examples, rules,
    unreached: rules.filter((r) => !reached.has(r)),
    decided: new Set(result.examples.map((e) => e.actual.matched_rule).filter((r): r is string => r !== null)),
  };
}

export function expectedText(example: ExampleResult): string {
  return `${example.expected.outcome}${example.expected.rule ? ` by ${example.expected.rule}` : ''}`;
}

export function actualText(example: ExampleResult): string {
  return `${example.actual.outcome}${example.actual.matched_rule ? ` by ${example.actual.matched_rule}` : ' (no rule matched)'}`;
}

/** The 1-based line an example starts on. */
export function exampleLine(tests: PolicyTests, example: ExampleResult): number {
  return new LineIndex(tests.text).positionAt(example.span.start).line + 1;
}
