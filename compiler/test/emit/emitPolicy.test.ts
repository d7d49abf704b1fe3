// IR emission: the canonical hash, what it depends on and what it does not, normalization of
// equivalent spellings, and the source map kept apart from the IR.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { canonicalJson, compile, hashIR } from '@axiru/compiler';
import { CanonicalJsonError } from '@axiru/runtime';
import type { PolicyIR } from '@axiru/runtime';

const irOf = (text: string): PolicyIR => {
  const result = compile(text, { analysis: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.ir!;
};

const BASE = 'policy "p" version 2\nroles support_lead < cfo\nrule big:\n  refunds over $150 require cfo\nrule small:\n  allow refunds up to $150\notherwise require support_lead\n';

describe('canonical JSON and the hash', () => {
  test('canonical JSON sorts keys by code unit, drops undefined, and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: undefined, y: 2.5 }, B: 0 })).toBe('{"B":0,"a":[true,null,"x"],"b":1,"c":{"y":2.5}}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(CanonicalJsonError);
  });

  test('the hash is sha256 of the canonical IR without the hash', () => {
    const ir = irOf(BASE);
    const { hash, ...content } = ir;
    expect(hash).toBe(`sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`);
    expect(hashIR(ir)).toBe(hash);
  });

  test('layout, comments, examples and declaration order do not change the hash', () => {
    const hash = irOf(BASE).hash;
    const relaid = '# a comment\npolicy "p"\n  version 2 # here\nroles support_lead<cfo\n\n\nrule big: refunds\n over $150\n require cfo # why\notherwise require support_lead\nrule small: allow refunds up to $150\nexample "e" { amount: $5 } expect allow\n';
    expect(irOf(relaid).hash).toBe(hash);
    const reordered = 'policy "p" version 2\notherwise require support_lead\nroles cfo\nroles support_lead < cfo\nrule big:\n  refunds over $150 require cfo\nrule small:\n  allow refunds up to $150\n';
    expect(irOf(reordered).hash).toBe(hash);
  });

  test('what a policy says changes the hash: a threshold, an outcome, the version, the rule order', () => {
    const hash = irOf(BASE).hash;
    expect(irOf(BASE.replace('$150 require', '$151 require')).hash).not.toBe(hash);
    expect(irOf(BASE.replace('allow refunds', 'flag refunds')).hash).not.toBe(hash);
    expect(irOf(BASE.replace('version 2', 'version 3')).hash).not.toBe(hash);
    const swapped = 'policy "p" version 2\nroles support_lead < cfo\nrule small:\n  allow refunds up to $150\nrule big:\n  refunds over $150 require cfo\notherwise require support_lead\n';
    expect(irOf(swapped).hash).not.toBe(hash);
  });

  test('equivalent spellings compile to the same condition', () => {
    const condition = (when: string) => irOf(`policy "p" version 1\nrule r:\n  flag refunds when ${when}\n`).rules[0]!.condition;
    expect(condition('((reason is a))')).toEqual(condition('reason is a'));
    expect(condition('not not reason is a')).toEqual(condition('reason is a'));
    expect(condition('reason in [a]')).toEqual(condition('reason is a'));
    expect(condition('reason in [a, a, b]')).toEqual(condition('reason in [a, b]'));
    expect(condition('reason is a and (reason is b and reason is c)')).toEqual(condition('reason is a and reason is b and reason is c'));
    expect(condition('amount up to $5')).toEqual(condition('amount at most $5.00'));
    expect(condition('customer tenure under 2 days')).toEqual(condition('customer tenure under 48 hours'));
    expect(condition('currency is eur')).toEqual(condition('currency is "EUR"'));
  });
});

describe('the IR', () => {
  test('policy, version, roles with rank and seniors, sources, default, on_missing, rules, facts', () => {
    const ir = irOf(`${BASE}on missing block\n`);
    expect(ir).toMatchObject({
      ir_version: 1,
      policy: 'p',
      version: 2,
      roles: [
        { name: 'cfo', rank: 1, seniors: [] },
        { name: 'support_lead', rank: 0, seniors: ['cfo'] },
      ],
      sources: ['ai_agent', 'automation', 'stripe_direct', 'support_tool'],
      default: { outcome: 'pending_approval', approval: { roles: ['support_lead'], count: 1 } },
      on_missing: { outcome: 'block' },
      facts: [],
    });
    expect(ir.rules.map((r) => [r.id, r.outcome])).toEqual([
      ['big', 'pending_approval'],
      ['small', 'allow'],
    ]);
  });

  test('no source positions in the IR; they are in the source map', () => {
    const result = compile(BASE, { analysis: false });
    expect(JSON.stringify(result.ir)).not.toMatch(/"(span|start|end)"/);
    const map = result.sourceMap!;
    expect(BASE.slice(map.rules['big']!.name.start, map.rules['big']!.name.end)).toBe('big');
    expect(BASE.slice(map.rules['big']!.statement.start, map.rules['big']!.statement.end)).toBe('refunds over $150 require cfo');
    expect(map.rules['big']!.because).toBeNull();
    expect(BASE.slice(map.default!.start, map.default!.end)).toBe('otherwise require support_lead');
    expect(map.onMissing).toBeNull();
    expect(map.roles['cfo']!.map((s) => BASE.slice(s.start, s.end))).toEqual(['cfo']);
    expect(BASE.slice(map.header!.start, map.header!.end)).toBe('policy "p" version 2');
  });

  test('a file with errors has no IR and no source map', () => {
    const result = compile('policy "p" version 1\nrule r:\n  refunds over $5 require nobody\n');
    expect(result.ir).toBeNull();
    expect(result.sourceMap).toBeNull();
  });
});
