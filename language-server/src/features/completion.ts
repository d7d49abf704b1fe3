// Completion by grammar position. The text before the cursor is lexed (cheap: no parse, no
// compile), cut back to the start of the current top-level item, and handed to Chevrotain's
// computeContentAssist, which answers with every token the grammar accepts next and the rule
// stack it would be in. Keywords come straight from those tokens; where the grammar wants a
// name or a value, the rule stack and the words before the cursor say which: roles after
// `require`, sources after `from`, currencies after `in`, symbols of the subject being
// compared, outcomes after `expect`, rule names after `by`.
import { knownCurrencies, WEEKDAYS } from '@axiru/runtime';
import { lex, OUTCOMES, policyParser, Tokens as T } from '@axiru/compiler';
import type { IToken, TokenType } from 'chevrotain';
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Range,
} from 'vscode-languageserver';
import type { LineIndex } from '@axiru/compiler';
import type { PolicyNames } from './policyNames.js';
import {
  COMMON_CURRENCIES,
  COMPARATORS,
  EXAMPLE_FIELDS,
  KEYWORD_DOCS,
  OUTCOME_DOCS,
  SUBJECTS,
  type ExampleFieldKind,
} from './vocabulary.js';

interface AssistPath {
  readonly nextTokenType: TokenType;
  readonly nextTokenOccurrence: number;
  readonly ruleStack: readonly string[];
}

/** Groups, in the order the list shows them. */
const enum Rank {
  Name = 0,
  Phrase = 1,
  Keyword = 2,
  Item = 3,
}

const ITEM_STARTS: ReadonlySet<TokenType> = new Set([T.Policy, T.Roles, T.Sources, T.Lists, T.Timezone, T.Otherwise, T.On, T.Rule, T.Example]);

/** Keyword tokens and the word they stand for. */
const WORDS: ReadonlyMap<TokenType, string> = (() => {
  const words = new Map<TokenType, string>([[T.RequireWord, 'require']]);
  for (const value of Object.values(T)) {
    if (isTokenType(value) && value.PATTERN instanceof RegExp && /^[a-z]+$/.test(value.PATTERN.source)) words.set(value, value.PATTERN.source);
  }
  return words;
})();

function isTokenType(value: unknown): value is TokenType {
  return typeof value === 'object' && value !== null && 'PATTERN' in value && 'name' in value;
}

/** A line whose first word starts a top-level item: tokens never span lines, so lexing may start there. */
const ITEM_LINE = /^\s*(?:policy|roles|sources|lists|timezone|otherwise|on|rule|example)\b(?!\.)/;

export function completion(text: string, offset: number, lines: LineIndex, names: PolicyNames): CompletionItem[] {
  // Only the current item matters: lex from the line it starts on, not from the top of the file.
  let line = lines.positionAt(offset).line;
  while (line > 0 && !ITEM_LINE.test(lines.lineText(line))) line--;
  const base = lines.offsetAt({ line, character: 0 });
  const prefix = text.slice(base, offset);
  const lexed = relocate(lex(prefix), base);
  const lastComment = lexed.comments[lexed.comments.length - 1];
  if (lastComment && lastComment.startOffset + lastComment.image.length === offset) return [];

  let tokens = lexed.tokens;
  let replaceFrom = offset;
  const last = tokens[tokens.length - 1];
  if (last && last.startOffset + last.image.length === offset) {
    if (last.tokenType === T.StringLiteral && !/^"(?:[^"\\]|\\.)*"$/.test(last.image)) return []; // inside a string
    if (/^(?:[A-Za-z_][A-Za-z0-9_]*|metadata\.[A-Za-z0-9_-]*)$/.test(last.image)) {
      // The word being typed: complete it rather than what may follow it.
      replaceFrom = last.startOffset;
      tokens = tokens.slice(0, -1);
    } else if (last.tokenType !== T.StringLiteral && !isPunctuation(last.tokenType)) {
      return []; // in the middle of a number or money literal
    }
  }

  const start = lastIndexWhere(tokens, (t) => ITEM_STARTS.has(t.tokenType));
  const itemTokens = start < 0 ? [] : tokens.slice(start);
  // Tokens before the first item (a stray word) cannot start anything: complete from scratch.
  const paths = start < 0 && tokens.length > 0 ? [] : assist(itemTokens);

  const lineStart = lines.offsetAt({ line: lines.positionAt(replaceFrom).line, character: 0 });
  const atLineStart = text.slice(lineStart, replaceFrom).trim().length === 0;
  const range: Range = { start: lines.positionAt(replaceFrom), end: lines.positionAt(offset) };
  const out = new Completions(range);
  for (const path of paths) suggest(path, itemTokens, names, atLineStart, out);
  return out.items();
}

/** Content assist over the item; when an earlier mistake leaves the grammar lost, retry from the last clause. */
function assist(tokens: readonly IToken[]): AssistPath[] {
  const parser = policyParser();
  const paths = parser.computeContentAssist('file', [...tokens]);
  if (paths.length > 0 || tokens.length === 0) return paths;
  const fallbacks: [TokenType, string][] = [
    [T.When, 'condition'],
    [T.Unless, 'condition'],
    [T.RequireWord, 'approval'],
  ];
  let best: { index: number; rule: string } | null = null;
  for (const [type, rule] of fallbacks) {
    const index = lastIndexWhere(tokens, (t) => t.tokenType === type || t.tokenType.CATEGORIES?.includes(type) === true);
    if (index >= 0 && (!best || index > best.index)) best = { index, rule };
  }
  if (!best) return [];
  return parser.computeContentAssist(best.rule, tokens.slice(best.index + 1)).map((path) => ({ ...path, ruleStack: ['ruleDecl', ...path.ruleStack] }));
}

function suggest(path: AssistPath, tokens: readonly IToken[], names: PolicyNames, atLineStart: boolean, out: Completions): void {
  const type = path.nextTokenType;
  const rule = path.ruleStack[path.ruleStack.length - 1] ?? 'file';
  const inComparison = path.ruleStack.includes('comparison');
  // After `charge` or `customer` the subject goes on; reading the word as an unknown field
  // (and offering comparators) would only be noise.
  const previous = tokens[tokens.length - 1]?.tokenType;
  if (previous === T.Charge && rule !== 'subject') return;

  if (type === T.Identifier) return identifierItems(path, rule, tokens, names, out);
  if (type === T.StringLiteral || type === T.NumberLiteral || type === T.MoneyLiteral || type === T.PercentLiteral) {
    return literalItems(type, rule, path, tokens, out);
  }
  if (ITEM_STARTS.has(type)) {
    if (atLineStart || tokens.length === 0) itemStart(type, names, out);
    return;
  }
  if (rule === 'subject' || rule === 'velocityWindow' || (rule === 'value' && type === T.Of)) {
    if (type === T.Of) return out.keyword('of', 'of', Rank.Phrase);
    return subjectItems(type, tokens, out);
  }
  if (rule === 'comparator' && type === T.List) return out.keyword('list', 'list', Rank.Phrase, KEYWORD_DOCS['list']);
  if (rule === 'comparator' || rule === 'amountComparator' || (rule === 'qualifier' && type === T.Between)) {
    return comparatorItems(type, tokens, inComparison, out);
  }
  if (rule === 'qualifier') {
    if (type === T.From) return out.keyword('from', 'from', Rank.Phrase, KEYWORD_DOCS['from']);
    if (type === T.In) return out.keyword('in', 'in', Rank.Phrase, 'The refund currencies: `in EUR, GBP`.');
    if (type === T.For) {
      out.keyword('for merchant', 'for merchant', Rank.Phrase, KEYWORD_DOCS['for']);
      return out.keyword('for merchants', 'for merchants', Rank.Phrase, KEYWORD_DOCS['for']);
    }
  }
  if (type === T.Approval || type === T.Approvals) {
    const word = type === T.Approvals ? 'approvals from' : 'approval from';
    // After a count the plural reads right; without one, `approval from`.
    const afterCount = tokens[tokens.length - 1]?.tokenType === T.NumberLiteral;
    if (afterCount === (type === T.Approvals)) out.keyword(word, word, Rank.Keyword, KEYWORD_DOCS[type === T.Approvals ? 'approvals' : 'approval']);
    return;
  }
  const word = WORDS.get(type);
  if (!word) return; // punctuation: typed, not chosen
  if (type === T.Least || type === T.Most || type === T.To) return out.keyword(word, word, Rank.Phrase);
  if (type === T.Missing) return out.keyword(word, word, Rank.Keyword, KEYWORD_DOCS['missing']);
  out.keyword(word, word, Rank.Keyword, KEYWORD_DOCS[word]);
}

function itemStart(type: TokenType, names: PolicyNames, out: Completions): void {
  switch (type) {
    case T.Policy:
      if (!names.hasHeader) out.snippet('policy', 'policy "${1:name}" version ${2:1}', 'policy header', KEYWORD_DOCS['policy'], Rank.Item);
      return;
    case T.Rule:
      out.snippet('rule', 'rule ${1:name}:\n  $0', 'rule NAME:', KEYWORD_DOCS['rule'], Rank.Item);
      return;
    case T.Example:
      out.snippet(
        'example',
        'example "${1:name}" {\n  ${2:amount}: ${3:\\$100}\n} expect ${4|allow,flag,pending_approval,block|}$0',
        'example "NAME" { ... } expect OUTCOME',
        KEYWORD_DOCS['example'],
        Rank.Item,
      );
      return;
    case T.Roles:
      out.keyword('roles', 'roles ', Rank.Item, KEYWORD_DOCS['roles']);
      return;
    case T.Sources:
      out.keyword('sources', 'sources ', Rank.Item, KEYWORD_DOCS['sources']);
      return;
    case T.Lists:
      out.keyword('lists', 'lists ', Rank.Item, KEYWORD_DOCS['lists']);
      return;
    case T.Timezone:
      if (!names.hasTimezone) out.snippet('timezone', 'timezone "${1:Europe/Berlin}"', 'timezone "IANA/Name"', KEYWORD_DOCS['timezone'], Rank.Item);
      return;
    case T.Otherwise:
      if (!names.hasOtherwise) out.keyword('otherwise', 'otherwise ', Rank.Item, KEYWORD_DOCS['otherwise']);
      return;
    case T.On:
      if (!names.hasOnMissing) out.keyword('on missing', 'on missing ', Rank.Item, KEYWORD_DOCS['on']);
      return;
  }
}

const SUBJECT_STARTS: ReadonlyMap<TokenType, string> = new Map([
  [T.Amount, 'amount'],
  [T.Charge, 'charge'],
  [T.Customer, 'customer'],
  [T.Reason, 'reason'],
  [T.Source, 'source'],
  [T.Merchant, 'merchant'],
  [T.Currency, 'currency'],
  [T.MetadataKey, 'metadata'],
  [T.Requested, 'requested'],
  [T.Local, 'local'],
  [T.Weekday, 'weekday'],
]);

/** Words after which a subject phrase is under way (`charge |`, `customer refunds in last 30 |`). */
const INSIDE_SUBJECT: ReadonlySet<TokenType> = new Set([T.Charge, T.Customer, T.Source, T.Merchant, T.Requested, T.Local, T.Refunds, T.Refunded, T.In, T.Last, T.NumberLiteral]);

function subjectItems(type: TokenType, tokens: readonly IToken[], out: Completions): void {
  const previous = tokens[tokens.length - 1]?.tokenType;
  const begun = previous !== undefined && INSIDE_SUBJECT.has(previous);
  if (type === T.Metadata && !begun) {
    out.snippet('metadata["KEY"]', 'metadata["${1:key}"]', 'text', 'A metadata value whose key needs quotes.', Rank.Phrase);
    return;
  }
  const first = begun ? undefined : SUBJECT_STARTS.get(type);
  if (first === undefined) {
    // Inside a phrase already begun (`charge |`, `customer refunds in |`): the next word.
    const word = WORDS.get(type);
    if (word) out.keyword(word, word, Rank.Phrase);
    return;
  }
  for (const subject of SUBJECTS) {
    if (subject.phrase.split(/[ .]/)[0] !== first) continue;
    const doc = `${subject.doc}\n\nReads \`${subject.field}\` — ${subject.type}${subject.unit ? ` (${subject.unit})` : ''}.`;
    out.add({
      label: subject.phrase,
      kind: CompletionItemKind.Field,
      detail: subject.type,
      documentation: { kind: MarkupKind.Markdown, value: doc },
      insert: subject.insert,
      snippet: subject.insert.includes('$'),
      rank: Rank.Phrase,
    });
  }
}

function comparatorItems(type: TokenType, tokens: readonly IToken[], inComparison: boolean, out: Completions): void {
  const previous = tokens[tokens.length - 1]?.tokenType;
  const wanted: string[] = [];
  if (type === T.Over) wanted.push('over');
  else if (type === T.Under) wanted.push('under');
  else if (type === T.At) wanted.push('at least', 'at most', ...(inComparison ? ['at'] : []));
  else if (type === T.Before) wanted.push('before');
  else if (type === T.After) wanted.push('after');
  else if (type === T.Up) wanted.push('up to');
  else if (type === T.Between) wanted.push('between');
  else if (type === T.Is) wanted.push('is', 'is not');
  else if (type === T.In) wanted.push('in', 'in list');
  else if (type === T.Not) {
    // After `is` it is `is not`; otherwise the `not` of `not in` / `not in list`.
    if (previous === T.Is) return out.keyword('not', 'not', Rank.Phrase, 'Not equal.');
    wanted.push('not in', 'not in list');
  }
  for (const label of wanted) {
    const comparator = COMPARATORS.find((c) => c.label === label);
    if (!comparator) continue;
    // As a qualifier (`refunds over $150`) only the amount comparators exist, and `in` is not a list.
    const insert = !inComparison && label === 'between' ? 'between ${1:\\$10} and ${2:\\$100}' : comparator.insert;
    out.add({
      label,
      kind: CompletionItemKind.Operator,
      detail: inComparison ? 'comparator' : 'amount qualifier',
      documentation: { kind: MarkupKind.Markdown, value: comparator.doc },
      insert,
      snippet: comparator.snippet === true,
      rank: Rank.Phrase,
    });
  }
}

function identifierItems(path: AssistPath, rule: string, tokens: readonly IToken[], names: PolicyNames, out: Completions): void {
  const stack = path.ruleStack;
  switch (rule) {
    case 'nameList': {
      if (stack.includes('approval')) {
        for (const role of names.roles) out.name(role.name, CompletionItemKind.Class, role.detail);
        return;
      }
      const keyword = listKeyword(tokens);
      if (keyword === T.From) for (const source of names.sources) out.name(source, CompletionItemKind.EnumMember, 'source');
      else if (keyword === T.Merchant || keyword === T.Merchants) for (const merchant of names.merchants) out.name(merchant, CompletionItemKind.Value, 'merchant');
      else if (keyword === T.In) currencyItems(out);
      return;
    }
    case 'sourcesDecl': {
      const declared = new Set(tokens.filter((t) => t.tokenType === T.Identifier || t.tokenType.CATEGORIES?.includes(T.Identifier)).map((t) => t.image));
      for (const source of ['support_tool', 'ai_agent', 'automation', 'stripe_direct']) {
        if (!declared.has(source)) out.name(source, CompletionItemKind.EnumMember, 'a usual source');
      }
      return;
    }
    case 'exampleDecl':
      if (isFirst(path)) {
        for (const outcome of OUTCOMES) out.name(outcome, CompletionItemKind.EnumMember, 'outcome', OUTCOME_DOCS[outcome]);
      } else {
        for (const r of names.rules) out.name(r.name, CompletionItemKind.Function, r.detail);
      }
      return;
    case 'exampleField': {
      const given = givenExampleKeys(tokens);
      for (const field of EXAMPLE_FIELDS) {
        if (!given.has(field.name)) out.name(field.name, CompletionItemKind.Property, `example input (${field.kind})`, field.doc);
      }
      return;
    }
    case 'subject':
      // The other Identifier of a subject is an unknown field: nothing to offer.
      return;
    case 'velocityWindow':
      // `source refunded in last 1 |`: the window's unit.
      for (const unit of ['days', 'hours']) out.name(unit, CompletionItemKind.Unit, 'window unit');
      return;
    case 'comparator':
      // `customer in list |`: the lists the policy declares.
      if (tokens[tokens.length - 1]?.tokenType === T.List) for (const list of names.lists) out.name(list, CompletionItemKind.Variable, 'list');
      return;
    case 'value': {
      const target = valueTarget(stack, tokens);
      if (isFirst(path)) {
        // A unit after a number: `30 days`, or `150 EUR` for money.
        if (target === 'duration' || target === 'days') for (const unit of ['days', 'hours']) out.name(unit, CompletionItemKind.Unit, 'duration unit');
        if (target === 'money' && !stack.includes('exampleField')) currencyItems(out);
        return;
      }
      symbolItems(target, names, out);
      return;
    }
    default:
      return; // a new name (rule, role) or a version: nothing to offer
  }
}

function literalItems(type: TokenType, rule: string, path: AssistPath, tokens: readonly IToken[], out: Completions): void {
  if (type === T.StringLiteral) {
    if (rule === 'header') out.snippet('"name"', '"${1:name}"', 'policy name', undefined, Rank.Name);
    else if (rule === 'ruleDecl') out.snippet('"reason"', '"${1:reason}"', 'the reason people read', KEYWORD_DOCS['because'], Rank.Name);
    else if (rule === 'exampleDecl') out.snippet('"name"', '"${1:name}"', 'example name', undefined, Rank.Name);
    else if (rule === 'value' && valueTarget(path.ruleStack, tokens) === 'text') out.snippet('"text"', '"${1}"', 'quoted text', undefined, Rank.Name);
    return;
  }
  if (type === T.NumberLiteral && rule === 'approval') {
    out.snippet('N approvals from', '${1:2} approvals from ${2:role}', 'distinct approvers', KEYWORD_DOCS['approvals'], Rank.Keyword);
    return;
  }
  if (rule !== 'value') return;
  const target = valueTarget(path.ruleStack, tokens);
  if (type === T.MoneyLiteral && target === 'money') {
    out.snippet('$amount', '\\$${1:150}', 'money (USD)', 'Money: `$150`, `€90`, `£40`, `¥5000` or `150 EUR`.', Rank.Name);
    out.snippet('amount CODE', '${1:150} ${2:EUR}', 'money in any ISO 4217 currency', undefined, Rank.Name);
  }
  if (type === T.PercentLiteral && target === 'money' && !path.ruleStack.includes('exampleField')) {
    out.snippet('P% of charge amount', '${1:80}% of charge amount', 'a share of another amount', KEYWORD_DOCS['of'], Rank.Name);
  }
  if (type === T.NumberLiteral && (target === 'duration' || target === 'days') && !path.ruleStack.includes('exampleField')) {
    out.snippet('N days', '${1:30} days', 'duration', undefined, Rank.Name);
    out.snippet('N hours', '${1:48} hours', 'duration', undefined, Rank.Name);
  }
}

type ValueTarget = ExampleFieldKind | 'duration' | 'text' | 'unknown';

/** What kind of value the cursor is in: from the subject being compared, or the example input's key. */
function valueTarget(stack: readonly string[], tokens: readonly IToken[]): ValueTarget {
  if (stack.includes('exampleField')) {
    const colon = lastIndexWhere(tokens, (t) => t.tokenType === T.Colon);
    const key = colon > 0 ? tokens[colon - 1]!.image.replace(/^"|"$/g, '') : '';
    if (/^customer_refunds_last_\d+_(days|hours)$/.test(key)) return 'count';
    return EXAMPLE_FIELDS.find((f) => f.name === key)?.kind ?? 'unknown';
  }
  if (stack.includes('qualifier')) return 'money';
  return subjectBefore(tokens);
}

const COMPARATOR_WORDS: ReadonlySet<TokenType> = new Set([T.Over, T.Under, T.At, T.Up, T.Between, T.Is, T.In]);
const CONDITION_BREAKS: ReadonlySet<TokenType> = new Set([T.When, T.Unless, T.Or, T.LParen, T.Rule, T.RequireWord, T.Require, T.Requires]);

/** The type of the subject of the comparison the cursor is in, read backwards from the comparator. */
function subjectBefore(tokens: readonly IToken[]): ValueTarget {
  for (let i = tokens.length - 1; i > 0; i--) {
    const type = tokens[i]!.tokenType;
    if (CONDITION_BREAKS.has(type)) return 'unknown';
    // `customer refunds in last` is a subject, not the comparator `in`.
    if (type === T.In && tokens[i - 1]?.tokenType === T.Refunds) continue;
    if (!COMPARATOR_WORDS.has(type)) continue;
    let end = i - 1;
    if (tokens[end]?.tokenType === T.Not) end--; // `not in`
    return subjectType(tokens, end);
  }
  return 'unknown';
}

function subjectType(tokens: readonly IToken[], end: number): ValueTarget {
  const at = (i: number) => tokens[i]?.tokenType;
  switch (at(end)) {
    case T.Amount:
      return 'money';
    case T.Refunded:
      return 'money';
    case T.Age:
    case T.Tenure:
      return 'duration';
    case T.Reason:
      return 'reason';
    case T.Source:
      return 'source';
    case T.Merchant:
      return 'merchant';
    case T.Currency:
      return 'currency';
    case T.Weekday:
      return 'weekday';
    case T.Time:
      return 'time';
    case T.MetadataKey:
    case T.RBracket:
      return 'text';
    default:
      // `customer refunds in last 30 days`: a count; `source refunded in last 1 hour`: money.
      if (at(end - 1) === T.NumberLiteral && at(end - 2) === T.Last) return at(end - 4) === T.Refunded ? 'money' : 'count';
      return 'unknown';
  }
}

function symbolItems(target: ValueTarget, names: PolicyNames, out: Completions): void {
  if (target === 'reason') for (const reason of names.reasons) out.name(reason, CompletionItemKind.EnumMember, 'reason');
  else if (target === 'source') for (const source of names.sources) out.name(source, CompletionItemKind.EnumMember, 'source');
  else if (target === 'merchant') for (const merchant of names.merchants) out.name(merchant, CompletionItemKind.Value, 'merchant');
  else if (target === 'currency') currencyItems(out);
  else if (target === 'weekday') for (const day of WEEKDAYS) out.name(day, CompletionItemKind.EnumMember, 'day of the week');
  else if (target === 'metadata') out.snippet('{ key: "value" }', '{ ${1:key}: "${2}" }', 'metadata object', undefined, Rank.Name);
}

function currencyItems(out: Completions): void {
  const rest = knownCurrencies().filter((c) => !COMMON_CURRENCIES.includes(c)).sort();
  for (const code of [...COMMON_CURRENCIES, ...rest]) out.name(code, CompletionItemKind.Constant, 'currency');
}

/** Which qualifier a name list belongs to: the keyword before the names and separators. */
function listKeyword(tokens: readonly IToken[]): TokenType | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (type === T.From || type === T.In || type === T.Merchant || type === T.Merchants) {
      // A list word can itself be a listed name (`from from`): a keyword is followed by a name or nothing.
      return type;
    }
    if (type !== T.Comma && type !== T.Or && type !== T.Identifier && !type.CATEGORIES?.includes(T.Identifier)) return undefined;
  }
  return undefined;
}

/** Keys already given in the innermost open `{ ... }`. */
function givenExampleKeys(tokens: readonly IToken[]): Set<string> {
  const open = lastIndexWhere(tokens, (t) => t.tokenType === T.LBrace);
  const given = new Set<string>();
  for (let i = open + 1; i < tokens.length - 1; i++) {
    if (tokens[i + 1]!.tokenType === T.Colon) given.add(tokens[i]!.image.replace(/^"|"$/g, ''));
  }
  return given;
}

/** `CONSUME` is occurrence 0 in content assist, `CONSUME1` is 1: both are the first. */
function isFirst(path: AssistPath): boolean {
  return path.nextTokenOccurrence <= 1;
}

function isPunctuation(type: TokenType): boolean {
  return [T.Colon, T.Comma, T.Less, T.LParen, T.RParen, T.LBracket, T.RBracket, T.LBrace, T.RBrace].includes(type);
}

/** Tokens lexed from `base` onwards, with offsets into the whole text. */
function relocate(lexed: ReturnType<typeof lex>, base: number): { tokens: IToken[]; comments: IToken[] } {
  if (base === 0) return lexed;
  const move = (t: IToken): IToken => ({ ...t, startOffset: t.startOffset + base });
  return { tokens: lexed.tokens.map(move), comments: lexed.comments.map(move) };
}

function lastIndexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}

interface Candidate {
  readonly label: string;
  readonly kind: CompletionItemKind;
  readonly detail?: string;
  readonly documentation?: CompletionItem['documentation'];
  readonly insert: string;
  readonly snippet: boolean;
  readonly rank: Rank;
}

/** Collects candidates once each, and orders them by group, then by the order found. */
class Completions {
  private readonly byLabel = new Map<string, Candidate>();

  constructor(private readonly range: Range) {}

  add(candidate: Candidate): void {
    if (!this.byLabel.has(candidate.label)) this.byLabel.set(candidate.label, candidate);
  }

  keyword(label: string, insert: string, rank: Rank, doc?: string): void {
    this.add({ label, kind: CompletionItemKind.Keyword, insert, snippet: false, rank, ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}) });
  }

  name(label: string, kind: CompletionItemKind, detail: string, doc?: string): void {
    this.add({ label, kind, detail, insert: label, snippet: false, rank: Rank.Name, ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}) });
  }

  snippet(label: string, insert: string, detail: string, doc: string | undefined, rank: Rank): void {
    this.add({ label, kind: CompletionItemKind.Snippet, detail, insert, snippet: true, rank, ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}) });
  }

  items(): CompletionItem[] {
    return [...this.byLabel.values()]
      .map((c, index) => ({ c, index }))
      .sort((a, b) => a.c.rank - b.c.rank || a.index - b.index)
      .map(({ c }, order) => ({
        label: c.label,
        kind: c.kind,
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.documentation ? { documentation: c.documentation } : {}),
        sortText: String(order).padStart(4, '0'),
        textEdit: { range: this.range, newText: c.insert },
        ...(c.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      }));
  }
}
