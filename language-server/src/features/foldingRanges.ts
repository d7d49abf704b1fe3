// Folding: every rule, example and declaration that spans lines, example input objects, and
// runs of comment lines.
import { visit } from '@axiru/compiler';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';

export function foldingRanges(document: PolicyDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lineOf = (offset: number) => document.positionAt(offset).line;
  const add = (start: number, end: number, kind?: FoldingRangeKind) => {
    const startLine = lineOf(start);
    const endLine = lineOf(end);
    if (endLine > startLine) out.push({ startLine, endLine, ...(kind ? { kind } : {}) });
  };
  visit(document.file, (node) => {
    if (node.kind === 'File') return true;
    if (node.kind === 'Rule' || node.kind === 'Example' || node.kind === 'RolesDecl' || node.kind === 'SourcesDecl') {
      add(node.span.start, node.span.end);
      return node.kind === 'Example';
    }
    if (node.kind === 'ExampleObject') {
      add(node.span.start, node.span.end);
      return true;
    }
    return node.kind === 'ExampleField';
  });
  // Consecutive full-line comments fold together (a header comment block, say).
  interface Run {
    readonly start: number;
    readonly end: number;
    readonly line: number;
  }
  let run: Run | null = null as Run | null;
  for (const comment of document.file.comments) {
    const line = lineOf(comment.span.start);
    const alone = document.lines.lineText(line).trimStart().startsWith('#');
    if (alone && run && line === run.line + 1) {
      run = { start: run.start, end: comment.span.end, line };
      continue;
    }
    if (run) add(run.start, run.end, FoldingRangeKind.Comment);
    run = alone ? { start: comment.span.start, end: comment.span.end, line } : null;
  }
  if (run) add(run.start, run.end, FoldingRangeKind.Comment);
  // Editors fold one range per start line: keep the outermost.
  out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  return out.filter((range, i) => i === 0 || out[i - 1]!.startLine !== range.startLine);
}
