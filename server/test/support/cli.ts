import { Command } from 'commander';
import { registerCommands } from '../../src/cli.js';

export interface CliRun {
  readonly out: string[];
  readonly err: string[];
  /** The exit code the command set (0 when it set none). */
  readonly code: number;
}

/** Runs `axiru ARGS…` in-process, the server's commands on a fresh program, capturing its lines. */
export async function axiru(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('axiru').exitOverride();
  registerCommands(program, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    setStatus: (status) => {
      code = status;
    },
  });
  await program.parseAsync(args, { from: 'user' });
  return { out, err, code };
}
