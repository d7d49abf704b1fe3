import { describe, expect, test } from 'vitest';
import { HeaderCheck } from '../../src/checks/HeaderCheck.js';
import { compile } from '@axiru/compiler';
import { applyFix, runCheck, spanText, summarize } from '../helpers/policies.js';

describe('HeaderCheck (AX1002, AX1007, AX1008, AX1001 for an empty name)', () => {
  test('a file without a header, with a quick fix that inserts one', () => {
    const text = '# comment\nrule r:\n  allow refunds\n';
    const [d, ...rest] = runCheck(HeaderCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1002');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('the policy has no header');
    expect(d!.span).toEqual({ start: text.indexOf('rule'), end: text.indexOf('rule') });
    expect(d!.help).toBe('start the file with `policy "NAME" version 1`');
    const fixed = applyFix(text, d!.fixes![0]!);
    expect(fixed.startsWith('policy "my-policy" version 1\n\n')).toBe(true);
    expect(compile(fixed).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  test('an empty file has no header either', () => {
    expect(runCheck(HeaderCheck, '').map((d) => [d.code, d.span])).toEqual([['AX1002', { start: 0, end: 0 }]]);
  });

  test('the header must come first', () => {
    const text = 'roles cfo\npolicy "p" version 1\n';
    const [d] = runCheck(HeaderCheck, text);
    expect(d!.code).toBe('AX1002');
    expect(d!.message).toBe('the policy header must come first');
    expect(spanText(text, d!)).toBe('policy "p" version 1');
    expect(d!.related!.map((r) => text.slice(r.span.start, r.span.end))).toEqual(['roles cfo']);
  });

  test('comments and blank lines may precede the header', () => {
    expect(runCheck(HeaderCheck, '# Acme\n\n# more\npolicy "p" version 1\n')).toEqual([]);
  });

  test('a second header', () => {
    const text = 'policy "a" version 1\npolicy "b" version 2\n';
    expect(summarize(text, runCheck(HeaderCheck, text))).toEqual([{ code: 'AX1007', message: 'a policy has exactly one header', text: 'policy "b" version 2' }]);
  });

  test.each([
    ['0', '0'],
    ['v3', 'v3'],
    ['"3"', '"3"'],
    ['1.5', '1.5'],
    ['1,000', '1,000'],
    ['99999999999999999999', '99999999999999999999'],
  ])('version %s is not a positive integer', (version, shown) => {
    const text = `policy "p" version ${version}\n`;
    const [d] = runCheck(HeaderCheck, text);
    expect(d!.code).toBe('AX1008');
    expect(d!.message).toBe(`the version must be a positive integer, found \`${shown}\``);
    expect(spanText(text, d!)).toBe(version);
    expect(d!.help).toBe('write `version 1`, `version 2`, ...; the decision API reports it as `v1`, `v2`');
  });

  test('an empty policy name is an error, not IR the runtime refuses', () => {
    // Regression: `policy "" version 1` compiled to IR with an empty name and compile() threw.
    const text = 'policy "" version 1\n';
    expect(summarize(text, runCheck(HeaderCheck, text))).toEqual([{ code: 'AX1001', message: 'the policy name cannot be empty', text: '""' }]);
    expect(compile(text).ok).toBe(false);
  });

  test('a good header gives nothing', () => {
    expect(runCheck(HeaderCheck, 'policy "acme-refunds" version 3\n')).toEqual([]);
    expect(runCheck(HeaderCheck, 'policy "a name with spaces" version 12\n')).toEqual([]);
  });
});
