// `axiru check --format sarif`: diagnostics as a SARIF 2.1.0 log, the format code-scanning views
// (GitHub code scanning, GitLab, Azure DevOps) read. One run; every diagnostic code is a rule
// with its help; every diagnostic a result with its region and related locations.
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { CODES, type DiagnosticCode } from '../diagnostics/codes.js';
import type { Severity } from '../diagnostics/Diagnostic.js';
import { toJsonDiagnostic } from '../diagnostics/jsonDiagnostic.js';
import { LineIndex } from '../source/LineIndex.js';
import { codeHelp } from './diagnosticHelp.js';
import type { FileDiagnostics } from './renderDiagnostics.js';

const CODE_LIST = Object.keys(CODES) as DiagnosticCode[];

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };

/** `unknown role` -> `UnknownRole`: SARIF's rule name is an identifier-like label. */
function ruleName(title: string): string {
  return title.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function rule(code: DiagnosticCode): Sarif.ReportingDescriptor {
  const help = codeHelp(code);
  return {
    id: code,
    name: ruleName(help.title),
    shortDescription: { text: help.title },
    fullDescription: { text: help.text },
    help: { text: help.text, markdown: help.markdown },
    defaultConfiguration: { level: LEVEL[CODES[code].severity] },
  };
}

/** A file as SARIF names it: a relative URI reference with forward slashes, or a file: URL. */
function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return encodeURI(file.replace(/\\/g, '/').replace(/^\.\//, ''));
}

function region(index: LineIndex, start: number, end: number): Sarif.Region {
  const from = index.positionAt(start);
  const to = index.positionAt(Math.max(start, end));
  return { startLine: from.line + 1, startColumn: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1 };
}

export function renderSarif(reports: readonly FileDiagnostics[], version: string): string {
  const results: Sarif.Result[] = [];
  for (const report of reports) {
    const index = new LineIndex(report.text);
    const uri = artifactUri(report.file);
    for (const d of report.diagnostics) {
      const json = toJsonDiagnostic(d, index, report.file);
      const related = (d.related ?? []).map((r, i): Sarif.Location => ({
        id: i + 1,
        physicalLocation: { artifactLocation: { uri }, region: region(index, r.span.start, r.span.end) },
        message: { text: r.message },
      }));
      results.push({
        ruleId: d.code,
        ruleIndex: CODE_LIST.indexOf(d.code),
        level: LEVEL[d.severity],
        message: { text: d.help ? `${d.message} (help: ${d.help})` : d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri },
            region: { startLine: json.line, startColumn: json.column, endLine: json.endLine, endColumn: json.endColumn },
          },
        }],
        ...(related.length > 0 ? { relatedLocations: related } : {}),
      });
    }
  }
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'axiru', semanticVersion: version, rules: CODE_LIST.map(rule) } },
      // Columns count UTF-16 code units, as the compiler's offsets do.
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
  return JSON.stringify(log, null, 2);
}
