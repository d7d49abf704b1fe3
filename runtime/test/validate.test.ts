// validateIR(): precise, path-prefixed messages for every kind of malformed IR, refusal of
// other ir_versions, and no exception whatever it is given.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPolicy, validateIR, type PolicyIR } from '@axiru/runtime';
import { acmeIR, always, cmp, F, policy, rule, usd } from './helpers.js';

type Mutable = Record<string, unknown>;

/** The errors of the acme IR after `change` edits a copy of it. */
function errorsAfter(change: (ir: Mutable & { rules: Mutable[]; roles: Mutable[]; facts: Mutable[]; default: Mutable }) => void): readonly string[] {
  const ir = structuredClone(acmeIR()) as unknown as Mutable & { rules: Mutable[]; roles: Mutable[]; facts: Mutable[]; default: Mutable };
  change(ir);
  const result = validateIR(ir);
  if (result.ok) throw new Error('expected the IR to be refused');
  return result.errors;
}

/** A deep property of the acme IR by path, for editing. */
function at(root: unknown, ...path: (string | number)[]): Mutable {
  let node = root;
  for (const key of path) node = (node as Mutable)[key];
  return node as Mutable;
}

function errorsOf(value: unknown): readonly string[] {
  const result = validateIR(value);
  return result.ok ? [] : result.errors;
}

describe('validateIR accepts', () => {
  it('the acme fixture, returning it', () => {
    const ir = acmeIR();
    const result = validateIR(ir);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.ir).toBe(ir);
  });

  it('a policy without rules, and rules without condition', () => {
    expect(validateIR(policy([])).ok).toBe(true);
    expect(validateIR(policy([rule('r', 'allow', always)])).ok).toBe(true);
  });
});

describe('validateIR refuses', () => {
  it('anything but an object', () => {
    expect(errorsOf(null)).toEqual(['policy IR: expected an object, got null']);
    expect(errorsOf([])).toEqual(['policy IR: expected an object, got an array']);
    expect(errorsOf('{}')).toEqual(['policy IR: expected an object, got string "{}"']);
    expect(errorsOf(undefined)).toEqual(['policy IR: expected an object, got nothing']);
  });

  it('another ir_version, with a clear message and nothing else', () => {
    expect(errorsAfter((ir) => (ir['ir_version'] = 3))).toEqual(['unsupported ir_version 3: this runtime reads ir_version 1 or 2']);
    expect(errorsOf({ ir_version: 3, whatever: true })).toEqual(['unsupported ir_version 3: this runtime reads ir_version 1 or 2']);
    expect(errorsAfter((ir) => (ir['ir_version'] = '1'))).toEqual(['ir_version: expected the number 1 or 2, got string "1"']);
    expect(errorsAfter((ir) => delete ir['ir_version'])).toEqual(['ir_version: missing; this runtime reads ir_version 1 or 2']);
  });

  it('unknown properties, anywhere', () => {
    expect(errorsAfter((ir) => (ir['comment'] = 'x'))).toEqual(['comment: unexpected property']);
    expect(errorsAfter((ir) => (at(ir, 'roles', 0)['a b'] = 'x'))).toEqual(['roles[0]["a b"]: unexpected property']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition')['span'] = [1, 2]))).toEqual(['rules[0].condition.span: unexpected property']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition', 'value')['cents'] = 1))).toEqual(['rules[0].condition.value.cents: unexpected property']);
  });

  it('a bad header', () => {
    expect(errorsAfter((ir) => (ir['policy'] = ''))).toEqual(['policy: expected a non-empty string, got string ""']);
    expect(errorsAfter((ir) => (ir['version'] = 0))).toEqual(['version: expected an integer of at least 1, got 0']);
    expect(errorsAfter((ir) => (ir['version'] = 2.5))).toEqual(['version: expected a safe integer, got 2.5']);
    expect(errorsAfter((ir) => (ir['hash'] = 'sha256:abc'))).toEqual(['hash: expected "sha256:" followed by 64 lower-case hex digits, got string "sha256:abc"']);
    expect(errorsAfter((ir) => delete ir['policy'])).toEqual(['policy: missing (expected a non-empty string)']);
  });

  it('inconsistent roles', () => {
    expect(errorsAfter((ir) => (at(ir, 'roles', 2)['name'] = 'support_lead'))).toContain('roles[2].name: duplicate role "support_lead" (also roles[0])');
    expect(errorsAfter((ir) => (at(ir, 'roles', 1)['seniors'] = ['ceo']))).toContain('roles[1].seniors[0]: unknown role "ceo"');
    expect(errorsAfter((ir) => (at(ir, 'roles', 2)['seniors'] = ['cfo']))).toContain('roles[2].seniors[0]: role "cfo" cannot be senior to itself');
    expect(errorsAfter((ir) => (at(ir, 'roles', 0)['seniors'] = ['finance_manager', 'cfo']))).toEqual([
      'roles[0].seniors[1]: seniors must be sorted by name and unique ("cfo" after "finance_manager")',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'roles', 0)['seniors'] = ['finance_manager']))).toEqual([
      'roles[0].seniors: must include "cfo", which is senior to "finance_manager" (seniority is transitive)',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'roles', 2)['seniors'] = ['finance_manager']))).toContain(
      'roles[2].seniors: "finance_manager" and "cfo" are each senior to the other',
    );
    expect(errorsAfter((ir) => (at(ir, 'roles', 2)['rank'] = 1))).toEqual(['roles[2].rank: expected 2 (the longest chain of roles junior to "cfo"), got 1']);
    expect(errorsAfter((ir) => (at(ir, 'roles', 0)['rank'] = -1))).toEqual(['roles[0].rank: expected a non-negative integer, got -1']);
  });

  it('bad sources and facts', () => {
    expect(errorsAfter((ir) => (ir['sources'] = ['a', 'a', 3, 'ai_agent', 'automation']))).toEqual([
      'sources[1]: duplicate source "a"',
      'sources[2]: expected a non-empty string, got 3',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'facts', 0)['window_hours'] = 24))).toEqual(['facts[0].window_hours: expected 720 for the fact "customer_refunds_last_30_days", got 24']);
    expect(errorsAfter((ir) => (at(ir, 'facts', 0)['name'] = 'refunds_30'))).toContain(
      'facts[0].name: expected a name like "customer_refunds_last_30_days" or "customer_refunds_last_48_hours", got string "refunds_30"',
    );
    expect(errorsAfter((ir) => (at(ir, 'facts', 0)['kind'] = 'refund_count'))).toContain('facts[0].kind: expected "customer_refund_count" or "charge_refunded", got string "refund_count"');
    expect(errorsAfter((ir) => ir.facts.unshift({ name: 'customer_refunds_last_7_days', kind: 'customer_refund_count', window_hours: 168 }))).toEqual([
      'facts[1].name: facts must be sorted by name ("customer_refunds_last_30_days" after "customer_refunds_last_7_days")',
    ]);
    expect(errorsAfter((ir) => ir.facts.push({ name: 'customer_refunds_last_30_days', kind: 'customer_refund_count', window_hours: 720 }))).toEqual([
      'facts[1].name: duplicate fact "customer_refunds_last_30_days"',
    ]);
    expect(errorsAfter((ir) => ir.facts.unshift({ name: 'charge_refunded', kind: 'charge_refunded' }))).toContain('facts[0].name: expected "charge_refunded_cents", got string "charge_refunded"');
  });

  it('verdicts whose approval does not match the outcome', () => {
    expect(errorsAfter((ir) => delete ir.default['approval'])).toEqual(['default.approval: missing (required when the outcome is pending_approval)']);
    expect(errorsAfter((ir) => (ir.default['outcome'] = 'allow'))).toEqual(['default.approval: must be absent when the outcome is allow (only pending_approval has one)']);
    expect(errorsAfter((ir) => (ir.default['outcome'] = 'deny'))).toEqual(['default.outcome: expected one of allow, flag, pending_approval, block, got string "deny"']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 4)['approval'] = { roles: ['cfo'], count: 1 }))).toEqual([
      'rules[4].approval: must be absent when the outcome is allow (only pending_approval has one)',
    ]);
    expect(errorsAfter((ir) => delete ir['on_missing'])).toEqual(['on_missing: missing (expected a verdict or null)']);
    expect(errorsAfter((ir) => (ir['on_missing'] = { outcome: 'pending_approval' }))).toEqual(['on_missing.approval: missing (required when the outcome is pending_approval)']);
  });

  it('approvals naming undeclared roles or impossible counts', () => {
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'approval')['roles'] = ['finance_manger']))).toEqual([
      'rules[0].approval.roles[0]: unknown role "finance_manger" (declared: support_lead, finance_manager, cfo)',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'approval')['roles'] = []))).toEqual(['rules[0].approval.roles: expected at least one role']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'approval')['roles'] = ['cfo', 'cfo']))).toEqual(['rules[0].approval.roles[1]: duplicate role "cfo"']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 1, 'approval')['count'] = 0))).toEqual(['rules[1].approval.count: expected an integer of at least 1, got 0']);
    expect(errorsAfter((ir) => (at(ir, 'default', 'approval')['count'] = 1.5))).toEqual(['default.approval.count: expected a safe integer, got 1.5']);
  });

  it('bad rules', () => {
    expect(errorsAfter((ir) => (at(ir, 'rules', 2)['id'] = 'high_value_refund_review'))).toEqual(['rules[2].id: duplicate rule id "high_value_refund_review" (also rules[0])']);
    expect(errorsAfter((ir) => delete at(ir, 'rules', 3)['reason'])).toEqual(['rules[3].reason: missing (expected a non-empty string)']);
    expect(errorsAfter((ir) => delete at(ir, 'rules', 3)['condition'])).toEqual(['rules[3].condition: missing (expected a condition)']);
    expect(errorsAfter((ir) => ((ir as Mutable)['rules'] = {}))).toEqual(['rules: expected an array of rules, got an object']);
    expect(errorsAfter((ir) => ((ir.rules as unknown[])[1] = 'rule'))).toEqual(['rules[1]: expected a rule, got string "rule"']);
  });

  it('malformed conditions, with the path of the offending value', () => {
    expect(errorsAfter((ir) => (at(ir, 'rules', 3, 'condition', 'args', 1, 'value')['minor'] = 1.5))).toEqual([
      'rules[3].condition.args[1].value.minor: expected a safe integer, got 1.5',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 3, 'condition', 'args', 1, 'value')['minor'] = 2 ** 53))).toEqual([
      'rules[3].condition.args[1].value.minor: expected a safe integer, got 9007199254740992',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 3, 'condition', 'args', 1, 'value')['minor'] = -5))).toEqual([
      'rules[3].condition.args[1].value.minor: expected a non-negative integer, got -5',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition', 'value')['currency'] = 'usd'))).toEqual([
      'rules[0].condition.value.currency: expected an upper-case ISO 4217 currency code, got string "usd"',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition', 'value')['currency'] = 'XYZ'))).toEqual([
      'rules[0].condition.value.currency: expected an upper-case ISO 4217 currency code, got string "XYZ"',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition')['op'] = 'xor'))).toEqual([
      'rules[0].condition.op: expected one of true, and, or, not, cmp, between, in, ratio, got string "xor"',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition')['cmp'] = 'gte'))).toEqual(['rules[0].condition.cmp: expected one of gt, lt, ge, le, eq, ne, got string "gte"']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 2, 'condition')['args'] = []))).toEqual(['rules[2].condition.args: expected at least one condition in "and"']);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition', 'field')['kind'] = 'amount_cents'))).toEqual([
      'rules[0].condition.field.kind: expected one of amount, charge_amount, charge_refunded, customer_tenure, charge_age, reason, source, merchant, currency, customer_refunds, metadata, got string "amount_cents"',
    ]);
  });

  it('comparisons across types', () => {
    expect(errorsAfter((ir) => (at(ir, 'rules', 2, 'condition', 'args')[1] = cmp(F.tenure, 'lt', usd(5))))).toEqual([
      'rules[2].condition.args[1].value.type: expected a duration value for the field customer_tenure, got a money value',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 5, 'condition', 'args', 1, 'arg')['cmp'] = 'gt'))).toEqual([
      'rules[5].condition.args[1].arg.cmp: "gt" cannot compare the symbol field reason (only eq and ne can)',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 6, 'condition')['of'] = { kind: 'customer_tenure' }))).toEqual([
      'rules[6].condition.of: a ratio compares money fields, got the duration field customer_tenure',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 6, 'condition')['percent'] = 12.5))).toEqual(['rules[6].condition.percent: expected a safe integer, got 12.5']);
  });

  it('symbols that are not declared or not currencies', () => {
    expect(errorsAfter((ir) => (at(ir, 'rules', 3, 'condition', 'args', 0, 'values', 1)['value'] = 'automaton'))).toEqual([
      'rules[3].condition.args[0].values[1].value: source "automaton" is not declared in sources',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0)['condition'] = { op: 'cmp', field: { kind: 'currency' }, cmp: 'eq', value: { type: 'symbol', value: 'eur' } }))).toEqual([
      'rules[0].condition.value.value: expected an upper-case ISO 4217 currency code, got string "eur"',
    ]);
  });

  it('fields referring to undeclared facts, or incomplete', () => {
    expect(errorsAfter((ir) => (at(ir, 'rules', 5, 'condition', 'args', 0, 'field')['fact'] = 'customer_refunds_last_7_days'))).toEqual([
      'rules[5].condition.args[0].field.fact: the fact "customer_refunds_last_7_days" is not declared in facts as a customer_refund_count',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0, 'condition')['field'] = { kind: 'charge_refunded' }))).toEqual([
      'rules[0].condition.field: charge_refunded needs the fact "charge_refunded_cents" declared in facts',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0)['condition'] = { op: 'cmp', field: { kind: 'metadata' }, cmp: 'eq', value: { type: 'text', value: 'x' } }))).toEqual([
      'rules[0].condition.field.key: missing (expected a non-empty string)',
    ]);
  });

  it('impossible or inconsistent ranges and lists', () => {
    const range = (low: unknown, high: unknown) => (ir: Mutable) => (at(ir, 'rules', 0)['condition'] = { op: 'between', field: { kind: 'amount' }, low, high });
    expect(errorsAfter(range(usd(500), usd(100)))).toEqual(['rules[0].condition: between has its low end above its high end, so it can never hold']);
    expect(errorsAfter(range(usd(100), { type: 'money', currency: 'EUR', minor: 500 }))).toEqual([
      'rules[0].condition.high.currency: between needs both ends in one currency, got USD and EUR',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 0)['condition'] = { op: 'between', field: { kind: 'reason' }, low: { type: 'symbol', value: 'a' }, high: { type: 'symbol', value: 'b' } }))).toEqual([
      'rules[0].condition.field: between needs an ordered field (money, duration, count or time), got the symbol field reason',
    ]);
    expect(errorsAfter((ir) => (at(ir, 'rules', 3, 'condition', 'args', 0)['values'] = []))).toEqual(['rules[3].condition.args[0].values: expected at least one value']);
  });

  it('conditions nested too deeply', () => {
    let deep: unknown = cmp(F.amount, 'gt', usd(1));
    for (let i = 0; i < 100; i++) deep = { op: 'not', arg: deep };
    expect(errorsAfter((ir) => (at(ir, 'rules', 0)['condition'] = deep))).toEqual([
      `rules[0].condition${'.arg'.repeat(65)}: condition nested more than 64 levels deep`,
    ]);
  });

  it('everything at once, up to a hundred messages', () => {
    const errors = errorsAfter((ir) => (ir['rules'] = Array.from({ length: 300 }, () => ({ id: 'same', outcome: 'allow', reason: 'r', condition: always }))));
    expect(errors).toHaveLength(101);
    expect(errors[0]).toBe('rules[1].id: duplicate rule id "same" (also rules[0])');
    expect(errors[100]).toBe('... and 199 more errors');
  });

  it('objects that throw when read, without throwing', () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); }, get: () => 1 });
    const result = validateIR(hostile);
    expect(result.ok).toBe(false);
    const getter = { ir_version: 1, get policy(): string { throw new Error('boom'); } };
    expect(validateIR(getter)).toEqual({ ok: false, errors: ['policy IR: could not be read (boom)'] });
  });
});

describe('validateIR never throws', () => {
  it('on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = validateIR(value);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary values with an ir_version 1 header', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('policy', 'version', 'hash', 'roles', 'sources', 'default', 'on_missing', 'rules', 'facts', 'x'), fc.anything()), (value) => {
        expect(validateIR({ ...value, ir_version: 1 }).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('on the acme IR with one value anywhere replaced by arbitrary JSON; what it accepts loads and decides', () => {
    const paths: (string | number)[][] = [];
    const walk = (node: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i]));
      else if (typeof node === 'object' && node !== null) for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    };
    walk(acmeIR(), []);
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.jsonValue({ maxDepth: 3 }), (index, replacement) => {
        const ir = structuredClone(acmeIR()) as unknown as Mutable;
        const path = paths[index] ?? [];
        if (path.length === 0) return;
        at(ir, ...path.slice(0, -1))[path[path.length - 1] as string] = replacement;
        const result = validateIR(ir);
        if (result.ok) {
          const loaded = loadPolicy(result.ir as PolicyIR);
          expect(loaded.decide({ amount_cents: 22000, reason: 'x' }).policy_version).toMatch(/^v\d+$/);
        } else {
          for (const error of result.errors) expect(error).toMatch(/^((?:[A-Za-z_$][\w$]*|\[\d+\]|\[".*?"\]|\.)+: |unsupported ir_version |policy IR: )/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
