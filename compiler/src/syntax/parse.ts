// Phases 1-3 together: text -> tokens -> CST -> AST, with every syntax diagnostic. The
// parser instance is shared and re-fed (`parser.input = tokens`), as Chevrotain recommends.
import type { IToken } from 'chevrotain';
import type { PolicyFile } from '../ast.js';
import type { Diagnostic, Span } from '../diagnostics/Diagnostic.js';
import { lex } from './lex.js';
import { lowerFile } from './lower.js';
import { policyParser } from './PolicyParser.js';

export interface ParseResult {
  readonly file: PolicyFile;
  readonly tokens: readonly IToken[];
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string): ParseResult {
  const lexed = lex(text);
  const parser = policyParser();
  parser.input = lexed.tokens;
  const cst = parser.file();
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const seen = new Set<string>();
  for (const error of parser.errors) {
    const span = errorSpan(error.token, (error as { previousToken?: IToken }).previousToken, lexed.tokens, text);
    // Recovery can report the same spot twice; one message per place is enough.
    const key = `${span.start}:${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push({ code: 'AX1001', severity: 'error', message: error.message, span });
  }
  const file = lowerFile(cst, lexed.comments, text.length);
  return { file, tokens: lexed.tokens, diagnostics };
}

/** EOF and recovery-inserted tokens carry no offset: point just after the last real token instead. */
function errorSpan(token: IToken, previous: IToken | undefined, tokens: readonly IToken[], text: string): Span {
  if (Number.isFinite(token.startOffset) && token.startOffset >= 0 && token.image.length > 0) {
    return { start: token.startOffset, end: token.startOffset + token.image.length };
  }
  const before = previous && Number.isFinite(previous.startOffset) ? previous : tokens[tokens.length - 1];
  const at = before ? before.startOffset + before.image.length : text.length;
  return { start: at, end: at };
}
