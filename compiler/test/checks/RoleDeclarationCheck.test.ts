import { describe, expect, test } from 'vitest';
import { RoleDeclarationCheck } from '../../src/checks/RoleDeclarationCheck.js';
import { runCheck, spanText, summarize } from '../helpers/policies.js';

const file = (...lines: string[]) => `policy "p" version 1\n${lines.join('\n')}\n`;

describe('RoleDeclarationCheck (AX1015, AX1018)', () => {
  test('a role twice in one chain', () => {
    const text = file('roles a < b < a');
    const found = runCheck(RoleDeclarationCheck, text);
    const duplicate = found.find((d) => d.code === 'AX1018')!;
    expect(duplicate.severity).toBe('error');
    expect(duplicate.message).toBe('role `a` appears twice in one chain');
    expect(duplicate.span!.start).toBe(text.lastIndexOf('a'));
    expect(duplicate.related!.map((r) => r.span.start)).toEqual([text.indexOf('a <')]);
    // ... which is also a cycle.
    expect(found.filter((d) => d.code === 'AX1015').length).toBeGreaterThan(0);
  });

  test('a plain role declared twice, across lines', () => {
    const text = file('roles support_lead', 'roles cfo, support_lead');
    const [d, ...rest] = runCheck(RoleDeclarationCheck, text);
    expect(rest).toEqual([]);
    expect(d!.message).toBe('role `support_lead` is declared twice');
    expect(d!.span!.start).toBe(text.lastIndexOf('support_lead'));
    expect(d!.related![0]!.message).toBe('first declared here');
  });

  test('a source declared twice', () => {
    const text = file('sources support_tool, ai_agent', 'sources ai_agent');
    const [d] = runCheck(RoleDeclarationCheck, text);
    expect(d!.code).toBe('AX1018');
    expect(d!.message).toBe('source `ai_agent` is declared twice');
    expect(d!.span!.start).toBe(text.lastIndexOf('ai_agent'));
    expect(d!.related![0]!.span.start).toBe(text.indexOf('ai_agent'));
  });

  test('a seniority cycle across lines names each role in it', () => {
    const text = file('roles a < b', 'roles b < c', 'roles c < a', 'roles d');
    const found = runCheck(RoleDeclarationCheck, text);
    expect(summarize(text, found)).toEqual([
      { code: 'AX1015', message: 'role `a` is senior to itself through `<`', text: 'a' },
      { code: 'AX1015', message: 'role `b` is senior to itself through `<`', text: 'b' },
      { code: 'AX1015', message: 'role `c` is senior to itself through `<`', text: 'c' },
    ]);
    expect(found[0]!.help).toBe('seniority must run one way: `junior < senior`');
    expect(spanText(text, found[0]!)).toBe('a');
  });

  test.each([
    ['a chain and a plain name', 'roles a < b, c'],
    ['a role in several chains', 'roles a < b\nroles b < c\nroles a < c'],
    ['the same chain twice', 'roles a < b\nroles a < b'],
    ['several sources lines adding up', 'sources support_tool\nsources ai_agent, automation'],
    ['soft keywords as names', 'roles block < over\nsources missing, allow'],
  ])('no diagnostic for %s', (_, lines) => {
    expect(runCheck(RoleDeclarationCheck, file(lines))).toEqual([]);
  });
});
