// Semantic tokens: what the TextMate grammar cannot know. A grammar sees words; the server knows
// that `block` in `rule block:` is a rule's name and in `block refunds` an outcome, that
// `finance_manager` is a role, `ai_agent` a source, and `charge amount` one subject.
// The syntax tree classifies names and subjects; every other token is classified by its type.
import { lex, Tokens as T, visit, type Span } from '@axiru/compiler';
import type { TokenType } from 'chevrotain';
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';

const TYPES = ['keyword', 'type', 'function', 'enumMember', 'property', 'number', 'string', 'comment', 'variable', 'operator'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;

type TokenKind = (typeof TYPES)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

interface Classified {
  readonly type: TokenKind;
  readonly declaration: boolean;
}

const OPERATORS: ReadonlySet<TokenType> = new Set([T.Less, T.Over, T.Under, T.At, T.Least, T.Most, T.Up, T.To, T.Between, T.Is, T.In, T.And, T.Or, T.Not, T.Of, T.Before, T.After, T.List]);
const LITERALS: ReadonlyMap<TokenType, TokenKind> = new Map([
  [T.MoneyLiteral, 'number'],
  [T.NumberLiteral, 'number'],
  [T.PercentLiteral, 'number'],
  [T.TimeLiteral, 'number'],
  [T.StringLiteral, 'string'],
  [T.UnterminatedString, 'string'],
]);

export function semanticTokens(document: PolicyDocument): SemanticTokens {
  const byStart = classifyNames(document);
  const subjects: Span[] = [];
  visit(document.file, (node) => {
    if (node.kind === 'Subject') subjects.push(node.span);
  });
  subjects.sort((a, b) => a.start - b.start);
  // Tokens and subjects both come in source order: one pass over each.
  let next = 0;
  const inSubject = (offset: number) => {
    while (next < subjects.length && subjects[next]!.end <= offset) next++;
    const subject = subjects[next];
    return subject !== undefined && subject.start <= offset;
  };

  const lexed = lex(document.text);
  const tokens = [
    ...lexed.tokens.map((t) => ({ start: t.startOffset, length: t.image.length, type: t.tokenType })),
    ...lexed.comments.map((t) => ({ start: t.startOffset, length: t.image.length, type: T.Comment })),
  ].sort((a, b) => a.start - b.start);

  const builder = new SemanticTokensBuilder();
  for (const token of tokens) {
    const kind = byStart.get(token.start) ?? classifyToken(token.type, inSubject(token.start));
    if (!kind) continue;
    const at = document.positionAt(token.start);
    const modifiers = kind.declaration ? 1 << MODIFIERS.indexOf('declaration') : 0;
    builder.push(at.line, at.character, token.length, TYPES.indexOf(kind.type), modifiers);
  }
  return builder.build();
}

/** Names the syntax tree gives a meaning: roles, rules, sources, symbols, example keys and outcomes. */
function classifyNames(document: PolicyDocument): Map<number, Classified> {
  const byStart = new Map<number, Classified>();
  const set = (span: Span, type: TokenKind, declaration = false) => byStart.set(span.start, { type, declaration });
  for (const o of document.occurrences) set(o.span, o.kind === 'role' ? 'type' : o.kind === 'rule' ? 'function' : 'enumMember', o.declaration);
  visit(document.file, (node) => {
    switch (node.kind) {
      case 'Symbol':
        if (!byStart.has(node.span.start)) set(node.span, 'enumMember');
        break;
      case 'MerchantQualifier':
        for (const name of node.names) set(name.span, 'enumMember');
        break;
      // The organisation's lists: variables whose values live on the server.
      case 'ListsDecl':
        for (const name of node.names) set(name.span, 'variable', true);
        break;
      case 'Comparison':
        if (node.list) set(node.list.span, 'variable');
        break;
      case 'CurrencyQualifier':
        for (const code of node.codes) set(code.span, 'enumMember');
        break;
      case 'ExampleField':
        set(node.key.span, 'property');
        break;
      case 'TimezoneDecl':
        if (node.zone) set(node.zone.span, 'string');
        break;
      case 'Example':
        if (node.expect) set(node.expect.span, 'enumMember');
        break;
      case 'Money':
        if (node.codeSpan) set(node.codeSpan, 'number');
        break;
      case 'Number':
        if (node.unit) set(node.unit.span, 'keyword');
        break;
    }
  });
  return byStart;
}

function classifyToken(type: TokenType, inSubject: boolean): Classified | null {
  const literal = LITERALS.get(type);
  if (literal) return { type: literal, declaration: false };
  if (type === T.Comment) return { type: 'comment', declaration: false };
  if (inSubject && type !== T.LBracket && type !== T.RBracket) return { type: 'property', declaration: false };
  if (OPERATORS.has(type)) return { type: 'operator', declaration: false };
  if (type === T.Identifier) return { type: 'variable', declaration: false };
  if (typeof type.PATTERN === 'object' && type.PATTERN instanceof RegExp && /^[a-z]+$/.test(type.PATTERN.source)) return { type: 'keyword', declaration: false };
  return null;
}
