import type { LineIndex } from '@axiru/compiler';
import type { TextEdit } from 'vscode-languageserver';

/** Applies non-overlapping edits to a text, as an editor would. */
export function applyEdits(text: string, edits: readonly TextEdit[], lines: LineIndex): string {
  const spans = edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const span of spans) out = out.slice(0, span.start) + span.text + out.slice(span.end);
  return out;
}
