// Tokens of the policy language (docs/language.md, "Lexing and grammar").
//
// Structural words are reserved: they never lex as identifiers. Every other keyword is
// "soft": it belongs to the Identifier category, so wherever the grammar expects a name or
// a symbol the word is accepted as one (`reason is missing`, `rule block:`), and it acts as
// a keyword only where the grammar asks for that keyword.
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

function reserved(word: string, options: { categories?: TokenType[] } = {}): TokenType {
  return createToken({
    name: capitalize(word),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `\`${word}\``,
    ...(options.categories ? { categories: options.categories } : {}),
  });
}

function soft(word: string): TokenType {
  return createToken({
    name: capitalize(word),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Identifier],
    label: `\`${word}\``,
  });
}

function capitalize(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

// Reserved words.
export const Policy = reserved('policy');
export const Version = reserved('version');
export const Roles = reserved('roles');
export const Sources = reserved('sources');
export const Rule = reserved('rule');
export const Example = reserved('example');
export const Expect = reserved('expect');
export const By = reserved('by');
export const Otherwise = reserved('otherwise');
export const On = reserved('on');
export const Because = reserved('because');
export const When = reserved('when');
export const Unless = reserved('unless');
/** `require` and `requires` are synonyms: the grammar consumes this category. */
export const RequireWord = createToken({ name: 'RequireWord', pattern: Lexer.NA, label: '`require`' });
export const Requires = reserved('requires', { categories: [RequireWord] });
export const Require = reserved('require', { categories: [RequireWord] });
export const Approvals = reserved('approvals');
export const Approval = reserved('approval');
export const Refunds = reserved('refunds');
export const And = reserved('and');
export const Or = reserved('or');
export const Not = reserved('not');

// Soft keywords.
export const Allow = soft('allow');
export const Flag = soft('flag');
export const Block = soft('block');
export const Missing = soft('missing');
export const Over = soft('over');
export const Under = soft('under');
export const At = soft('at');
export const Least = soft('least');
export const Most = soft('most');
export const Up = soft('up');
export const To = soft('to');
export const Between = soft('between');
export const From = soft('from');
export const For = soft('for');
export const Merchants = soft('merchants');
export const Merchant = soft('merchant');
export const In = soft('in');
export const Is = soft('is');
export const Of = soft('of');
export const Last = soft('last');
export const Amount = soft('amount');
export const Charge = soft('charge');
export const Customer = soft('customer');
export const Tenure = soft('tenure');
export const Age = soft('age');
export const Refunded = soft('refunded');
export const Reason = soft('reason');
export const Source = soft('source');
export const Currency = soft('currency');
export const Metadata = soft('metadata');
// Round 2: lists, time of day, who asked.
export const Lists = soft('lists');
export const List = soft('list');
export const Timezone = soft('timezone');
export const Requested = soft('requested');
export const Local = soft('local');
export const Time = soft('time');
export const Weekday = soft('weekday');
export const Before = soft('before');
export const After = soft('after');

// Literals. Order matters: money, percent and times of day before plain numbers.
/** `22:00`; any digits around a colon lex as one, so `7:5` and `24:00` get a precise error. */
export const TimeLiteral = createToken({ name: 'TimeLiteral', pattern: /\d+:\d+/, label: 'a time of day' });
const DIGITS = String.raw`\d+(?:,\d{3}(?!\d))*(?:\.\d+)?`;
export const MoneyLiteral = createToken({ name: 'MoneyLiteral', pattern: new RegExp(`[$€£¥]${DIGITS}`), label: 'a money amount' });
export const PercentLiteral = createToken({ name: 'PercentLiteral', pattern: /\d+(?:\.\d+)?%/, label: 'a percentage' });
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: new RegExp(DIGITS), label: 'a number' });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: 'a quoted string' });
/** A string that reaches the end of the line: reported as AX1026 rather than as a stray `"`. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\r\n]|\\.)*/, label: 'a quoted string' });
/** `metadata.KEY` is one token because keys may start with a digit or contain `-`. */
export const MetadataKey = createToken({ name: 'MetadataKey', pattern: /metadata\.[A-Za-z0-9_-]+/, label: '`metadata.KEY`' });
/** `lists.NAME`, an example's input key for a list's values. */
export const ListsKey = createToken({ name: 'ListsKey', pattern: /lists\.[A-Za-z_][A-Za-z0-9_]*/, label: '`lists.NAME`' });

// Punctuation.
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '`:`' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const Less = createToken({ name: 'Less', pattern: /</, label: '`<`' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '`(`' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '`)`' });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: '`[`' });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/, label: '`]`' });
export const LBrace = createToken({ name: 'LBrace', pattern: /{/, label: '`{`' });
export const RBrace = createToken({ name: 'RBrace', pattern: /}/, label: '`}`' });

export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });

/** Every character that can start one of the tokens above (a word, a number, a literal, punctuation, a comment, white space). */
const TOKEN_START = /[A-Za-z_0-9$€£¥":,<()[\]{}#\t\n\v\f\r \u00a0\ufeff]/;

/**
 * A run of characters where no token above can start: characters that start none, and
 * currency symbols without an amount (the only other place where none matches). Chevrotain's
 * lexer recovers from such a run by trying every pattern at every character of it (64 KB of
 * `é` or `$` took a quarter of a second); matched as one token instead, in a group of its
 * own, it never reaches the parser and lex() reports it as the unexpected characters it is.
 * Its start characters are given (start_chars_hint) because a negated set would turn off the
 * lexer's first-character index.
 */
export const Unexpected = createToken({
  name: 'Unexpected',
  pattern: new RegExp(`(?:[^${TOKEN_START.source.slice(1, -1)}]|[$€£¥](?![0-9]))+`),
  group: 'unexpected',
  start_chars_hint: Array.from({ length: 0x10000 }, (_, code) => code).filter((code) => !TOKEN_START.test(String.fromCharCode(code)) || '$€£¥'.includes(String.fromCharCode(code))),
});

/** Lexing order: longer and more specific patterns first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  MetadataKey,
  ListsKey,
  // reserved (longer synonyms before their prefixes)
  Policy, Version, Roles, Rule, Sources, Example, Expect, By, Otherwise, On, Because, When, Unless,
  RequireWord, Requires, Require, Approvals, Approval, Refunds, And, Or, Not,
  // soft
  Allow, Flag, Block, Missing, Over, Under, At, Least, Most, Up, To, Between, From, For,
  Merchants, Merchant, In, Is, Of, Last, Amount, Charge, Customer, Tenure, Age, Refunded,
  Reason, Source, Currency, Metadata, Lists, List, Timezone, Requested, Local, Time, Weekday, Before, After,
  Identifier,
  MoneyLiteral, PercentLiteral, TimeLiteral, NumberLiteral, StringLiteral, UnterminatedString,
  Colon, Comma, Less, LParen, RParen, LBracket, RBracket, LBrace, RBrace,
];

/** What the lexer matches: the tokens, and runs of characters that start none of them. */
export const lexerTokens: TokenType[] = [...allTokens, Unexpected];

/** Words that can never be names or values. */
export const RESERVED_WORDS: readonly string[] = [
  'policy', 'version', 'roles', 'sources', 'rule', 'example', 'expect', 'by', 'otherwise', 'on', 'because',
  'when', 'unless', 'require', 'requires', 'approval', 'approvals', 'refunds', 'and', 'or', 'not',
];
