import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled server (`tsc -b`, which `npm test` runs first). Tests of the real binary and of
 * worker threads need JavaScript; they fail with this message rather than skip.
 */
export function built(path: string): URL {
  const url = new URL(`../../dist/${path}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new Error(`language-server/dist/${path} is missing: run \`tsc -b\` (npm test does) first`);
  return url;
}
