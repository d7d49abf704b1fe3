// Where the repository's files are, independent of the directory vitest runs from.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative, sep } from 'node:path';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const EXAMPLES = join(REPO, 'examples');
export const INVALID = join(EXAMPLES, 'invalid');
export const ACME = join(EXAMPLES, 'acme.axiru');

/** Every `examples/**\/*.axiru`, as paths relative to examples/ with `/` separators, sorted. */
export function exampleFiles(): string[] {
  return (readdirSync(EXAMPLES, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.axiru'))
    .map((file) => relative(EXAMPLES, join(EXAMPLES, file)).split(sep).join('/'))
    .sort();
}

export function isInvalidExample(file: string): boolean {
  return file.startsWith('invalid/');
}
