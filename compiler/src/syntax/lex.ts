// Phase 1: text -> tokens. Never throws: unknown characters and unterminated strings become
// diagnostics, and the token stream is repaired so the parser can carry on.
import { Lexer, type IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import * as T from './tokens.js';

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: IToken[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Conditions nest through recursive descent; past this depth a parser would exhaust the
 * stack on hostile input, so deeper nesting is reported (AX1025) and cut out instead.
 */
export const MAX_NESTING = 64;

let lexer: Lexer | undefined;

export function lex(text: string): LexResult {
  lexer ??= new Lexer(T.allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
  const result = lexer.tokenize(text);
  const diagnostics: Diagnostic[] = result.errors.map((error) => {
    const char = text.slice(error.offset, error.offset + error.length);
    return {
      code: 'AX1000',
      severity: 'error',
      message: `unexpected character${error.length > 1 ? 's' : ''} \`${char}\``,
      span: { start: error.offset, end: error.offset + error.length },
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

function helpForCharacter(char: string): string | undefined {
  if (char.startsWith("'")) return 'strings are written in double quotes: "like this"';
  if (/^[A-Z]{3}/.test(char)) return undefined;
  if (/^[^\x00-\x7f]/.test(char)) return 'money is written `$150`, `€90`, `£40`, `¥5000` or `150 EUR`';
  return undefined;
}

/** Drops parentheses and `not` runs nested deeper than MAX_NESTING, with one diagnostic each. */
function limitNesting(tokens: IToken[], diagnostics: Diagnostic[]): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  let notRun = 0;
  let skipping = 0; // depth at which the cut started, 0 when not cutting
  for (const token of tokens) {
    const type = token.tokenType;
    if (skipping > 0) {
      if (type === T.LParen) depth++;
      else if (type === T.RParen) {
        depth--;
        if (depth < skipping) skipping = 0;
      } else if (isTopLevelWord(type)) {
        // The cut never swallows the next declaration, even when parentheses were left open.
        skipping = 0;
        depth = 0;
        out.push(token);
      }
      continue;
    }
    if (type === T.LParen) {
      depth++;
      if (depth > MAX_NESTING) {
        diagnostics.push(tooDeep(token, 'parentheses'));
        skipping = depth;
        continue;
      }
    } else if (type === T.RParen) {
      depth = Math.max(0, depth - 1);
    } else if (isTopLevelWord(type)) {
      depth = 0;
    }
    if (type === T.Not) {
      notRun++;
      if (notRun === MAX_NESTING + 1) diagnostics.push(tooDeep(token, '`not`'));
      if (notRun > MAX_NESTING) continue;
    } else {
      notRun = 0;
    }
    out.push(token);
  }
  return out;
}

function isTopLevelWord(type: IToken['tokenType']): boolean {
  return type === T.Rule || type === T.Example || type === T.Roles || type === T.Sources || type === T.Otherwise || type === T.Policy;
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
