// Formatting is the compiler's formatter (`axiru fmt`), as one edit over the whole document.
// A file with syntax errors is left alone: its tree is incomplete, and the diagnostics
// already say why.
import { formatPolicy } from '@axiru/compiler';
import type { TextEdit } from 'vscode-languageserver';
import type { PolicyDocument } from '../PolicyDocument.js';

export function formatting(document: PolicyDocument): TextEdit[] {
  const formatted = formatPolicy(document.text).text;
  if (formatted === null || formatted === document.text) return [];
  return [{ range: document.rangeOf({ start: 0, end: document.text.length }), newText: formatted }];
}
