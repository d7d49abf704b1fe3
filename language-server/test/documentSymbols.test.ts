import { expect, it } from 'vitest';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { documentSymbols } from '../src/features/documentSymbols.js';
import { policyDocument } from '../src/PolicyDocument.js';

const POLICY = `policy "acme" version 3
roles support_lead < cfo
sources support_tool, ai_agent

rule high_value:
  refunds over $150 require cfo

rule bots:
  block refunds from ai_agent

otherwise allow
on missing require support_lead

example "big" { amount: $200 } expect pending_approval by high_value
example "wrong" { amount: $1, source: ai_agent } expect allow
`;

const outline = (symbols: DocumentSymbol[]): unknown[] =>
  symbols.map((s) => [s.name, s.kind, s.detail, s.range.start.line, ...(s.children ? [outline(s.children)] : [])]);

it('outlines the header, declarations, rules and examples', () => {
  expect(outline(documentSymbols(policyDocument(POLICY)))).toEqual([
    ['acme', SymbolKind.Module, 'version 3', 0],
    ['roles', SymbolKind.Namespace, 'support_lead < cfo', 1, [['support_lead', SymbolKind.Class, 'role', 1], ['cfo', SymbolKind.Class, 'role', 1]]],
    ['sources', SymbolKind.Namespace, 'support_tool, ai_agent', 2, [['support_tool', SymbolKind.EnumMember, 'source', 2], ['ai_agent', SymbolKind.EnumMember, 'source', 2]]],
    ['high_value', SymbolKind.Function, 'require cfo', 4],
    ['bots', SymbolKind.Function, 'block', 7],
    ['otherwise', SymbolKind.Property, 'allow', 10],
    ['on missing', SymbolKind.Property, 'require support_lead', 11],
    ['big', SymbolKind.Event, 'expect pending_approval by high_value — passes', 13],
    ['wrong', SymbolKind.Event, 'expect allow — fails', 14],
  ]);
});

it('selects the name inside the whole item', () => {
  const rule = documentSymbols(policyDocument(POLICY))[3]!;
  expect(rule.range).toEqual({ start: { line: 4, character: 0 }, end: { line: 5, character: 31 } });
  expect(rule.selectionRange).toEqual({ start: { line: 4, character: 5 }, end: { line: 4, character: 15 } });
});

it('names what has no name yet, since editors refuse empty names', () => {
  const symbols = documentSymbols(policyDocument('policy "p" version 1\nrule :\n  block refunds\n'));
  expect(symbols.every((s) => s.name.length > 0)).toBe(true);
});
