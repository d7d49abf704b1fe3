// Shared by the history tests: fixture paths, policies from text, a CLI that writes to strings,
// temporary directories, and gc() for memory measurements.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll } from 'vitest';
import { compile } from '@axiru/compiler';
import { loadPolicy, type LoadedPolicy } from '@axiru/runtime';
import type { Io } from '../../src/cli/Io.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fixture = (name: string): string => join(FIXTURES, name);
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const PACK = join(REPO, 'examples', 'pack');
export const ACME = join(REPO, 'examples', 'acme.axiru');

/** A policy from source text (warnings allowed; errors fail the test). */
export function policyFrom(text: string): LoadedPolicy {
  const result = compile(text, { examples: false, analysis: false });
  if (!result.ir) throw new Error(`does not compile: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return loadPolicy(result.ir);
}

export function policyFile(path: string): LoadedPolicy {
  return policyFrom(readFileSync(path, 'utf8'));
}

/** An Io that collects what a command writes. */
export function captureIo(): Io & { stdout(): string; stderr(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    color: false,
    readStdin: () => '',
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}

/** A temporary directory removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'axiru-history-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** V8's gc(), made available at run time (vitest does not pass --expose-gc). */
export function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
