// POLICY arguments may be a .axiru source or a compiled IR .json.
import { loadPolicy, PolicyLoadError, type LoadedPolicy } from '@axiru/runtime';
import { compile } from '../../compile.js';
import type { Io } from '../Io.js';
import { readSource, UsageError } from '../readSource.js';
import { renderText } from '../renderDiagnostics.js';

export function loadPolicyFile(path: string, io: Io): LoadedPolicy | null {
  const text = readSource(path);
  if (path.endsWith('.json')) {
    let ir: unknown;
    try {
      ir = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
    }
    try {
      return loadPolicy(ir);
    } catch (error) {
      if (error instanceof PolicyLoadError) throw new UsageError(`${path}: ${error.message}`);
      throw error;
    }
  }
  const result = compile(text, { fileName: path, examples: false });
  if (!result.ir) {
    io.err(renderText({ file: path, text, diagnostics: result.diagnostics }, io.color));
    return null;
  }
  return loadPolicy(result.ir);
}
