// The outline: the header, declarations with the roles and sources they declare, every rule
// (with what it decides) and every example (with whether it passes).
import { printVerdict, type Item } from '@axiru/compiler';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';

export function documentSymbols(document: PolicyDocument): DocumentSymbol[] {
  return document.file.items.flatMap((item) => {
    const symbol = itemSymbol(document, item);
    return symbol ? [symbol] : [];
  });
}

function itemSymbol(document: PolicyDocument, item: Item): DocumentSymbol | null {
  const range = document.rangeOf(item.span);
  const symbol = (name: string, kind: SymbolKind, detail: string, selection = item.span, children?: DocumentSymbol[]): DocumentSymbol => ({
    name,
    kind,
    detail,
    range,
    selectionRange: document.rangeOf(selection),
    ...(children ? { children } : {}),
  });
  switch (item.kind) {
    case 'Header':
      return symbol(item.name?.value || 'policy', SymbolKind.Module, item.version ? `version ${item.version.text}` : 'policy', item.name?.span ?? item.span);
    case 'RolesDecl':
      return symbol(
        'roles',
        SymbolKind.Namespace,
        item.chains.map((chain) => chain.map((n) => n.text).join(' < ')).join(', '),
        item.span,
        item.chains.flat().map((name) => ({ name: name.text, kind: SymbolKind.Class, detail: 'role', range: document.rangeOf(name.span), selectionRange: document.rangeOf(name.span) })),
      );
    case 'SourcesDecl':
      return symbol(
        'sources',
        SymbolKind.Namespace,
        item.names.map((n) => n.text).join(', '),
        item.span,
        item.names.map((name) => ({ name: name.text, kind: SymbolKind.EnumMember, detail: 'source', range: document.rangeOf(name.span), selectionRange: document.rangeOf(name.span) })),
      );
    case 'ListsDecl':
      return symbol(
        'lists',
        SymbolKind.Namespace,
        item.names.map((n) => n.text).join(', '),
        item.span,
        item.names.map((name) => ({ name: name.text, kind: SymbolKind.Array, detail: 'list', range: document.rangeOf(name.span), selectionRange: document.rangeOf(name.span) })),
      );
    case 'TimezoneDecl':
      return symbol('timezone', SymbolKind.Property, item.zone?.value ?? '');
    case 'OtherwiseDecl':
      return symbol('otherwise', SymbolKind.Property, item.verdict ? printVerdict(item.verdict) : '');
    case 'OnMissingDecl':
      return symbol('on missing', SymbolKind.Property, item.verdict ? printVerdict(item.verdict) : '');
    case 'Rule': {
      const statement = item.statement;
      const detail = !statement ? '' : statement.verb === 'require' ? `require ${statement.approval?.roles.map((r) => r.text).join(' or ') ?? ''}`.trimEnd() : statement.verb;
      return symbol(item.name?.text || '(unnamed rule)', SymbolKind.Function, detail, item.name?.span ?? item.span);
    }
    case 'Example': {
      const result = document.compiled.examples.find((e) => e.span.start === item.span.start);
      const expect = `expect ${item.expect?.text ?? '?'}${item.by ? ` by ${item.by.text}` : ''}`;
      const detail = result ? `${expect} — ${result.passed ? 'passes' : 'fails'}` : expect;
      return symbol(item.name?.value || '(unnamed example)', SymbolKind.Event, detail, item.name?.span ?? item.span);
    }
  }
}
