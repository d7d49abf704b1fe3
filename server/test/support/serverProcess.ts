import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The real `axiru` command, which runs compiler/dist and server/dist. */
export const AXIRU_BIN = `${REPO}compiler/bin/axiru.js`;

/** Limits no test reaches, for every test that is not about rate limits. */
export const UNLIMITED_RATE_LIMITS = {
  decision_per_key: { rate_per_second: 1e9, burst: 1e9 },
  decision_per_org: { rate_per_second: 1e9, burst: 1e9 },
  admin_per_key: { rate_per_second: 1e9, burst: 1e9 },
  admin_per_org: { rate_per_second: 1e9, burst: 1e9 },
} as const;
export const UNLIMITED_RATE_LIMITS_JSON = JSON.stringify(UNLIMITED_RATE_LIMITS);

export function assertBuilt(): void {
  for (const file of ['compiler/dist/cli/main.js', 'server/dist/cli.js', 'runtime/dist/index.js']) {
    if (!existsSync(`${REPO}${file}`)) throw new Error(`${file} is missing: build first (npx tsc -b, or npm test at the root)`);
  }
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** AXIRU_DECISION_KEY / AXIRU_ADMIN_KEY (and AXIRU_DEMO_EMAIL / AXIRU_DEMO_PASSWORD) when this start created them. */
  readonly keys: Readonly<Record<string, string>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
}

/** How long a server may take to say it is ready: a safety net far beyond a busy machine's start-up. */
export const SERVER_READY_MS = 120_000;

/**
 * `axiru serve` on an ephemeral loopback port. Readiness is the line announcing the API URL,
 * which the server prints only after it listens; the deadline is only a safety net.
 */
export function startServerProcess(
  dataDir: string, readyDeadlineMs = SERVER_READY_MS, extraEnv: Readonly<Record<string, string>> = {}, nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, AXIRU_BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir, '--log-level', 'error'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Tests that are not about rate limits must never meet one (they send as fast as they can).
    env: { ...process.env, AXIRU_CHECKPOINT_INTERVAL_MS: '50', AXIRU_RATE_LIMITS: UNLIMITED_RATE_LIMITS_JSON, ...extraEnv },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<ServerProcess>((resolve, reject) => {
    const keys: Record<string, string> = {};
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server not ready within ${readyDeadlineMs} ms; stderr: ${stderr}`));
    }, readyDeadlineMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const key = /^(AXIRU_[A-Z]+_KEY|AXIRU_DEMO_EMAIL|AXIRU_DEMO_PASSWORD)=(\S+)$/.exec(line);
      if (key?.[1] && key[2]) keys[key[1]] = key[2];
      const ready = /^Axiru API: (http:\/\/127\.0\.0\.1:\d+)\/api\/decision$/.exec(line);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: ready[1], keys, exited, stderr: () => stderr });
      }
    });
  });
}
