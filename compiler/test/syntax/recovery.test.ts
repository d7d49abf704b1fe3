// Error recovery: several syntax errors in one pass, and the rules after a broken one are still
// parsed and checked, so an editor always has a tree and a person sees every problem at once.
import { describe, expect, test } from 'vitest';
import { compile, parse, rules } from '@axiru/compiler';
import { HEADER, spanText, summarize } from '../helpers/policies.js';

describe('syntax error recovery', () => {
  test('several syntax errors are reported in one pass, each where it is', () => {
    const text = `${HEADER}rule a:\n  blok refunds over $5\nrule b:\n  allow refunds over\nrule c\n  block refunds\nrule d:\n  flag refunds when (reason is x\n`;
    const errors = parse(text).diagnostics;
    expect(errors.map((d) => d.code)).toEqual(['AX1001', 'AX1001', 'AX1001', 'AX1001']);
    expect(errors.map((d) => spanText(text, d))).toEqual(['blok', 'rule', 'block', '']);
    expect(errors.map((d) => d.message)).toEqual([
      'expected a rule statement: `allow refunds ...`, `flag refunds ...`, `block refunds ...` or `refunds ... require ROLE`, found `blok`',
      'expected a value: `$150`, `150 EUR`, `30 days`, `3`, `80%`, a name or a quoted string, found `rule`',
      'expected `:`, found `block`',
      'expected `)`, found the end of the file',
    ]);
    // The error at the end of the file points just after the last token.
    expect(errors[3]!.span).toEqual({ start: text.length - 1, end: text.length - 1 });
  });

  test('rules after a broken rule are still checked', () => {
    const text = `${HEADER}rule broken:\n  blok refunds over $5\nrule later:\n  refunds over $150 require finance_manger\nrule last:\n  flag refunds when amout over $5\n`;
    const result = compile(text);
    expect(summarize(text, result.diagnostics).map((d) => [d.code, d.text])).toEqual([
      ['AX1001', 'blok'],
      ['AX1003', 'finance_manger'],
      ['AX1005', 'amout'],
    ]);
    expect(rules(result.file).map((r) => r.name?.text)).toEqual(['broken', 'later', 'last']);
  });

  test('a stray token between items is reported and parsing carries on', () => {
    const text = `${HEADER}rule a:\n  flag refunds over $1,5\nrule b:\n  refunds require cfx\n`;
    const result = compile(text);
    expect(summarize(text, result.diagnostics)).toEqual([
      {
        code: 'AX1001',
        message: 'expected a declaration (`roles`, `sources`, `otherwise`, `on missing`), a `rule`, an `example` or the `policy` header, found `,`',
        text: ',',
      },
      { code: 'AX1003', message: 'unknown role `cfx` — did you mean `cfo`?', text: 'cfx' },
    ]);
  });

  test('an unexpected character is reported and skipped', () => {
    const text = `${HEADER}rule a:\n  flag refunds when reason is 'x'\nrule b:\n  refunds require cfx\n`;
    const result = compile(text);
    const codes = result.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === 'AX1000')).toHaveLength(2);
    expect(result.diagnostics.find((d) => d.code === 'AX1000')!.help).toBe('strings are written in double quotes: "like this"');
    expect(codes).toContain('AX1003');
  });

  test('an unterminated string is closed at the end of its line, with a quick fix', () => {
    const text = `${HEADER}rule a:\n  flag refunds\n  because "never closed\nrule b:\n  refunds require cfx\n`;
    const result = compile(text);
    const [unterminated] = result.diagnostics.filter((d) => d.code === 'AX1026');
    expect(unterminated!.message).toBe('this string has no closing `"`');
    expect(spanText(text, unterminated!)).toBe('"never closed');
    expect(unterminated!.fixes![0]).toEqual({ title: 'Close the string', span: { start: unterminated!.span!.end, end: unterminated!.span!.end }, replacement: '"' });
    expect(rules(result.file)[0]!.because!.value).toBe('never closed');
    expect(result.diagnostics.map((d) => d.code)).toContain('AX1003');
  });

  test('a broken example does not hide the rules after it', () => {
    const text = `${HEADER}example "e" { amount: } expect allow\nrule b:\n  refunds require cfx\n`;
    expect(compile(text).diagnostics.map((d) => d.code)).toEqual(['AX1001', 'AX1003']);
  });

  test('a missing header and a syntax error are both reported', () => {
    const text = 'rule a:\n  blok refunds\n';
    expect(compile(text).diagnostics.map((d) => d.code).sort()).toEqual(['AX1001', 'AX1002']);
  });

  test('lowering tolerates a partial tree: every node still has a span inside the text', () => {
    const text = `${HEADER}rule a: refunds over require\nrule b: block refunds when not\nrule c: refunds when ( require\nexample "x" { a: { } expect\nroles\n`;
    const { file } = parse(text);
    const spans: { start: number; end: number }[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        const span = (value as { span?: { start: number; end: number } }).span;
        if (span) spans.push(span);
        Object.values(value).forEach(walk);
      }
    };
    walk(file);
    expect(spans.length).toBeGreaterThan(5);
    for (const span of spans) {
      expect(span.start).toBeGreaterThanOrEqual(0);
      expect(span.end).toBeLessThanOrEqual(text.length);
      expect(span.start).toBeLessThanOrEqual(span.end);
    }
  });
});
