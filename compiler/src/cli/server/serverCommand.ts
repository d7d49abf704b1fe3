// What `axiru publish` and `axiru impact` share: the policy compiled here first (so a policy with
// errors never leaves the machine, and its diagnostics are code frames), and the server's
// failures turned into exit codes.

import { compile } from '../../compile.js';
import type { PolicyIR } from '@axiru/runtime';
import type { Io } from '../Io.js';
import { readSource } from '../readSource.js';
import { renderText } from '../renderDiagnostics.js';
import { ServerRefused, ServerUnusable } from './AxiruServer.js';

export interface LocalPolicy {
  readonly file: string;
  readonly source: string;
  readonly ir: PolicyIR;
}

/** The compiled policy, or null after printing its errors (exit 1). */
export function compileLocally(file: string, io: Io): LocalPolicy | null {
  const source = readSource(file);
  const result = compile(source, { fileName: file });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.ir || !result.ok || errors.length > 0) {
    io.err(renderText({ file, text: source, diagnostics: result.diagnostics }, io.color));
    io.err(`axiru: ${file} does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}): nothing was sent to the server`);
    return null;
  }
  return { file, source, ir: result.ir };
}

/** The server's diagnostics of a 422, one line each like `file:line:col: error[AX1003]: …`. */
function serverDiagnostics(file: string, error: ServerRefused): string[] {
  const diagnostics = error.body.error['diagnostics'];
  if (!Array.isArray(diagnostics)) return [];
  return diagnostics.map((d: { line?: number; column?: number; severity?: string; code?: string; message?: string }) =>
    `${file}:${d.line ?? 0}:${d.column ?? 0}: ${d.severity ?? 'error'}[${d.code ?? '?'}]: ${d.message ?? ''}`);
}

/**
 * Runs a command's conversation with the server: exit 2 when the server cannot be used
 * (unreachable, key refused, too old), 1 when it refuses the policy, else the command's own code.
 */
export async function withServer(file: string, io: Io, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServerUnusable) {
      io.err(`axiru: ${error.message}`);
      return 2;
    }
    if (error instanceof ServerRefused) {
      for (const line of serverDiagnostics(file, error)) io.err(line);
      io.err(`axiru: the server refused ${file} (HTTP ${error.status} ${error.code}): ${error.message}`);
      return 1;
    }
    throw error;
  }
}
