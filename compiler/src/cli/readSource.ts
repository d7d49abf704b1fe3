// Reading the files the CLI is given, with errors a person can act on.
import { readFileSync } from 'node:fs';

/** A problem with how the command was called: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function readSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${path}: is a directory, expected a .axiru file`);
    throw new UsageError(`${path}: cannot read (${code ?? String(error)})`);
  }
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env['NO_COLOR'];
}
