// The formatter and the printer against the parser, on every example file: `parse(print(ast))`
// is the same tree (modulo positions), formatting is idempotent, keeps every comment, and never
// changes the IR hash. Generated policies get the same properties in properties/format.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile, formatPolicy, parse, printStatement, rules } from '@axiru/compiler';
import { EXAMPLES, exampleFiles, isInvalidExample } from '../helpers/paths.js';
import { stripSpans } from '../helpers/stripSpans.js';

const files = exampleFiles();
const read = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8');
const formattable = files.filter((file) => formatPolicy(read(file)).text !== null);

/** Comment texts in order, without trailing blanks (the formatter trims those). */
const commentsOf = (text: string) => parse(text).file.comments.map((c) => c.text.trimEnd());

test('every valid example and every invalid one without syntax errors can be formatted', () => {
  for (const file of files.filter((f) => !isInvalidExample(f))) expect(formattable).toContain(file);
  expect(formattable.length).toBeGreaterThan(files.filter((f) => !isInvalidExample(f)).length);
});

describe.each(formattable)('examples/%s', (file) => {
  const text = read(file);
  const formatted = formatPolicy(text).text!;

  test('parse(format(text)) is the same tree as parse(text), modulo positions', () => {
    expect(stripSpans(parse(formatted).file.items)).toEqual(stripSpans(parse(text).file.items));
  });

  test('formatting is idempotent', () => {
    expect(formatPolicy(formatted).text).toBe(formatted);
  });

  test('formatting keeps every comment, in order', () => {
    expect(commentsOf(formatted)).toEqual(commentsOf(text));
  });

  test('formatting keeps the diagnostics` codes and, for a valid policy, the IR hash', () => {
    const before = compile(text);
    const after = compile(formatted);
    expect(after.diagnostics.map((d) => d.code)).toEqual(before.diagnostics.map((d) => d.code));
    expect(after.ir?.hash).toBe(before.ir?.hash);
  });

  test('every rule statement prints to text that parses back to the same statement', () => {
    const statements = rules(parse(text).file).flatMap((rule) => (rule.statement ? [rule.statement] : []));
    const reparsed = statements.map((statement) => {
      const again = parse(`policy "p" version 1\nrule r: ${printStatement(statement)}\n`);
      return { errors: again.diagnostics.filter((d) => d.code === 'AX1001'), statement: stripSpans(rules(again.file)[0]?.statement) };
    });
    expect(reparsed).toEqual(statements.map((statement) => ({ errors: [], statement: stripSpans(statement) })));
  });
});

test('examples/acme.axiru is already in canonical layout', () => {
  const text = read('acme.axiru');
  expect(formatPolicy(text).text).toBe(text);
});
