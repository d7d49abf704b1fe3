// Every construct of LANGUAGE.md parses to the syntax tree it means and compiles to the IR it
// means. Policies are inline and small; each case names the construct it pins.
import { describe, expect, test } from 'vitest';
import { compile, parse, rules, type Statement } from '@axiru/compiler';
import type { ExprIR, PolicyIR } from '@axiru/runtime';
import { HEADER, policy } from '../helpers/policies.js';
import { stripSpans } from '../helpers/stripSpans.js';

function statementOf(statement: string): Statement {
  const parsed = parse(policy('rule r:', `  ${statement}`));
  expect(parsed.diagnostics).toEqual([]);
  return rules(parsed.file)[0]!.statement!;
}

/** The IR of a policy that must compile without errors. */
function irOf(text: string): PolicyIR {
  const result = compile(text, { analysis: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.ir!;
}

function conditionOf(statement: string): ExprIR {
  return irOf(policy('rule r:', `  ${statement}`, 'otherwise flag')).rules[0]!.condition;
}

const usd = (minor: number) => ({ type: 'money', currency: 'USD', minor });
const amount = { kind: 'amount' };
const sym = (value: string) => ({ type: 'symbol', value });

describe('amount qualifiers', () => {
  test.each([
    ['over $150', 'gt'],
    ['under $150', 'lt'],
    ['at least $150', 'ge'],
    ['at most $150', 'le'],
    ['up to $150', 'le'],
  ])('%s', (qualifier, cmp) => {
    expect(conditionOf(`flag refunds ${qualifier}`)).toEqual({ op: 'cmp', field: amount, cmp, value: usd(15000) });
  });

  test('between A and B is inclusive at both ends', () => {
    expect(stripSpans(statementOf('flag refunds between $10 and $100').qualifiers)).toEqual([
      {
        kind: 'AmountQualifier',
        op: 'between',
        values: [
          { kind: 'Money', symbol: '$', digits: '10', currency: 'USD' },
          { kind: 'Money', symbol: '$', digits: '100', currency: 'USD' },
        ],
      },
    ]);
    expect(conditionOf('flag refunds between $10 and $100')).toEqual({ op: 'between', field: amount, low: usd(1000), high: usd(10000) });
  });
});

describe('source, merchant and currency qualifiers', () => {
  test.each([
    ['from ai_agent', 'or', ['ai_agent']],
    ['from ai_agent or automation', 'or', ['ai_agent', 'automation']],
    ['from ai_agent, automation', ',', ['ai_agent', 'automation']],
  ])('%s', (qualifier, separator, names) => {
    const [q] = statementOf(`flag refunds ${qualifier}`).qualifiers;
    expect(q?.kind === 'SourceQualifier' && { names: q.names.map((n) => n.text), separator: names.length > 1 ? q.separator : separator }).toEqual({ names, separator });
  });

  test('from a or b compiles to membership', () => {
    expect(conditionOf('flag refunds from ai_agent or automation')).toEqual({ op: 'in', field: { kind: 'source' }, values: [sym('ai_agent'), sym('automation')] });
    expect(conditionOf('flag refunds from ai_agent')).toEqual({ op: 'cmp', field: { kind: 'source' }, cmp: 'eq', value: sym('ai_agent') });
  });

  test('for merchant / for merchants', () => {
    const one = statementOf('flag refunds for merchant acct_1Nx9').qualifiers[0]!;
    const many = statementOf('flag refunds for merchants acct_1, acct_2').qualifiers[0]!;
    expect(stripSpans(one)).toEqual({ kind: 'MerchantQualifier', plural: false, names: [{ kind: 'Name', text: 'acct_1Nx9' }], separator: ',' });
    expect(many.kind === 'MerchantQualifier' && many.plural && many.names.map((n) => n.text)).toEqual(['acct_1', 'acct_2']);
    expect(conditionOf('flag refunds for merchants acct_1, acct_2')).toEqual({ op: 'in', field: { kind: 'merchant' }, values: [sym('acct_1'), sym('acct_2')] });
  });

  test('in EUR, in EUR, GBP (any of them); codes are upper-cased in the IR', () => {
    expect(conditionOf('flag refunds in EUR')).toEqual({ op: 'cmp', field: { kind: 'currency' }, cmp: 'eq', value: sym('EUR') });
    expect(conditionOf('flag refunds in eur, GBP')).toEqual({ op: 'in', field: { kind: 'currency' }, values: [sym('EUR'), sym('GBP')] });
  });

  test('any number of qualifiers, in any order, all must hold', () => {
    const statement = statementOf('flag refunds in EUR from ai_agent over €50 for merchant acct_1 under €500');
    expect(statement.qualifiers.map((q) => q.kind)).toEqual(['CurrencyQualifier', 'SourceQualifier', 'AmountQualifier', 'MerchantQualifier', 'AmountQualifier']);
    const condition = conditionOf('flag refunds in EUR from ai_agent over €50 for merchant acct_1 under €500');
    expect(condition.op).toBe('and');
    expect(condition.op === 'and' && condition.args.length).toBe(5);
  });

  test('no qualifier at all: the rule always matches', () => {
    expect(conditionOf('flag refunds')).toEqual({ op: 'true' });
  });
});

describe('subjects', () => {
  test.each([
    ['amount over $5', { kind: 'amount' }],
    ['charge amount over $5', { kind: 'charge_amount' }],
    ['charge refunded over $5', { kind: 'charge_refunded' }],
    ['customer tenure over 5 days', { kind: 'customer_tenure' }],
    ['charge age over 5 days', { kind: 'charge_age' }],
    ['reason is x', { kind: 'reason' }],
    ['source is automation', { kind: 'source' }],
    ['merchant is acct_1', { kind: 'merchant' }],
    ['currency is usd', { kind: 'currency' }],
    ['customer refunds in last 30 days over 2', { kind: 'customer_refunds', fact: 'customer_refunds_last_30_days' }],
    ['customer refunds in last 48 hours over 2', { kind: 'customer_refunds', fact: 'customer_refunds_last_48_hours' }],
    ['customer refunds in last 1 day over 2', { kind: 'customer_refunds', fact: 'customer_refunds_last_1_days' }],
    ['metadata.ticket is "Z-1"', { kind: 'metadata', key: 'ticket' }],
    ['metadata.order-id_2 is "Z-1"', { kind: 'metadata', key: 'order-id_2' }],
    ['metadata["order id"] is "Z-1"', { kind: 'metadata', key: 'order id' }],
  ])('%s', (condition, field) => {
    const ir = conditionOf(`flag refunds when ${condition}`);
    expect('field' in ir && ir.field).toEqual(field);
  });

  test('metadata keys remember how they were written', () => {
    const subject = (condition: string) => {
      const when = statementOf(`flag refunds when ${condition}`).when!;
      return when.kind === 'Comparison' ? when.subject.key : null;
    };
    expect(subject('metadata.ticket is "x"')).toEqual({ value: 'ticket', bracketed: false });
    expect(subject('metadata["order id"] is "x"')).toEqual({ value: 'order id', bracketed: true });
  });

  test('computed facts are listed in the IR, sorted by name', () => {
    const ir = irOf(policy('rule r:', '  flag refunds when customer refunds in last 48 hours over 1 or customer refunds in last 30 days over 3 or charge refunded over $5', 'otherwise flag'));
    expect(ir.facts).toEqual([
      { name: 'charge_refunded_cents', kind: 'charge_refunded' },
      { name: 'customer_refunds_last_30_days', kind: 'customer_refund_count', window_hours: 720 },
      { name: 'customer_refunds_last_48_hours', kind: 'customer_refund_count', window_hours: 48 },
    ]);
  });
});

describe('comparators', () => {
  test.each([
    ['amount over $5', { op: 'cmp', field: amount, cmp: 'gt', value: usd(500) }],
    ['amount under $5', { op: 'cmp', field: amount, cmp: 'lt', value: usd(500) }],
    ['amount at least $5', { op: 'cmp', field: amount, cmp: 'ge', value: usd(500) }],
    ['amount at most $5', { op: 'cmp', field: amount, cmp: 'le', value: usd(500) }],
    ['amount up to $5', { op: 'cmp', field: amount, cmp: 'le', value: usd(500) }],
    ['amount between $5 and $6', { op: 'between', field: amount, low: usd(500), high: usd(600) }],
    ['reason is x', { op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('x') }],
    ['reason is not x', { op: 'cmp', field: { kind: 'reason' }, cmp: 'ne', value: sym('x') }],
    ['reason in [a, b]', { op: 'in', field: { kind: 'reason' }, values: [sym('a'), sym('b')] }],
    ['reason in [a]', { op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('a') }],
    ['reason not in [a, b]', { op: 'not', arg: { op: 'in', field: { kind: 'reason' }, values: [sym('a'), sym('b')] } }],
    // Money in another currency is false for every comparator, `not in` included: a chain of `ne`.
    ['amount not in [$5, $6]', { op: 'and', args: [{ op: 'cmp', field: amount, cmp: 'ne', value: usd(500) }, { op: 'cmp', field: amount, cmp: 'ne', value: usd(600) }] }],
    ['amount over 80% of charge amount', { op: 'ratio', field: amount, cmp: 'gt', percent: 80, of: { kind: 'charge_amount' } }],
    ['amount at most 100% of charge refunded', { op: 'ratio', field: amount, cmp: 'le', percent: 100, of: { kind: 'charge_refunded' } }],
    ['customer tenure under 36 hours', { op: 'cmp', field: { kind: 'customer_tenure' }, cmp: 'lt', value: { type: 'duration', hours: 36 } }],
    ['customer tenure under 1 day', { op: 'cmp', field: { kind: 'customer_tenure' }, cmp: 'lt', value: { type: 'duration', hours: 24 } }],
    ['metadata.ticket is "Z-1"', { op: 'cmp', field: { kind: 'metadata', key: 'ticket' }, cmp: 'eq', value: { type: 'text', value: 'Z-1' } }],
    ['currency in [usd, "Eur"]', { op: 'in', field: { kind: 'currency' }, values: [sym('USD'), sym('EUR')] }],
  ])('%s', (condition, ir) => {
    expect(conditionOf(`flag refunds when ${condition}`)).toEqual(ir);
  });

  test('in `between A and B` the first `and` after A belongs to `between`', () => {
    const when = statementOf('flag refunds when amount between $5 and $6 and reason is x').when!;
    expect(when.kind).toBe('And');
    expect(when.kind === 'And' && when.operands.map((o) => o.kind === 'Comparison' && o.op)).toEqual(['between', 'is']);
  });

  test('quoted symbols hold odd characters', () => {
    expect(conditionOf('flag refunds when reason is "goodwill-2024"')).toEqual({ op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('goodwill-2024') });
    expect(conditionOf('flag refunds when reason is "a \\"quoted\\" word"')).toEqual({ op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('a "quoted" word') });
  });
});

describe('conditions', () => {
  test('`not` binds tightest, then `and`, then `or`', () => {
    const when = statementOf('flag refunds when not reason is a and reason is b or reason is c').when!;
    expect(stripSpans(when)).toMatchObject({
      kind: 'Or',
      operands: [{ kind: 'And', operands: [{ kind: 'Not', operand: { kind: 'Comparison' } }, { kind: 'Comparison' }] }, { kind: 'Comparison' }],
    });
  });

  test('parentheses group, are kept in the tree and vanish in the IR', () => {
    const statement = statementOf('flag refunds when not (reason is a or reason is b) and (reason is c)');
    expect(stripSpans(statement.when)).toMatchObject({ kind: 'And', operands: [{ kind: 'Not', operand: { kind: 'Paren', inner: { kind: 'Or' } } }, { kind: 'Paren' }] });
    expect(conditionOf('flag refunds when not (reason is a or reason is b) and (reason is c)')).toEqual({
      op: 'and',
      args: [
        { op: 'not', arg: { op: 'or', args: [{ op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('a') }, { op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('b') }] } },
        { op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('c') },
      ],
    });
  });

  test('`not not x` is x in the IR', () => {
    expect(conditionOf('flag refunds when not not reason is a')).toEqual({ op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('a') });
  });

  test('nested `and` and `or` flatten', () => {
    expect(conditionOf('flag refunds when reason is a or (reason is b or (reason is c))')).toMatchObject({ op: 'or', args: [{}, {}, {}] });
  });
});

describe('statements', () => {
  test.each(['allow', 'flag', 'block'])('%s refunds ...', (verb) => {
    const statement = statementOf(`${verb} refunds over $5 when reason is a unless reason is b`);
    expect(statement.verb).toBe(verb);
    expect(statement.unless.map((u) => u.afterRequire)).toEqual([false]);
    expect(irOf(policy('rule r:', `  ${verb} refunds over $5 when reason is a unless reason is b`, 'otherwise flag')).rules[0]!.outcome).toBe(verb);
  });

  test('`require` and `requires` are synonyms, and the word is kept', () => {
    expect(statementOf('refunds over $5 require cfo').requireWord).toBe('require');
    expect(statementOf('refunds over $5 requires cfo').requireWord).toBe('requires');
    const a = irOf(policy('rule r:', '  refunds over $5 require cfo', 'otherwise flag')).rules[0]!;
    const b = irOf(policy('rule r:', '  refunds over $5 requires cfo', 'otherwise flag')).rules[0]!;
    // Only the written reason, which quotes the rule, tells them apart.
    expect({ ...b, reason: a.reason }).toEqual(a);
    expect(b.reason).toBe('Refunds over $5 requires cfo');
  });

  test('`unless` before or after the requirement means the same', () => {
    const before = statementOf('refunds over $50 unless reason is duplicate_charge require support_lead');
    const after = statementOf('refunds over $50 require support_lead unless reason is duplicate_charge');
    expect(before.unless.map((u) => u.afterRequire)).toEqual([false]);
    expect(after.unless.map((u) => u.afterRequire)).toEqual([true]);
    const ir = (s: string) => irOf(policy('rule r:', `  ${s}`, 'otherwise flag')).rules[0];
    expect(ir('refunds over $50 unless reason is duplicate_charge require support_lead')).toEqual(
      { ...ir('refunds over $50 require support_lead unless reason is duplicate_charge'), reason: expect.any(String) },
    );
  });

  test.each([
    ['require cfo', { form: 'roles', count: null, roles: ['cfo'] }, { roles: ['cfo'], count: 1 }],
    ['require support_lead or cfo', { form: 'roles', count: null, roles: ['support_lead', 'cfo'] }, { roles: ['support_lead', 'cfo'], count: 1 }],
    ['require approval from cfo', { form: 'approval_from', count: null, roles: ['cfo'] }, { roles: ['cfo'], count: 1 }],
    ['require 2 approvals from cfo', { form: 'approvals_from', count: '2', roles: ['cfo'] }, { roles: ['cfo'], count: 2 }],
    ['require 1 approval from cfo', { form: 'approval_from', count: '1', roles: ['cfo'] }, { roles: ['cfo'], count: 1 }],
    ['require 2 approvals from finance_manager or cfo', { form: 'approvals_from', count: '2', roles: ['finance_manager', 'cfo'] }, { roles: ['finance_manager', 'cfo'], count: 2 }],
  ])('refunds ... %s', (requirement, ast, ir) => {
    const approval = statementOf(`refunds over $5 ${requirement}`).approval!;
    expect({ form: approval.form, count: approval.count?.text ?? null, roles: approval.roles.map((r) => r.text) }).toEqual(ast);
    expect(irOf(policy('rule r:', `  refunds over $5 ${requirement}`, 'otherwise flag')).rules[0]!.approval).toEqual(ir);
  });

  test('`require cfo or cfo` names cfo once in the IR (regression: the runtime refused the IR)', () => {
    expect(irOf(policy('rule r:', '  refunds over $5 require cfo or cfo', 'otherwise flag')).rules[0]!.approval).toEqual({ roles: ['cfo'], count: 1 });
  });

  test('`because` comes last; without it the compiler writes the reason from the rule', () => {
    const ir = irOf(policy('rule a:', '  flag refunds over $5', '  because "Large"', 'rule b:', '  refunds from ai_agent over $1,500.50 require 2 approvals from cfo unless reason is x', 'otherwise flag'));
    expect(ir.rules.map((r) => r.reason)).toEqual(['Large', 'Refunds from ai_agent over $1,500.50 require 2 approvals from cfo unless reason is x']);
  });

  test('an empty `because ""` falls back to the written reason (regression: the runtime refused the IR)', () => {
    expect(irOf(policy('rule a:', '  flag refunds over $5', '  because ""', 'otherwise flag')).rules[0]!.reason).toBe('Flag refunds over $5');
  });

  test('layout is free: one line or many give the same tree', () => {
    const one = parse(`${HEADER}rule r: refunds over $50 require support_lead unless reason is x because "y"`);
    const many = parse(`${HEADER}rule\n r\n :\n refunds\n over\n $50\n require\n support_lead\n unless\n reason\n is\n x\n because\n "y"\n`);
    expect(one.diagnostics).toEqual([]);
    expect(stripSpans(many.file.items)).toEqual(stripSpans(one.file.items));
  });
});

describe('declarations', () => {
  test('`roles a < b, c` mixes a chain and a plain name; lines add up', () => {
    const ir = irOf('policy "p" version 1\nroles a < b, c\nroles b < d\n');
    expect(ir.roles).toEqual([
      { name: 'a', rank: 0, seniors: ['b', 'd'] },
      { name: 'b', rank: 1, seniors: ['d'] },
      { name: 'c', rank: 0, seniors: [] },
      { name: 'd', rank: 2, seniors: [] },
    ]);
  });

  test('several `sources` lines add up and replace the defaults', () => {
    expect(irOf('policy "p" version 1\nsources web\nsources phone, email\n').sources).toEqual(['email', 'phone', 'web']);
    expect(irOf('policy "p" version 1\n').sources).toEqual(['ai_agent', 'automation', 'stripe_direct', 'support_tool']);
  });

  test.each([
    ['otherwise allow', { outcome: 'allow' }],
    ['otherwise flag', { outcome: 'flag' }],
    ['otherwise block', { outcome: 'block' }],
    ['otherwise require cfo', { outcome: 'pending_approval', approval: { roles: ['cfo'], count: 1 } }],
    ['otherwise require 2 approvals from cfo', { outcome: 'pending_approval', approval: { roles: ['cfo'], count: 2 } }],
    ['otherwise require approval from support_lead or cfo', { outcome: 'pending_approval', approval: { roles: ['support_lead', 'cfo'], count: 1 } }],
  ])('%s', (line, verdict) => {
    const ir = irOf(policy(line));
    expect(ir.default).toEqual(verdict);
    expect(ir.on_missing).toBeNull();
  });

  test('without `otherwise` the default is allow', () => {
    expect(irOf(policy()).default).toEqual({ outcome: 'allow' });
  });

  test.each([
    ['on missing block', { outcome: 'block' }],
    ['on missing require 2 approvals from cfo', { outcome: 'pending_approval', approval: { roles: ['cfo'], count: 2 } }],
  ])('%s', (line, verdict) => {
    expect(irOf(policy(line)).on_missing).toEqual(verdict);
  });

  test('declarations, rules and examples come in any order after the header', () => {
    const text = [
      'policy "p" version 1',
      'example "e" { amount: $5 } expect flag by r',
      'rule r:',
      '  flag refunds',
      'otherwise block',
      'roles cfo',
      'on missing flag',
      'sources web',
    ].join('\n');
    const result = compile(text, { analysis: false });
    expect(result.diagnostics).toEqual([]);
    expect(result.examples.map((e) => e.passed)).toEqual([true]);
  });
});

describe('reserved and soft keywords', () => {
  test('`reason is missing` compares with the symbol `missing`', () => {
    expect(conditionOf('flag refunds when reason is missing')).toEqual({ op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('missing') });
  });

  test('soft keywords are names: a rule named `block`, roles `over` and `allow`, the symbol `between`', () => {
    const text = 'policy "p" version 1\nroles over < allow\nsources from, in\nrule block:\n  block refunds from from, in when reason in [between, amount, is]\nrule over:\n  refunds over $5 require allow or over\notherwise flag\n';
    const ir = irOf(text);
    expect(ir.rules.map((r) => r.id)).toEqual(['block', 'over']);
    expect(ir.rules[1]!.approval).toEqual({ roles: ['allow', 'over'], count: 1 });
  });

  test.each(['policy', 'version', 'roles', 'sources', 'rule', 'example', 'expect', 'by', 'otherwise', 'on', 'because', 'when', 'unless', 'require', 'requires', 'approval', 'approvals', 'refunds', 'and', 'or', 'not'])(
    'the reserved word `%s` cannot name a rule',
    (word) => {
      const parsed = parse(`policy "p" version 1\nrule ${word}:\n  flag refunds\n`);
      expect(parsed.diagnostics.map((d) => d.code)).toContain('AX1001');
    },
  );

  test('a reserved word cannot be a value, but quoted it is a symbol', () => {
    expect(parse(policy('rule r:', '  flag refunds when reason is because')).diagnostics.map((d) => d.code)).toContain('AX1001');
    expect(conditionOf('flag refunds when reason is "because"')).toEqual({ op: 'cmp', field: { kind: 'reason' }, cmp: 'eq', value: sym('because') });
  });

  test('keywords are whole words: `overdue` and `notable` are names', () => {
    expect(conditionOf('flag refunds when reason in [overdue, notable, ordinary, andante]')).toMatchObject({ op: 'in', values: [sym('overdue'), sym('notable'), sym('ordinary'), sym('andante')] });
  });
});

describe('examples', () => {
  test('fields, nested metadata, quoted keys, expect and by', () => {
    const parsed = parse(policy('example "a b" {', '  amount: $220, "source": support_tool', '  metadata: { ticket: "Z-1", "order id": "o" }', '} expect pending_approval by r'));
    expect(parsed.diagnostics).toEqual([]);
    const example = parsed.file.items.find((i) => i.kind === 'Example')!;
    expect(stripSpans(example)).toEqual({
      kind: 'Example',
      name: { kind: 'String', value: 'a b' },
      input: {
        kind: 'ExampleObject',
        fields: [
          { kind: 'ExampleField', key: { kind: 'Name', text: 'amount' }, value: { kind: 'Money', symbol: '$', digits: '220', currency: 'USD' } },
          { kind: 'ExampleField', key: { kind: 'Name', text: 'source' }, value: { kind: 'Symbol', name: 'support_tool' } },
          {
            kind: 'ExampleField',
            key: { kind: 'Name', text: 'metadata' },
            value: {
              kind: 'ExampleObject',
              fields: [
                { kind: 'ExampleField', key: { kind: 'Name', text: 'ticket' }, value: { kind: 'StringValue', value: 'Z-1' } },
                { kind: 'ExampleField', key: { kind: 'Name', text: 'order id' }, value: { kind: 'StringValue', value: 'o' } },
              ],
            },
          },
        ],
      },
      expect: { kind: 'Name', text: 'pending_approval' },
      by: { kind: 'Name', text: 'r' },
    });
  });

  test('examples are not part of the IR hash', () => {
    const base = policy('rule r:', '  flag refunds over $5', 'otherwise flag');
    const withExample = `${base}example "e" { amount: $6 } expect flag by r\n`;
    expect(irOf(withExample).hash).toBe(irOf(base).hash);
  });
});
