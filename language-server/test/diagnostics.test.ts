import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile, LineIndex, toJsonDiagnostic } from '@axiru/compiler';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import { toLspDiagnostic, toLspDiagnostics } from '../src/features/diagnostics.js';
import { asCliJson } from './helpers/cliJson.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const files = [
  ...readdirSync(examples).filter((f) => f.endsWith('.axiru')).map((f) => `${examples}${f}`),
  ...readdirSync(`${examples}invalid`).filter((f) => f.endsWith('.axiru')).map((f) => `${examples}invalid/${f}`),
];

describe('every diagnostic the CLI reports, as the editor shows it', () => {
  it.each(files.map((f) => [f.slice(examples.length), f]))('%s', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const result = compile(text);
    const lines = new LineIndex(text);
    const lsp = toLspDiagnostics(result.diagnostics, lines, 'file:///x.axiru');
    expect(lsp.map((d) => asCliJson(d, file))).toEqual(result.diagnostics.map((d) => toJsonDiagnostic(d, lines, file)));
  });

  it('covers every fixture of the diagnostics reference', () => {
    expect(files.length).toBeGreaterThan(40);
  });
});

describe('toLspDiagnostic', () => {
  const lines = new LineIndex('policy "p" version 1\nrule a:\n  block refunds\n');

  it('carries related spans as related information in the same document', () => {
    const d = toLspDiagnostic(
      { code: 'AX1006', severity: 'error', message: 'duplicate rule `a`', span: { start: 26, end: 27 }, related: [{ message: 'first here', span: { start: 26, end: 27 } }] },
      lines,
      'file:///p.axiru',
    );
    expect(d.relatedInformation).toEqual([{ location: { uri: 'file:///p.axiru', range: d.range }, message: 'first here' }]);
    expect(d.source).toBe('axiru');
  });

  it('fades rules that can never match or decide', () => {
    expect(toLspDiagnostic({ code: 'AX2002', severity: 'warning', message: 'shadowed', span: { start: 26, end: 27 } }, lines, 'file:///p').tags).toEqual([DiagnosticTag.Unnecessary]);
    expect(toLspDiagnostic({ code: 'AX2003', severity: 'warning', message: 'gap', span: null }, lines, 'file:///p')).toMatchObject({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Warning,
    });
  });
});
