// `axiru fmt`: canonical layout for a whole file. Words are spaced one apart, each rule is
// `rule NAME:` / statement / `because`, examples put their inputs between braces, and
// comments stay where they were relative to the code (leading, trailing, or at the end of the
// line holding the token before them; a comment on its own line before a printed line stays on
// its own line before it). A printed line keeps one trailing comment: any others it gathers go
// on their own lines before it, so two comments never merge into one. Literals keep their
// spelling, so the IR, and its hash, never change. A file with syntax errors is not formatted:
// its tree is incomplete.
import type * as A from '../ast.js';
import type { Diagnostic, Span } from '../diagnostics/Diagnostic.js';
import { LineIndex } from '../source/LineIndex.js';
import { parse } from '../syntax/parse.js';
import { RESERVED_WORDS } from '../syntax/tokens.js';
import { printNames, printValue, printVerdict, quote, statementSegments } from './printSyntax.js';

const INDENT = '  ';
const MAX_WIDTH = 100;
const STATEMENT_WIDTH = 80;

/** A printed line and the source it came from, so comments can find their line. */
interface Line {
  text: string;
  /** Source offsets covered by the tokens printed on this line. */
  from: number;
  readonly to: number;
  /** Comments printed on their own lines before this line. */
  leading: string[];
  /** Comments at the end of this line (all but the last move before it when printed), each with
   * the blanks that separated it from the code before it on its source line, if any. */
  comments: { readonly text: string; readonly gap: string | null }[];
}

export interface FormatResult {
  /** The formatted text, or null when the file has syntax errors. */
  readonly text: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function formatPolicy(text: string): FormatResult {
  const parsed = parse(text);
  const syntaxErrors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (syntaxErrors.length > 0) return { text: null, diagnostics: syntaxErrors };
  return { text: printFile(parsed.file, text, parsed.tokens), diagnostics: [] };
}

function printFile(file: A.PolicyFile, text: string, tokens: readonly { readonly startOffset: number; readonly image: string }[]): string {
  /** Index of the first token starting at or after `offset` (tokens are in source order). */
  const firstTokenFrom = (offset: number): number => {
    let low = 0;
    let high = tokens.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (tokens[mid]!.startOffset < offset) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const index = new LineIndex(text);
  const lineOf = (offset: number) => index.positionAt(offset).line;
  const out: string[] = [];
  const comments = [...file.comments];
  let previous: A.Item | null = null;
  let previousEnd = 0;

  const blankBetween = (from: number, to: number): boolean => {
    // A blank line in the source between two offsets: two line breaks with only spaces between.
    return /\n[ \t]*\r?\n/.test(text.slice(from, to));
  };

  for (const item of file.items) {
    // Comments before the item on their own lines lead it.
    const leading: A.Comment[] = [];
    while (comments.length > 0 && comments[0]!.span.start < item.span.start) leading.push(comments.shift()!);

    if (previous) {
      const wantsBlank = needsBlankLine(previous, item) || blankBetween(previousEnd, leading[0]?.span.start ?? item.span.start);
      if (wantsBlank) out.push('');
    }
    let cursor = leading[0]?.span.start ?? item.span.start;
    for (const comment of leading) {
      if (out.length > 0 && blankBetween(cursor, comment.span.start) && out[out.length - 1] !== '') out.push('');
      out.push(comment.text.trimEnd());
      cursor = comment.span.end;
    }
    if (leading.length > 0 && blankBetween(cursor, item.span.start)) out.push('');

    const lines = printItem(item);
    // The tree has no position for the `when` and `because` keywords: a line printed from one
    // starts at the keyword, not at what follows it, so that comments before it find this line.
    for (const printed of lines) {
      const word = /^\s*(when|because) /.exec(printed.text)?.[1];
      if (!word) continue;
      const keyword = tokens[firstTokenFrom(printed.from) - 1];
      if (keyword && keyword.image === word && keyword.startOffset >= item.span.start) printed.from = keyword.startOffset;
    }
    // Comments inside the item, or trailing on its last line, go to the end of the printed
    // line holding the token before them.
    const itemLastLine = lineOf(item.span.end);
    while (comments.length > 0) {
      const comment = comments[0]!;
      const inside = comment.span.start < item.span.end;
      const trailing = !inside && lineOf(comment.span.start) === itemLastLine && !hasCodeBetween(file, item.span.end, comment.span.start);
      if (!inside && !trailing) break;
      comments.shift();
      // A comment on its own line just before a printed line (nothing but blanks and comments
      // between) leads that line; any other goes to the end of the line holding the token before it.
      const next = inside && ownLine(text, comment.span.start) ? lines.find((line) => line.from > comment.span.start) : undefined;
      if (next && (tokens[firstTokenFrom(comment.span.end)]?.startOffset ?? Number.POSITIVE_INFINITY) >= next.from) {
        next.leading.push(comment.text.trimEnd());
        continue;
      }
      const target = [...lines].reverse().find((line) => line.from < comment.span.start) ?? lines[lines.length - 1]!;
      const before = tokens[firstTokenFrom(comment.span.start) - 1];
      const blanks = before ? text.slice(before.startOffset + before.image.length, comment.span.start) : '';
      target.comments.push({ text: comment.text.trimEnd(), gap: /^[ \t]+$/.test(blanks) ? blanks : null });
    }
    for (const line of lines) out.push(...renderLine(line));
    previous = item;
    previousEnd = item.span.end;
  }
  if (comments.length > 0) {
    if (previous && blankBetween(previousEnd, comments[0]!.span.start)) out.push('');
    let cursor = comments[0]!.span.start;
    for (const comment of comments) {
      if (blankBetween(cursor, comment.span.start) && out[out.length - 1] !== '') out.push('');
      out.push(comment.text.trimEnd());
      cursor = comment.span.end;
    }
  }
  return out.join('\n') + '\n';
}

/** Whether only blanks precede `offset` on its line. */
function ownLine(text: string, offset: number): boolean {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t\f\v\u00a0\ufeff]*$/.test(text.slice(lineStart, offset));
}

function hasCodeBetween(file: A.PolicyFile, from: number, to: number): boolean {
  return file.items.some((item) => item.span.start >= from && item.span.start < to);
}

/** Rules and examples stand apart; so does the header (with its `timezone`). Declarations may sit together. */
function needsBlankLine(previous: A.Item, next: A.Item): boolean {
  if (previous.kind === 'Header' && next.kind === 'TimezoneDecl') return false;
  const block = (item: A.Item) => item.kind === 'Rule' || item.kind === 'Example' || item.kind === 'Header';
  return block(previous) || block(next);
}

function renderLine(line: Line): string[] {
  const indent = /^[ \t]*/.exec(line.text)![0];
  // Every comment but the last trailing one gets a line of its own, in source order: a `#`
  // comment runs to the end of its line, so two on one line would become one.
  const above = [...line.leading, ...line.comments.slice(0, -1).map((c) => c.text)].map((comment) => `${indent}${comment}`);
  const last = line.comments[line.comments.length - 1];
  if (last === undefined) return [...above, line.text];
  // Keep the author's gap before a trailing comment that was alone at the end of a line
  // (gofmt-style alignment survives); otherwise one space.
  return [...above, `${line.text}${line.comments.length === 1 && last.gap !== null ? last.gap : ' '}${last.text}`];
}

function line(text: string, span: Span): Line {
  return { text, from: span.start, to: span.end, leading: [], comments: [] };
}

function printItem(item: A.Item): Line[] {
  switch (item.kind) {
    case 'Header':
      return [line(`policy ${item.name ? quote(item.name.value) : '""'} version ${item.version?.text ?? ''}`, item.span)];
    case 'RolesDecl':
      return [line(`roles ${item.chains.map((chain) => chain.map((n) => n.text).join(' < ')).join(', ')}`, item.span)];
    case 'SourcesDecl':
      return [line(`sources ${printNames(item.names, ',')}`, item.span)];
    case 'ListsDecl':
      return [line(`lists ${printNames(item.names, ',')}`, item.span)];
    case 'TimezoneDecl':
      return [line(`timezone ${item.zone ? quote(item.zone.value) : '""'}`, item.span)];
    case 'OtherwiseDecl':
      return [line(`otherwise ${item.verdict ? printVerdict(item.verdict) : ''}`, item.span)];
    case 'OnMissingDecl':
      return [line(`on missing ${item.verdict ? printVerdict(item.verdict) : ''}`, item.span)];
    case 'Rule':
      return printRule(item);
    case 'Example':
      return printExample(item);
  }
}

function printRule(rule: A.RuleDecl): Line[] {
  const nameEnd = rule.statement?.span.start ?? rule.span.end;
  const lines = [line(`rule ${rule.name?.text ?? ''}:`, { start: rule.span.start, end: nameEnd - 1 })];
  if (rule.statement) lines.push(...printStatementLines(rule.statement));
  if (rule.because) lines.push(line(`${INDENT}because ${quote(rule.because.value)}`, rule.because.span));
  return lines;
}

/** One line while it fits in STATEMENT_WIDTH; past that, each clause that does not fit starts a line. */
function printStatementLines(statement: A.Statement): Line[] {
  const lines: Line[] = [];
  let current: { text: string; from: number } | null = null;
  for (const segment of statementSegments(statement)) {
    if (current && `${current.text} ${segment.text}`.length <= STATEMENT_WIDTH) {
      current.text = `${current.text} ${segment.text}`;
      continue;
    }
    if (current) lines.push(line(current.text, { start: current.from, end: segment.start }));
    current = { text: `${INDENT}${segment.text}`, from: segment.start };
  }
  if (current) lines.push(line(current.text, { start: current.from, end: statement.span.end }));
  return lines;
}

function printExample(example: A.ExampleDecl): Line[] {
  const name = example.name ? quote(example.name.value) : '""';
  const expect = `expect ${example.expect?.text ?? ''}${example.by ? ` by ${example.by.text}` : ''}`;
  const fields = example.input?.fields ?? [];
  const openEnd = example.input?.span.start ?? example.span.start;
  const closeStart = example.input ? example.input.span.end - 1 : example.span.end;
  if (fields.length === 0) return [line(`example ${name} {} ${expect}`, example.span)];
  // Inputs fill lines up to MAX_WIDTH, each full line ending in a comma.
  const body: Line[] = [];
  let current: { texts: string[]; from: number; to: number } | null = null;
  fields.forEach((field) => {
    const text = printField(field);
    if (current && `${INDENT}${[...current.texts, text].join(', ')},`.length <= MAX_WIDTH) {
      current.texts.push(text);
      current.to = field.span.end;
      return;
    }
    if (current) body.push(line(`${INDENT}${current.texts.join(', ')},`, { start: current.from, end: current.to }));
    current = { texts: [text], from: field.span.start, to: field.span.end };
  });
  if (current) {
    const last: { texts: string[]; from: number; to: number } = current;
    body.push(line(`${INDENT}${last.texts.join(', ')}`, { start: last.from, end: last.to }));
  }
  return [
    line(`example ${name} {`, { start: example.span.start, end: openEnd + 1 }),
    ...body,
    line(`} ${expect}`, { start: closeStart, end: example.span.end }),
  ];
}

function printField(field: A.ExampleField): string {
  // A key that would not lex as a name (odd characters, or a reserved word such as `by`) stays quoted.
  const bare = (/^[A-Za-z_][A-Za-z0-9_]*$/.test(field.key.text) && !RESERVED_WORDS.includes(field.key.text)) || /^lists\.[A-Za-z_][A-Za-z0-9_]*$/.test(field.key.text);
  const key = bare ? field.key.text : quote(field.key.text);
  return `${key}: ${field.value ? printFieldValue(field.value) : ''}`;
}

function printFieldValue(value: A.Value | A.ExampleObject | A.ExampleList): string {
  if (value.kind === 'ExampleObject') return value.fields.length === 0 ? '{}' : `{ ${value.fields.map(printField).join(', ')} }`;
  if (value.kind === 'ExampleList') return `[${value.values.map(printValue).join(', ')}]`;
  return printValue(value);
}
