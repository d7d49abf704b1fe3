// Phases 1-3 together: text -> tokens -> CST -> AST, with every syntax diagnostic. The
// parser instance is shared and re-fed (`parser.input = tokens`), as Chevrotain recommends.
import type { IToken } from 'chevrotain';
import { MAX_CONDITION_DEPTH } from '@axiru/runtime';
import type { Condition, PolicyFile } from '../ast.js';
import type { Diagnostic, Span } from '../diagnostics/Diagnostic.js';
import { lex } from './lex.js';
import { lowerFile } from './lower.js';
import { EOF } from 'chevrotain';
import { MAX_SYNTAX_ERRORS, policyParser, type StopReason } from './PolicyParser.js';

export interface ParseResult {
  readonly file: PolicyFile;
  readonly tokens: readonly IToken[];
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(text: string): ParseResult {
  const lexed = lex(text);
  const parser = policyParser();
  const { cst, cut } = parseBounded(parser, lexed.tokens);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  if (cut !== null) {
    const atEnd = cut.token.tokenType === EOF;
    diagnostics.push({
      code: 'AX1001', severity: 'error',
      message: CUT_MESSAGES[cut.why] + (atEnd ? '' : '; the rest of the file was not read'),
      span: errorSpan(cut.token, undefined, lexed.tokens, text),
      help: 'fix the errors above this point first',
    });
  }
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
  limitConditionDepth(file, diagnostics);
  return { file, tokens: lexed.tokens, diagnostics };
}

type Cut = { readonly token: IToken; readonly why: StopReason | 'depth' };

const CUT_MESSAGES: Readonly<Record<Cut['why'], string>> = {
  errors: `more than ${MAX_SYNTAX_ERRORS} syntax errors`,
  unwinding: 'too many syntax errors inside deeply nested conditions or examples',
  depth: 'too many syntax errors in a row to go on',
};

/**
 * The parse of the tokens, and where reading stopped if it did. The parser stops by itself, in
 * the same pass, at the error after its MAX_SYNTAX_ERRORS-th or once its errors have unwound
 * MAX_RULES_UNWOUND rules (PolicyParser.ts). And Chevrotain
 * recovers from an error inside a repetition by re-entering the repetition, one stack frame
 * deeper each time: should that exhaust the stack, the prefix is halved and parsed again.
 */
function parseBounded(parser: ReturnType<typeof policyParser>, tokens: readonly IToken[]): { cst: ReturnType<ReturnType<typeof policyParser>['file']>; cut: Cut | null } {
  let end = tokens.length;
  parser.work = { passes: 0, tokens: 0, searches: 0, unwound: 0, scanned: 0 };
  for (;;) {
    parser.input = end === tokens.length ? (tokens as IToken[]) : tokens.slice(0, end);
    parser.work.passes += 1;
    parser.work.tokens += end;
    try {
      const cst = parser.file();
      if (parser.stopped !== null) return { cst, cut: parser.stopped };
      return { cst, cut: end === tokens.length ? null : { token: tokens[end]!, why: 'depth' } };
    } catch (error) {
      if (error instanceof RangeError && end > 0) {
        end = Math.floor(end / 2);
      } else {
        throw error;
      }
    }
  }
}

/**
 * The lexer bounds parentheses and `not` runs, but `and`, `or` and `not` alternating inside
 * them still nest: the runtime refuses IR nested deeper than MAX_CONDITION_DEPTH, so such a
 * condition is reported here (AX1025) instead of compiling to IR that cannot load.
 * Conservative: it counts the IR nodes the condition can become, before normalization.
 */
function limitConditionDepth(file: PolicyFile, diagnostics: Diagnostic[]): void {
  for (const item of file.items) {
    if (item.kind !== 'Rule' || !item.statement) continue;
    // A rule's IR is `and(qualifiers, when, not(unless))`: `when` sits one level down, `unless` two.
    const clauses = [
      { condition: item.statement.when, below: 1 },
      ...item.statement.unless.map((u) => ({ condition: u.condition, below: 2 })),
    ];
    for (const { condition, below } of clauses) {
      if (!condition || below + irLevels(condition) - 1 <= MAX_CONDITION_DEPTH) continue;
      // A run of `not`s the lexer already shortened and reported needs no second diagnostic.
      const reported = diagnostics.some((d) => d.code === 'AX1025' && d.span && d.span.start >= condition.span.start && d.span.end <= condition.span.end);
      if (!reported) {
        diagnostics.push({
          code: 'AX1025',
          severity: 'error',
          message: `\`and\`, \`or\` and \`not\` nested more than ${MAX_CONDITION_DEPTH} deep`,
          span: condition.span,
          help: 'split the condition into several rules',
        });
      }
    }
  }
}

/** The most IR nodes on one path from the condition down to a comparison. */
function irLevels(condition: Condition | null): number {
  if (!condition) return 0;
  switch (condition.kind) {
    case 'Paren':
      return irLevels(condition.inner);
    case 'Not':
      return 1 + irLevels(condition.operand);
    case 'And':
    case 'Or':
      return 1 + condition.operands.reduce((most, operand) => Math.max(most, irLevels(operand)), 0);
    case 'Comparison':
      // `not in` becomes `not (in ...)`, or for money an `and` of `ne`.
      return condition.op === 'not_in' ? 2 : 1;
  }
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
