// Golden snapshots for every policy under examples/, found by glob: a new file is a new case.
// Valid policies (examples/*.axiru) snapshot their IR and must compile with no diagnostic at
// all; invalid ones (examples/invalid/AXnnnn-case.axiru) snapshot their diagnostics and must
// produce the code in their name. Update with `npx vitest run compiler/test -u` after a
// deliberate change, and review the diff.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CODES, compile, toJsonDiagnostic, type CompileResult, type DiagnosticCode } from '@axiru/compiler';
import { EXAMPLES, exampleFiles, isInvalidExample } from '../helpers/paths.js';

const files = exampleFiles();
const valid = files.filter((file) => !isInvalidExample(file));
const invalid = files.filter(isInvalidExample);

const results = new Map<string, { text: string; result: CompileResult }>();
function compiled(file: string): { text: string; result: CompileResult } {
  let entry = results.get(file);
  if (!entry) {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    entry = { text, result: compile(text, { fileName: `examples/${file}` }) };
    results.set(file, entry);
  }
  return entry;
}

/** One line per diagnostic: 1-based `line:col-endLine:endCol severity code message`. */
function renderDiagnostics(file: string): string {
  const { text, result } = compiled(file);
  return result.diagnostics
    .map((d) => {
      const j = toJsonDiagnostic(d, text, file);
      return `${j.line}:${j.column}-${j.endLine}:${j.endColumn} ${j.severity} ${j.code} ${j.message}\n`;
    })
    .join('');
}

/** The code an invalid example is named after: `AX1003-unknown-role.axiru` -> AX1003. */
function namedCode(file: string): string {
  return /^invalid\/(AX\d{4})-/.exec(file)?.[1] ?? '';
}

/**
 * Codes no file in examples/invalid can produce, each with the reason. Keep this short: a code
 * belongs here only when the compiler cannot reach it from a policy file. Empty today: even
 * AX2005 (analysis inconclusive) has a file, AX2005-analysis-limit.axiru.
 */
const UNREACHABLE_FROM_A_FILE: Readonly<Partial<Record<DiagnosticCode, string>>> = {
  AX1999: 'an internal compiler error: no valid or invalid policy should ever produce it',
};

test('the glob finds the valid and the invalid examples', () => {
  expect(valid).toContain('acme.axiru');
  expect(invalid.length).toBeGreaterThanOrEqual(Object.keys(CODES).length - Object.keys(UNREACHABLE_FROM_A_FILE).length);
});

describe.each(valid)('examples/%s', (file) => {
  test('compiles with no error and no warning', () => {
    const { result } = compiled(file);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(result.ir).not.toBeNull();
  });

  test('IR snapshot', async () => {
    await expect(`${JSON.stringify(compiled(file).result.ir, null, 2)}\n`).toMatchFileSnapshot(`../__golden__/${file}.ir.json`);
  });

  test('diagnostics snapshot', async () => {
    await expect(renderDiagnostics(file)).toMatchFileSnapshot(`../__golden__/${file}.diagnostics.txt`);
  });
});

describe.each(invalid)('examples/%s', (file) => {
  test('is named after a known diagnostic code', () => {
    expect(file).toMatch(/^invalid\/AX\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*\.axiru$/);
    expect(Object.keys(CODES)).toContain(namedCode(file));
  });

  test('produces the code in its name', () => {
    const codes = compiled(file).result.diagnostics.map((d) => d.code);
    expect(codes).toContain(namedCode(file));
  });

  test('reports its code with the severity codes.ts gives it, and fails to compile on an error', () => {
    const code = namedCode(file) as keyof typeof CODES;
    const { result } = compiled(file);
    const named = result.diagnostics.filter((d) => d.code === code);
    expect(named.map((d) => d.severity)).toEqual(named.map(() => CODES[code].severity));
    expect(result.ok).toBe(CODES[code].severity !== 'error');
  });

  test('diagnostics snapshot', async () => {
    await expect(renderDiagnostics(file)).toMatchFileSnapshot(`../__golden__/${file}.diagnostics.txt`);
  });
});

describe('every diagnostic code has an invalid example', () => {
  test.each(Object.keys(CODES).filter((code) => !(code in UNREACHABLE_FROM_A_FILE)))('%s is produced by a file in examples/invalid', (code) => {
    const producers = invalid.filter((file) => compiled(file).result.diagnostics.some((d) => d.code === code));
    expect(producers, `no file in examples/invalid produces ${code}; add examples/invalid/${code}-<case>.axiru`).not.toEqual([]);
  });
});
