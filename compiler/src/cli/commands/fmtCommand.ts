import { writeFileSync } from 'node:fs';
import { formatPolicy } from '../../format/formatPolicy.js';
import type { Io } from '../Io.js';
import { readSource } from '../readSource.js';
import { renderText } from '../renderDiagnostics.js';

/** `axiru fmt FILE... [--check]`: rewrite in canonical layout, or with --check list what would change (exit 1). */
export function fmtCommand(files: readonly string[], options: { check?: boolean }, io: Io): number {
  let status = 0;
  for (const file of files) {
    const text = readSource(file);
    const result = formatPolicy(text);
    if (result.text === null) {
      io.err(renderText({ file, text, diagnostics: result.diagnostics }, io.color));
      status = 1;
      continue;
    }
    if (result.text === text) continue;
    if (options.check) {
      io.out(`${file}: not formatted`);
      status = 1;
    } else {
      writeFileSync(file, result.text);
      io.out(`${file}: formatted`);
    }
  }
  return status;
}
