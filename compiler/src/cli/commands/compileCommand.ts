import { writeFileSync } from 'node:fs';
import { compile } from '../../compile.js';
import type { Io } from '../Io.js';
import { readSource } from '../readSource.js';
import { renderText } from '../renderDiagnostics.js';

/** `axiru compile FILE [-o OUT] [--source-map OUT]`: IR JSON on stdout or to OUT. */
export function compileCommand(file: string, options: { output?: string; sourceMap?: string }, io: Io): number {
  const text = readSource(file);
  const result = compile(text, { fileName: file });
  if (!result.ir || !result.ok) {
    io.err(renderText({ file, text, diagnostics: result.diagnostics }, io.color));
    return 1;
  }
  const warnings = result.diagnostics.filter((d) => d.severity !== 'error');
  if (warnings.length > 0) io.err(renderText({ file, text, diagnostics: warnings }, io.color));
  const json = `${JSON.stringify(result.ir, null, 2)}\n`;
  if (options.output) writeFileSync(options.output, json);
  else io.out(json);
  if (options.sourceMap) writeFileSync(options.sourceMap, `${JSON.stringify({ file, ...result.sourceMap }, null, 2)}\n`);
  return 0;
}
