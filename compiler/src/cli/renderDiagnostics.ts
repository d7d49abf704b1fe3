// Diagnostics for people (code frames with carets, like rustc) and for machines (JSON, GitHub
// workflow annotations). The JSON and GitHub shapes are a contract with scripts outside.
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { toJsonDiagnostic, type JsonDiagnostic } from '../diagnostics/jsonDiagnostic.js';
import { LineIndex } from '../source/LineIndex.js';

export type OutputFormat = 'text' | 'json' | 'github';

export interface FileDiagnostics {
  readonly file: string;
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

export function renderText(report: FileDiagnostics, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const index = new LineIndex(report.text);
  const blocks: string[] = [];
  for (const d of report.diagnostics) {
    const json = toJsonDiagnostic(d, index, report.file);
    const tone = d.severity === 'error' ? '31;1' : d.severity === 'warning' ? '33;1' : '36;1';
    const lines = [`${paint(tone, `${d.severity}[${d.code}]`)}${paint('1', `: ${d.message}`)}`, `  --> ${report.file}:${json.line}:${json.column}`];
    if (d.span) lines.push(...codeFrame(index, d.span.start, d.span.end, paint, tone));
    for (const related of d.related ?? []) {
      const at = index.positionAt(related.span.start);
      lines.push(`   = note: ${related.message} (${report.file}:${at.line + 1}:${at.character + 1})`);
    }
    if (d.help) lines.push(`   = help: ${d.help}`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

function codeFrame(index: LineIndex, start: number, end: number, paint: (c: string, s: string) => string, tone: string): string[] {
  const from = index.positionAt(start);
  const to = index.positionAt(Math.max(start, end));
  const width = String(to.line + 1).length;
  const gutter = (n?: number) => paint('34;1', `${n === undefined ? ''.padStart(width) : String(n).padStart(width)} |`);
  const out = [gutter()];
  for (let line = from.line; line <= to.line && line - from.line < 4; line++) {
    const text = index.lineText(line);
    const caretFrom = line === from.line ? from.character : 0;
    const caretTo = line === to.line ? to.character : text.length;
    out.push(`${gutter(line + 1)} ${text}`);
    out.push(`${gutter()} ${' '.repeat(caretFrom)}${paint(tone, '^'.repeat(Math.max(1, caretTo - caretFrom)))}`);
  }
  return out;
}

export function renderJson(reports: readonly FileDiagnostics[]): string {
  const all: JsonDiagnostic[] = reports.flatMap((r) => {
    const index = new LineIndex(r.text);
    return r.diagnostics.map((d) => toJsonDiagnostic(d, index, r.file));
  });
  return JSON.stringify(all, null, 2);
}

/** https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions */
export function renderGithub(report: FileDiagnostics): string {
  const index = new LineIndex(report.text);
  return report.diagnostics
    .map((d) => {
      const j = toJsonDiagnostic(d, index, report.file);
      const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const props = `file=${escapeProperty(j.file)},line=${j.line},col=${j.column},endLine=${j.endLine},endColumn=${j.endColumn},title=${escapeProperty(d.code)}`;
      return `::${level} ${props}::${escapeData(`${d.code}: ${d.message}`)}`;
    })
    .join('\n');
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function summary(reports: readonly FileDiagnostics[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const r of reports) for (const d of r.diagnostics) d.severity === 'error' ? errors++ : d.severity === 'warning' && warnings++;
  return { errors, warnings };
}
