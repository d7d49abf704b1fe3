// Phase 1: text -> tokens. Never throws: unknown characters and unterminated strings become
// diagnostics, and the token stream is repaired so the parser can carry on.
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import * as T from './tokens.js';

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Conditions and example objects nest through recursive descent; past this depth a parser
 * would exhaust the stack on hostile input, so deeper nesting is reported (AX1025) and removed.
 */
export const MAX_NESTING = 64;

let lexer: Lexer | undefined;

export function lex(text: string): LexResult {
  // 'full' because only it gives tokens an endOffset, which the parser needs to track node spans.
  lexer ??= new Lexer(T.lexerTokens, { positionTracking: 'full', ensureOptimizations: true });
  const result = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = unexpectedRuns(result.errors, result.groups['unexpected'] ?? []).map((run) => {
    const char = text.slice(run.offset, run.offset + run.length);
    return {
      code: 'AX1000',
      severity: 'error',
      message: unexpectedMessage(char),
      span: { start: run.offset, end: run.offset + run.length },
      help: helpForCharacter(char),
    };
  });
  const tokens = result.tokens.map((token) => {
    if (token.tokenType !== T.UnterminatedString) return token;
    diagnostics.push({
      code: 'AX1026',
      severity: 'error',
      message: 'this string has no closing `"`',
      span: { start: token.startOffset, end: token.startOffset + token.image.length },
      fixes: [{ title: 'Close the string', span: { start: token.startOffset + token.image.length, end: token.startOffset + token.image.length }, replacement: '"' }],
    });
    // Parse on as if it were closed; lowering reads the value without a closing quote.
    return { ...token, tokenType: T.StringLiteral, tokenTypeIdx: T.StringLiteral.tokenTypeIdx! };
  });
  return { tokens: limitNesting(tokens, diagnostics), comments: result.groups['comments'] ?? [], diagnostics };
}

/**
 * The stretches of text no token matched, in order: Unexpected runs, and whatever Chevrotain's
 * own lexer recovery still reports (nothing, as the tokens are: see tokens.ts), adjacent ones
 * joined, as Chevrotain's recovery alone reports them.
 */
function unexpectedRuns(errors: readonly ILexingError[], unexpected: readonly IToken[]): { offset: number; length: number }[] {
  const pieces = [...errors.map((e) => ({ offset: e.offset, length: e.length })), ...unexpected.map((t) => ({ offset: t.startOffset, length: t.image.length }))];
  pieces.sort((a, b) => a.offset - b.offset);
  const runs: { offset: number; length: number }[] = [];
  for (const piece of pieces) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.offset + last.length === piece.offset) last.length += piece.length;
    else runs.push({ ...piece });
  }
  return runs;
}

/** Past this many characters a message shows the first of them and how many there are: it stays a line long. */
const SHOWN = 24;

function unexpectedMessage(chars: string): string {
  if (chars.length > SHOWN) return `unexpected characters \`${chars.slice(0, SHOWN)}…\` (${chars.length.toLocaleString('en-US')} characters)`;
  return `unexpected character${chars.length > 1 ? 's' : ''} \`${chars}\``;
}

function helpForCharacter(char: string): string | undefined {
  if (char.startsWith("'")) return 'strings are written in double quotes: "like this"';
  if (/^[A-Z]{3}/.test(char)) return undefined;
  if (/^[^\x00-\x7f]/.test(char)) return 'money is written `$150`, `€90`, `£40`, `¥5000` or `150 EUR`';
  return undefined;
}

/**
 * Keeps nesting within MAX_NESTING, with one diagnostic per item. A condition nests through
 * parentheses and through `not`s (each `not` holds the rest of its operand), so both count
 * towards one depth: a `(` or `not` past it is dropped (the condition inside stays, so it is
 * still checked). Example braces deeper than that are cut out with their contents.
 */
function limitNesting(tokens: IToken[], diagnostics: Diagnostic[]): IToken[] {
  const out: IToken[] = [];
  // One entry per open parenthesis (the first stands for the top level): whether it was kept,
  // and how many `not`s are open in it. `and` / `or` close those `not`s (`not` binds tightest).
  let stack: { kept: boolean; nots: number }[] = [{ kept: false, nots: 0 }];
  let depth = 0; // kept parentheses + open `not`s
  let braces = 0;
  let cutAt = 0; // brace depth at which a cut started, 0 when not cutting
  let reported = false; // one diagnostic per declaration, rule or example is enough
  const drop = (token: IToken, what: string) => {
    if (!reported) diagnostics.push(tooDeep(token, what));
    reported = true;
  };
  tokens.forEach((token, i) => {
    const type = token.tokenType;
    if (isTopLevelWord(type)) {
      // Nesting never reaches across declarations, even when brackets were left open.
      stack = [{ kept: false, nots: 0 }];
      depth = 0;
      braces = 0;
      cutAt = 0;
      reported = false;
    } else if (cutAt > 0) {
      if (type === T.LBrace) braces++;
      else if (type === T.RBrace && --braces < cutAt) cutAt = 0;
      return;
    }
    const top = stack[stack.length - 1]!;
    if (type === T.LBrace && ++braces > MAX_NESTING) {
      drop(token, 'braces');
      cutAt = braces;
      return;
    }
    if (type === T.RBrace) braces = Math.max(0, braces - 1);
    if (type === T.LParen) {
      const kept = depth < MAX_NESTING;
      stack.push({ kept, nots: 0 });
      if (!kept) return drop(token, 'parentheses');
      depth++;
    } else if (type === T.RParen && stack.length > 1) {
      stack.pop();
      depth -= top.nots + (top.kept ? 1 : 0);
      if (!top.kept) return;
    } else if (type === T.And || type === T.Or) {
      depth -= top.nots;
      top.nots = 0;
    } else if (type === T.Not && !isComparatorNot(tokens, i)) {
      if (depth >= MAX_NESTING) return drop(token, '`not`');
      top.nots++;
      depth++;
    }
    out.push(token);
  });
  return out;
}

/** The `not` of `is not` and `not in` compares; it does not nest a condition. */
function isComparatorNot(tokens: readonly IToken[], i: number): boolean {
  return tokens[i - 1]?.tokenType === T.Is || tokens[i + 1]?.tokenType === T.In;
}

function isTopLevelWord(type: IToken['tokenType']): boolean {
  return type === T.Rule || type === T.Example || type === T.Roles || type === T.Sources || type === T.Otherwise || type === T.Policy || type === T.Lists || type === T.Timezone;
}

function tooDeep(token: IToken, what: string): Diagnostic {
  return {
    code: 'AX1025',
    severity: 'error',
    message: `${what} nested more than ${MAX_NESTING} deep`,
    span: { start: token.startOffset, end: token.startOffset + token.image.length },
    help: 'split the condition into several rules',
  };
}
