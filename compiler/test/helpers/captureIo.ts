// An Io for running the CLI in-process: it records what a terminal would show.
import type { Io } from '../../src/cli/Io.js';

export interface CapturedIo {
  readonly io: Io;
  /** Standard output as the terminal would show it (each write ends in a line break). */
  stdout(): string;
  stderr(): string;
}

export function captureIo(stdin = ''): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    io: { out: (text) => void out.push(line(text)), err: (text) => void err.push(line(text)), color: false, readStdin: () => stdin },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
