import { describe, expect, test } from 'vitest';
import { DuplicateDeclarationCheck } from '../../src/checks/DuplicateDeclarationCheck.js';
import { policy, runCheck, spanText } from '../helpers/policies.js';

describe('DuplicateDeclarationCheck (AX1007)', () => {
  test('a second `otherwise`', () => {
    const text = policy('otherwise allow', 'otherwise require cfo');
    const [d, ...rest] = runCheck(DuplicateDeclarationCheck, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe('AX1007');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('`otherwise` is declared more than once');
    expect(spanText(text, d!)).toBe('otherwise require cfo');
    expect(d!.related!.map((r) => text.slice(r.span.start, r.span.end))).toEqual(['otherwise allow']);
  });

  test('a second and a third `on missing`', () => {
    const text = policy('on missing block', 'on missing flag', 'on missing require 2 approvals from cfo');
    const found = runCheck(DuplicateDeclarationCheck, text);
    expect(found.map((d) => d.message)).toEqual(['`on missing` is declared more than once', '`on missing` is declared more than once']);
    expect(found.map((d) => spanText(text, d))).toEqual(['on missing flag', 'on missing require 2 approvals from cfo']);
  });

  test('one of each is fine, in any place after the header', () => {
    const text = policy('rule r:', '  allow refunds', 'on missing block', 'otherwise require 2 approvals from cfo');
    expect(runCheck(DuplicateDeclarationCheck, text)).toEqual([]);
  });
});
