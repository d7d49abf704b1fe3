import { describe, expect, it } from 'vitest';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver';
import { complete, labels } from './helpers/complete.js';

const POLICY = `policy "test" version 1
roles support_lead < finance_manager < cfo
sources support_tool, ai_agent, partner_portal

rule high_value:
  refunds over $150 require finance_manager

rule goodwill:
  flag refunds when reason is goodwill_gesture
`;

const rule = (statement: string) => `${POLICY}\nrule r:\n  ${statement}`;

describe('keywords from the grammar', () => {
  it('offers every kind of item in an empty file, the header first', () => {
    expect(labels('|')).toEqual(['policy', 'roles', 'sources', 'lists', 'timezone', 'otherwise', 'on missing', 'rule', 'example']);
  });

  it('offers no second header, otherwise or on missing', () => {
    const withVerdicts = `${POLICY}otherwise allow\non missing block\n|`;
    expect(labels(withVerdicts)).toEqual(['roles', 'sources', 'lists', 'timezone', 'rule', 'example']);
  });

  it('offers the two statement shapes after `rule NAME:`', () => {
    expect(labels(rule('|'))).toEqual(['allow', 'flag', 'block', 'refunds']);
  });

  it('offers qualifiers and clauses after `refunds`', () => {
    expect(labels(rule('refunds |'))).toEqual(['over', 'under', 'at least', 'at most', 'up to', 'between', 'from', 'for merchant', 'for merchants', 'in', 'when', 'unless', 'require']);
  });

  it('offers `or`, `unless` and `because` after a requirement, and new items only at the start of a line', () => {
    expect(labels(rule('refunds over $1 require cfo |'))).toEqual(['or', 'unless', 'because']);
    expect(labels(rule('refunds over $1 require cfo\n|'))).toEqual(['or', 'unless', 'because', 'roles', 'sources', 'lists', 'timezone', 'otherwise', 'on missing', 'rule', 'example']);
  });

  it('completes the word being typed, replacing it', () => {
    const items = complete(rule('refunds ov|'));
    expect(items.map((i) => i.label)).toContain('over');
    const over = items.find((i) => i.label === 'over')!;
    expect(over.textEdit).toEqual({ range: { start: { line: 11, character: 10 }, end: { line: 11, character: 12 } }, newText: 'over' });
  });

  it('reads only the current item, deep in a long policy too', () => {
    const many = Array.from({ length: 300 }, (_, i) => `rule r${i}:\n  refunds from ai_agent over $${i + 1} require cfo\n`).join('\n');
    const deep = `${POLICY}\n${many}\nrule last:\n  refunds over $1\n  when reason is duplicate and |`;
    expect(labels(deep)).toEqual(labels(rule('refunds over $1\n  when reason is duplicate and |')));
    // An item that starts in the middle of a line is found as well.
    expect(labels(`${POLICY}otherwise allow rule x: refunds from |`)).toEqual(['support_tool', 'ai_agent', 'partner_portal']);
  });

  it('recovers after a mistake earlier in the rule', () => {
    expect(labels(rule('refunds ovr $1 when |'))).toContain('customer tenure');
  });
});

describe('names by context', () => {
  it('offers declared roles after `require`, with their seniority', () => {
    const items = complete(rule('refunds over $1 require |'));
    expect(items.slice(0, 3).map((i) => [i.label, i.detail])).toEqual([
      ['support_lead', 'role (rank 0); seniors: cfo, finance_manager'],
      ['finance_manager', 'role (rank 1); seniors: cfo'],
      ['cfo', 'role (rank 2), most senior'],
    ]);
    expect(items.map((i) => i.label)).toContain('N approvals from');
  });

  it('offers roles after `from` in an approval, and after `otherwise require`', () => {
    expect(labels(rule('refunds over $1 require 2 approvals from |'))).toEqual(['support_lead', 'finance_manager', 'cfo']);
    expect(labels(`${POLICY}otherwise require |`)).toContain('cfo');
  });

  it('offers declared sources after `from`, also after a comma or `or`', () => {
    expect(labels(rule('refunds from |'))).toEqual(['support_tool', 'ai_agent', 'partner_portal']);
    expect(labels(rule('refunds from ai_agent or |'))).toEqual(['support_tool', 'ai_agent', 'partner_portal']);
  });

  it('offers currencies after `in`, common ones first', () => {
    const items = labels(rule('refunds in |'));
    expect(items.slice(0, 4)).toEqual(['USD', 'EUR', 'GBP', 'JPY']);
    expect(items).toContain('KWD');
  });

  it('offers the subjects after `when`, `and`, `or`, `not` and `(`', () => {
    for (const before of ['when', 'when amount over $1 and', 'when amount over $1 or', 'when not', 'when (']) {
      const items = complete(rule(`refunds ${before} |`));
      expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['amount', 'charge amount', 'customer tenure', 'customer refunds in last N days', 'reason', 'metadata.KEY']));
    }
    const window = complete(rule('refunds when |')).find((i) => i.label === 'customer refunds in last N days')!;
    expect(window.kind).toBe(CompletionItemKind.Field);
    expect(window.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(window.textEdit).toMatchObject({ newText: 'customer refunds in last ${1:30} ${2|days,hours|}' });
  });

  it('continues a subject already begun', () => {
    expect(labels(rule('refunds when charge |'))).toEqual(['amount', 'age', 'refunded']);
    // `customer` alone is the customer id: comparators follow, or the phrase goes on.
    expect(labels(rule('refunds when customer |'))).toEqual(expect.arrayContaining(['tenure', 'refunds', 'refunded', 'is', 'in list', 'not in list']));
    expect(labels(rule('refunds when customer refunds in last 30 |'))).toEqual(['days', 'hours']);
  });

  it('offers comparators after a subject', () => {
    expect(labels(rule('refunds when reason |'))).toEqual(['over', 'under', 'at least', 'at most', 'at', 'up to', 'between', 'is', 'is not', 'not in', 'not in list', 'in', 'in list', 'before', 'after']);
  });

  it('offers the symbols seen for `reason`, Stripe’s reasons among them', () => {
    const items = labels(rule('refunds when reason is |'));
    expect(items).toEqual(expect.arrayContaining(['duplicate', 'fraudulent', 'requested_by_customer', 'goodwill_gesture']));
    expect(items).toContain('not');
    expect(labels(rule('refunds when reason in [duplicate, |'))).toContain('goodwill_gesture');
  });

  it('offers sources in a `source` comparison and currencies in a `currency` one', () => {
    expect(labels(rule('refunds when source not in [|'))).toEqual(['support_tool', 'ai_agent', 'partner_portal']);
    expect(labels(rule('refunds when currency is |')).slice(0, 2)).toEqual(['USD', 'EUR']);
  });

  it('offers literals of the subject’s type', () => {
    expect(labels(rule('refunds when amount over |'))).toEqual(['$amount', 'amount CODE', 'P% of charge amount']);
    expect(labels(rule('refunds when customer tenure under |'))).toEqual(['N days', 'N hours']);
    expect(labels(rule('refunds when customer tenure under 30 |')).slice(0, 2)).toEqual(['days', 'hours']);
    expect(labels(rule('refunds when metadata.ticket is |'))).toEqual(['"text"', 'not']);
  });

  it('offers outcomes after `expect` and rule names after `by`', () => {
    const example = `${POLICY}\nexample "x" { amount: $200 } expect `;
    expect(labels(`${example}|`)).toEqual(['allow', 'flag', 'pending_approval', 'block']);
    const rules = complete(`${example}pending_approval by |`);
    expect(rules.map((i) => [i.label, i.detail])).toEqual([
      ['high_value', 'rule: require finance_manager'],
      ['goodwill', 'rule: flag'],
    ]);
  });

  it('offers the example inputs not given yet, and values by input', () => {
    const items = labels(`${POLICY}\nexample "x" { amount: $1, |`);
    expect(items).toContain('customer_tenure_days');
    expect(items).not.toContain('amount');
    expect(labels(`${POLICY}\nexample "x" { source: |`)).toEqual(['support_tool', 'ai_agent', 'partner_portal']);
    expect(labels(`${POLICY}\nexample "x" { amount: |`)).toEqual(['$amount', 'amount CODE']);
  });

  it('offers the usual sources not declared yet in `sources`', () => {
    expect(labels(`policy "p" version 1\nsources ai_agent, |`)).toEqual(['support_tool', 'automation', 'stripe_direct']);
  });
});

describe('where nothing applies', () => {
  it('offers nothing inside a comment or a string', () => {
    expect(complete(rule('block refunds # a comment |'))).toEqual([]);
    expect(complete(rule('block refunds because "text |'))).toEqual([]);
  });

  it('offers nothing where a new name goes', () => {
    expect(complete(`${POLICY}rule |`)).toEqual([]);
    expect(complete(`policy "p" version 1\nroles |`)).toEqual([]);
  });

  it('offers nothing in the middle of a number', () => {
    expect(complete(rule('refunds over $15|'))).toEqual([]);
  });
});

describe('items', () => {
  it('order names before keywords, and keep the order found', () => {
    const items = complete(rule('refunds over $1 require |'));
    const sorted = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    expect(sorted.map((i) => i.label)).toEqual(items.map((i) => i.label));
    expect(items[0]!.kind).toBe(CompletionItemKind.Class);
  });

  it('document keywords and subjects', () => {
    const unless = complete(rule('refunds over $1 require cfo |')).find((i) => i.label === 'unless')!;
    expect(unless.documentation).toMatchObject({ kind: 'markdown', value: expect.stringContaining('exemption') });
    const tenure = complete(rule('refunds when |')).find((i) => i.label === 'customer tenure')!;
    expect(tenure.documentation).toMatchObject({ value: expect.stringContaining('customer_tenure_days') });
  });

  it('insert rules and examples as snippets', () => {
    const example = complete(`${POLICY}|`).find((i) => i.label === 'example')!;
    expect(example.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(example.textEdit).toMatchObject({ newText: expect.stringContaining('expect ${4|allow,flag,pending_approval,block|}') });
  });
});
