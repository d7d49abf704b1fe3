import { compile } from '../../compile.js';
import type { Io } from '../Io.js';
import { readSource, UsageError } from '../readSource.js';
import { renderGithub, renderJson, renderText, summary, type FileDiagnostics, type OutputFormat } from '../renderDiagnostics.js';
import { renderSarif } from '../renderSarif.js';

export const CLI_VERSION = '0.1.0';

/** `axiru check FILE... [--format text|json|github|sarif]`: exit 0 without errors, 1 with. */
export function check(files: readonly string[], options: { format: string }, io: Io): number {
  const format = options.format as OutputFormat | 'sarif';
  if (!['text', 'json', 'github', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json, github or sarif, not \`${options.format}\``);
  const reports: FileDiagnostics[] = files.map((file) => {
    const text = readSource(file);
    return { file, text, diagnostics: compile(text, { fileName: file }).diagnostics };
  });
  const { errors, warnings } = summary(reports);
  if (format === 'json') io.out(renderJson(reports));
  else if (format === 'sarif') io.out(renderSarif(reports, CLI_VERSION));
  else if (format === 'github') {
    const lines = reports.map(renderGithub).filter((s) => s.length > 0);
    if (lines.length > 0) io.out(lines.join('\n'));
  } else {
    for (const report of reports) if (report.diagnostics.length > 0) io.out(`${renderText(report, io.color)}\n`);
    io.out(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return errors > 0 ? 1 : 0;
}
