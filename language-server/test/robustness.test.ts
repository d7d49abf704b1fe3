// Whatever a document holds, every feature answers (the compiler recovers, features take the
// partial tree), and every range it gives lies inside the document.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Position, Range } from 'vscode-languageserver';
import { codeActions } from '../src/features/codeActions.js';
import { codeLenses } from '../src/features/codeLenses.js';
import { completion } from '../src/features/completion.js';
import { documentSymbols } from '../src/features/documentSymbols.js';
import { foldingRanges } from '../src/features/foldingRanges.js';
import { formatting } from '../src/features/formatting.js';
import { hover } from '../src/features/hover.js';
import { definition, documentHighlights, prepareRename, references } from '../src/features/navigation.js';
import { policyNames } from '../src/features/policyNames.js';
import { semanticTokens } from '../src/features/semanticTokens.js';
import { policyDocument, type PolicyDocument } from '../src/PolicyDocument.js';

const ACME = readFileSync(fileURLToPath(new URL('../../examples/acme.axiru', import.meta.url)), 'utf8');

const WORDS = [
  'policy', '"p"', 'version', '1', 'roles', 'a', '<', 'b', ',', 'sources', 'rule', 'r', ':', 'refunds', 'over', '$150', '€9', '150 EUR',
  'require', 'requires', '2', 'approvals', 'approval', 'from', 'or', 'and', 'not', '(', ')', 'when', 'unless', 'because', '"why"', 'block',
  'allow', 'flag', 'customer', 'tenure', 'refunds in last', '30 days', 'at least', 'up to', 'between', 'is', 'in', '[', ']', 'reason', 'metadata.k',
  'metadata["x"]', '80%', 'of', 'charge amount', 'example', '{', '}', 'amount:', 'expect', 'by', 'otherwise', 'on missing', '#c', '\n', '"open', '@', '¥',
];

const text = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }).map((words) => words.join(' ')),
  fc.string({ maxLength: 200 }),
  // Acme with a slice cut out or something pasted in: every stage of an edit.
  fc.tuple(fc.nat(ACME.length), fc.nat(80), fc.constantFrom('', ...WORDS)).map(([at, cut, paste]) => ACME.slice(0, at) + paste + ACME.slice(at + cut)),
);

function inside(document: PolicyDocument, range: Range): boolean {
  const valid = (p: Position) => p.line >= 0 && p.character >= 0 && p.line < document.lines.lineCount && document.offsetAt(p) <= document.text.length;
  return valid(range.start) && valid(range.end) && document.offsetAt(range.start) <= document.offsetAt(range.end);
}

it('answers every request on any text, with ranges inside the document', () => {
  fc.assert(
    fc.property(text, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (source, cursors) => {
      const document = policyDocument(source);
      const ranges: Range[] = [];
      ranges.push(...documentSymbols(document).flatMap((s) => [s.range, s.selectionRange]));
      ranges.push(...codeLenses(document, { state: 'pending' }).map((l) => l.range));
      ranges.push(...formatting(document).map((e) => e.range));
      const whole = document.rangeOf({ start: 0, end: source.length });
      ranges.push(...codeActions(document, whole, []).flatMap((a) => Object.values(a.edit?.changes ?? {}).flat().map((e) => e.range)));
      for (const fold of foldingRanges(document)) expect(fold.endLine).toBeGreaterThan(fold.startLine);
      expect(semanticTokens(document).data.length % 5).toBe(0);
      for (const cursor of cursors) {
        const offset = cursor % (source.length + 1);
        const position = document.positionAt(offset);
        ranges.push(...completion(source, offset, document.lines, policyNames(document)).map((c) => (c.textEdit as { range: Range }).range));
        const shown = hover(document, position);
        if (shown?.range) ranges.push(shown.range);
        ranges.push(...definition(document, position).map((l) => l.range));
        ranges.push(...references(document, position, true).map((l) => l.range));
        ranges.push(...documentHighlights(document, position).map((h) => h.range));
        const rename = prepareRename(document, position);
        if (rename) ranges.push(rename.range);
      }
      for (const range of ranges) expect(inside(document, range)).toBe(true);
    }),
    { numRuns: 300 },
  );
});
