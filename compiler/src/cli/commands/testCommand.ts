import { writeFileSync } from 'node:fs';
import type { Io } from '../Io.js';
import { UsageError } from '../readSource.js';
import { renderText } from '../renderDiagnostics.js';
import { renderJunit } from '../renderJunit.js';
import { actualText, expectedText, runPolicyTests, type PolicyTests } from '../testResults.js';

export interface TestCommandOptions {
  readonly reporter?: string;
  readonly out?: string;
}

/**
 * `axiru test FILE... [--reporter text|junit] [--out FILE]`: runs each policy's `example` blocks,
 * prints failures with expected and actual decisions, and names the rules no example reaches.
 * With --reporter junit the report is JUnit XML, written to --out (the text report still goes to
 * standard output) or else printed. Exit 1 if any example fails or a policy does not compile.
 */
export function testCommand(files: readonly string[], options: TestCommandOptions, io: Io): number {
  const reporter = options.reporter ?? 'text';
  if (reporter !== 'text' && reporter !== 'junit') throw new UsageError(`--reporter must be text or junit, not \`${reporter}\``);
  if (options.out !== undefined && reporter !== 'junit') throw new UsageError('--out writes the JUnit report: give --reporter junit too');
  const all = files.map(runPolicyTests);
  if (reporter === 'junit') {
    const xml = renderJunit(all);
    if (options.out === undefined) io.out(xml);
    else {
      try {
        writeFileSync(options.out, xml);
      } catch (error) {
        throw new UsageError(`--out ${options.out}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    }
  }
  if (reporter === 'text' || options.out !== undefined) io.out(textReport(all, io.color));
  const failed = all.some((tests) => tests.errors.length > 0 || tests.examples.some((e) => !e.passed));
  return failed ? 1 : 0;
}

function textReport(all: readonly PolicyTests[], color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  let broken = 0;
  for (const tests of all) {
    lines.push(paint('1', tests.file));
    if (tests.errors.length > 0) {
      broken++;
      lines.push(renderText({ file: tests.file, text: tests.text, diagnostics: tests.errors }, color));
      continue;
    }
    for (const example of tests.examples) {
      if (example.passed) {
        passed++;
        lines.push(`  ${paint('32', '✓')} ${example.name}`);
        continue;
      }
      failed++;
      lines.push(`  ${paint('31', '✗')} ${example.name}\n      expected: ${expectedText(example)}\n      actual:   ${actualText(example)}\n      reason:   ${example.actual.reason}\n      input:    ${JSON.stringify(example.input)}`);
    }
    if (tests.examples.length === 0) lines.push('  (no examples)');
    lines.push(`  coverage: ${tests.rules.length - tests.unreached.length}/${tests.rules.length} rules matched by an example, ${tests.decided.size} decided one`);
    if (tests.unreached.length > 0) lines.push(`  ${paint('33', 'not reached by any example')}: ${tests.unreached.join(', ')}`);
  }
  lines.push(`\nexamples: ${passed} passed, ${failed} failed${broken > 0 ? `; ${broken} polic${broken === 1 ? 'y' : 'ies'} did not compile` : ''}`);
  return lines.join('\n');
}
