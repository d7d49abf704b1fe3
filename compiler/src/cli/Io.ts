// Where the CLI writes. main() takes one so tests can run commands in-process.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  /** Standard input, for `--input -`. */
  readStdin(): string;
}

import { readFileSync } from 'node:fs';
import { useColor } from './readSource.js';

export const processIo: Io = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  color: useColor(process.stdout),
  readStdin: () => readFileSync(0, 'utf8'),
};
