import { compile } from '../../compile.js';
import type { Io } from '../Io.js';
import { readSource } from '../readSource.js';
import { renderText } from '../renderDiagnostics.js';

/**
 * `axiru test FILE...`: runs each policy's `example` blocks, prints failures with expected and
 * actual decisions, and names the rules no example reaches. Exit 1 if any example fails or a
 * policy does not compile.
 */
export function testCommand(files: readonly string[], io: Io): number {
  const paint = (code: string, s: string) => (io.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  let passed = 0;
  let failed = 0;
  let broken = 0;
  for (const file of files) {
    const text = readSource(file);
    const result = compile(text, { fileName: file, analysis: false });
    io.out(paint('1', file));
    const errors = result.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'AX1023');
    if (!result.ir || errors.length > 0) {
      broken++;
      io.out(renderText({ file, text, diagnostics: errors }, io.color));
      continue;
    }
    for (const example of result.examples) {
      if (example.passed) {
        passed++;
        io.out(`  ${paint('32', '✓')} ${example.name}`);
        continue;
      }
      failed++;
      const expected = `${example.expected.outcome}${example.expected.rule ? ` by ${example.expected.rule}` : ''}`;
      const actual = `${example.actual.outcome}${example.actual.matched_rule ? ` by ${example.actual.matched_rule}` : ' (no rule matched)'}`;
      io.out(`  ${paint('31', '✗')} ${example.name}\n      expected: ${expected}\n      actual:   ${actual}\n      reason:   ${example.actual.reason}\n      input:    ${JSON.stringify(example.input)}`);
    }
    if (result.examples.length === 0) io.out('  (no examples)');
    const reached = new Set(result.examples.flatMap((e) => e.actual.matched_rules));
    const decided = new Set(result.examples.map((e) => e.actual.matched_rule).filter((r): r is string => r !== null));
    const rules = result.ir.rules.map((r) => r.id);
    const unreached = rules.filter((r) => !reached.has(r));
    io.out(`  coverage: ${rules.length - unreached.length}/${rules.length} rules matched by an example, ${decided.size} decided one`);
    if (unreached.length > 0) io.out(`  ${paint('33', 'not reached by any example')}: ${unreached.join(', ')}`);
  }
  io.out(`\nexamples: ${passed} passed, ${failed} failed${broken > 0 ? `; ${broken} polic${broken === 1 ? 'y' : 'ies'} did not compile` : ''}`);
  return failed > 0 || broken > 0 ? 1 : 0;
}
