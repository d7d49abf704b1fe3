// The policy editor's language service (what its Web Worker runs) against the real `axiru check`
// CLI: for every policy in examples/ and examples/invalid/, the diagnostics the editor ends up
// showing (after its check, compile and analysis stages) are exactly the CLI's — code, severity,
// range, message and help.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPolicy, LineIndex } from '@axiru/compiler';
import { toJsonDiagnostic, type Diagnostic, type JsonDiagnostic } from '@axiru/compiler/language';
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/editor/analysis';
import { PolicyLanguageService } from '../src/editor/PolicyLanguageService';
import type { DiagnosticsReport } from '../src/editor/protocol';
import { toCodeMirrorSnippet } from '../src/editor/snippet';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['examples', 'examples/invalid'];
const FILES = FOLDERS.flatMap((folder) =>
  readdirSync(join(REPO, folder)).filter((name) => name.endsWith('.axiru')).map((name) => `${folder}/${name}`),
).sort();

/** One run of the real CLI over every file (it exits 1 when any has errors). */
function cliDiagnostics(): JsonDiagnostic[] {
  try {
    return JSON.parse(execFileSync(process.execPath, ['compiler/bin/axiru.js', 'check', '--format', 'json', ...FILES], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 })) as JsonDiagnostic[];
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout) as JsonDiagnostic[];
  }
}

/** The stages as the editor runs them, until one is final. */
function finalReport(text: string): DiagnosticsReport {
  const service = new PolicyLanguageService();
  service.update(1, text);
  const checked = service.check();
  if (checked.final) return checked;
  const compiled = service.compile();
  if (compiled.final) return compiled;
  const analysed = service.analysed(1, analyse(text));
  if (!analysed) throw new Error('the analysis was refused for the current version');
  return analysed;
}

/**
 * The editor's diagnostics in the CLI's JSON shape, through the compiler's own mapping
 * (toJsonDiagnostic, what `axiru check --format json` uses): only the editor's message is split
 * back into message and help, as the language server joined them.
 */
function asCli(file: string, text: string, report: DiagnosticsReport): JsonDiagnostic[] {
  const lines = new LineIndex(text);
  return report.diagnostics.map((d) => {
    const [message, ...help] = d.message.split('\nhelp: ');
    const diagnostic: Diagnostic = {
      code: d.code,
      severity: d.severity,
      message: message!,
      span: { start: d.from, end: d.to },
      ...(help.length > 0 ? { help: help.join('\nhelp: ') } : {}),
    };
    return toJsonDiagnostic(diagnostic, lines, file);
  });
}

describe('the editor language service', () => {
  const cli = cliDiagnostics();

  it('covers the examples', () => {
    expect(FILES.filter((f) => f.startsWith('examples/invalid/')).length).toBeGreaterThan(20);
    expect(FILES.filter((f) => !f.includes('/invalid/')).length).toBeGreaterThan(2);
    expect(cli.length).toBeGreaterThan(20);
  });

  it.each(FILES)('shows exactly the diagnostics of `axiru check` for %s', (file) => {
    const text = readFileSync(join(REPO, file), 'utf8');
    const report = finalReport(text);
    expect(report.final).toBe(true);
    expect(asCli(file, text, report)).toEqual(cli.filter((d) => d.file === file));
  });

  it('offers the compiler’s "did you mean" fix for a misspelled role, as an edit', () => {
    const text = readFileSync(join(REPO, 'examples/invalid/AX1003-unknown-role.axiru'), 'utf8');
    const service = new PolicyLanguageService();
    service.update(1, text);
    const report = service.check();
    const unknown = report.diagnostics.find((d) => d.code === 'AX1003');
    expect(unknown?.message).toContain('did you mean `finance_manager`');
    expect(unknown?.fixes).toEqual([
      { title: 'Change to `finance_manager`', preferred: true, changes: [{ from: unknown!.from, to: unknown!.to, insert: 'finance_manager' }] },
    ]);
    expect(text.slice(unknown!.from, unknown!.to)).toBe('finance_manger');
  });

  it('completes, hovers, renames, formats and classifies tokens with the language server’s features', () => {
    const text = 'policy "p" version 1\nroles support_lead < finance_manager\nrule big:\n  refunds over $150 require fin\n';
    const service = new PolicyLanguageService();
    service.update(1, text);
    service.check();
    const labels = service.completion(text.length - 1).map((o) => o.label);
    expect(labels).toContain('finance_manager');
    const money = text.indexOf('$150') + 1;
    expect(service.hover(money)?.markdown).toMatch(/USD/);
    const role = text.indexOf('support_lead') + 2;
    expect(service.prepareRename(role)).toEqual({ from: text.indexOf('support_lead'), to: text.indexOf('support_lead') + 'support_lead'.length, placeholder: 'support_lead' });
    expect(() => service.rename(role, 'rule')).toThrow(/reserved word/);
    const tokens = service.tokens();
    expect(tokens.find((t) => t.from === text.indexOf('policy'))?.type).toBe('keyword');
    const messy = 'policy "p" version 1\nroles   lead\nrule   big:   refunds over $150   require lead\n';
    service.update(2, messy);
    const edits = service.format();
    const formatted = formatPolicy(messy).text;
    expect(formatted).not.toBeNull();
    expect(formatted).not.toBe(messy);
    expect(edits).toEqual([{ from: 0, to: messy.length, insert: formatted }]);
  });

  it('drops an analysis for a version that is no longer current', () => {
    const service = new PolicyLanguageService();
    service.update(1, 'policy "p" version 1\n');
    service.update(2, 'policy "p" version 2\n');
    expect(service.analysed(1, [])).toBeNull();
  });

  it('turns the language server’s LSP snippets into CodeMirror snippets', () => {
    expect(toCodeMirrorSnippet('rule ${1:name}:\n  $0')).toBe('rule ${1:name}:\n  ${}');
    expect(toCodeMirrorSnippet('between ${1:\\$10} and ${2:\\$100}')).toBe('between ${1:$10} and ${2:$100}');
    expect(toCodeMirrorSnippet('} expect ${4|allow,flag,pending_approval,block|}$0')).toBe('} expect ${4:allow}${}');
  });
});
