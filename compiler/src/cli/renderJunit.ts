// `axiru test --reporter junit`: JUnit XML as CI systems read it (GitHub and GitLab test
// reports, Jenkins). One <testsuite> per policy file; one <testcase> per example, with a
// <failure> giving expected against actual; each rule no example reaches is a skipped case
// whose message says so; a policy that does not compile is one case with an <error>.
// The element and attribute set is the common one of the Ant/Surefire schema.

import { create } from 'xmlbuilder2';
import { renderText } from './renderDiagnostics.js';
import { actualText, exampleLine, expectedText, type PolicyTests } from './testResults.js';

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function renderJunit(all: readonly PolicyTests[]): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'axiru test' });
  for (const tests of all) {
    const counts: Counts = {
      tests: tests.errors.length > 0 ? 1 : tests.examples.length + tests.unreached.length,
      failures: tests.examples.filter((e) => !e.passed).length,
      errors: tests.errors.length > 0 ? 1 : 0,
      skipped: tests.unreached.length,
    };
    for (const key of Object.keys(total) as Array<keyof Counts>) total[key] += counts[key];
    const suite = root.ele('testsuite', { name: tests.file, file: tests.file, ...stringify(counts) });
    const classname = tests.policy ?? tests.file;
    if (tests.errors.length > 0) {
      suite.ele('testcase', { classname, name: 'compiles', file: tests.file })
        .ele('error', { message: `${tests.file} does not compile: ${tests.errors.length} error${tests.errors.length === 1 ? '' : 's'}`, type: 'compile_error' })
        .txt(renderText({ file: tests.file, text: tests.text, diagnostics: tests.errors }, false));
      continue;
    }
    for (const example of tests.examples) {
      const testcase = suite.ele('testcase', { classname, name: example.name, file: tests.file, line: String(exampleLine(tests, example)) });
      if (example.passed) continue;
      testcase.ele('failure', { message: `expected ${expectedText(example)}, got ${actualText(example)}`, type: 'example_failed' }).txt([
        `expected: ${expectedText(example)}`,
        `actual:   ${actualText(example)}`,
        `reason:   ${example.actual.reason}`,
        `input:    ${JSON.stringify(example.input)}`,
      ].join('\n'));
    }
    for (const rule of tests.unreached) {
      suite.ele('testcase', { classname, name: `rule ${rule} is reached by an example`, file: tests.file })
        .ele('skipped', { message: `no example reaches rule \`${rule}\`: add an example that it matches` });
    }
  }
  for (const [key, value] of Object.entries(stringify(total))) root.att(key, value);
  return root.end({ prettyPrint: true });
}

function stringify(counts: Counts): Record<string, string> {
  return { tests: String(counts.tests), failures: String(counts.failures), errors: String(counts.errors), skipped: String(counts.skipped) };
}
