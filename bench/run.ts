// `npm run bench [-- --quick]`: the evaluation benchmark, then the compilation one, each in its
// own process (so neither's JIT state or heap colours the other), with the same arguments.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

for (const script of ['decide.js', 'compile.js']) {
  const run = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) {
    process.exitCode = run.status ?? 1;
    break;
  }
}
