// The real `axiru` executable, spawned as scripts and CI run it: exit codes and output come from
// the actual process. It runs the built CLI (compiler/dist), building it first when missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO } from '../helpers/paths.js';

const BIN = join(REPO, 'compiler/bin/axiru.js');
let dir: string;

function axiru(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(join(REPO, 'compiler/dist/cli/main.js'))) {
    execFileSync('npx', ['tsc', '-b', 'compiler'], { cwd: REPO, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'axiru-bin-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node compiler/bin/axiru.js', () => {
  test('check: exit 0 and an empty JSON array for a clean policy, exit 1 with the diagnostic for a broken one, exit 2 for misuse', () => {
    const clean = axiru('check', 'examples/acme.axiru', '--format', 'json');
    expect(clean).toEqual({ status: 0, stdout: '[]\n', stderr: '' });

    const broken = join(dir, 'broken.axiru');
    writeFileSync(broken, 'policy "p" version 1\nroles cfo\nrule r:\n  refunds over $5 require cfx\n');
    const failed = axiru('check', broken, '--format', 'json');
    expect(failed.status).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual([
      expect.objectContaining({ file: broken, line: 4, column: 27, endLine: 4, endColumn: 30, severity: 'error', code: 'AX1003' }),
    ]);

    const misuse = axiru('eval', 'examples/acme.axiru', '--input', '{not json');
    expect(misuse.status).toBe(2);
    expect(misuse.stdout).toBe('');
    expect(misuse.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(misuse.stderr).toMatch(/^axiru: --input is not valid JSON/);
  });
});
