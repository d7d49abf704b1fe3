// A throwaway PostgreSQL cluster, for the tests and `npm run bench:server -- --engine postgres`:
// initdb + pg_ctl on a temporary directory and a free loopback port, run as the `postgres` OS
// user when the caller is root (PostgreSQL refuses to run as root), removed afterwards; and a
// streaming standby of one (pg_basebackup), for the failover drill. Not used by `axiru serve`.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface PostgresCluster {
  /** A URL of the cluster's `postgres` database (superuser). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string | null;
  /** The cluster's temporary folder (its socket too), when this harness made it. */
  readonly root?: string;
  readonly bin?: string;
  stop(): Promise<void>;
}

/** The newest PostgreSQL (15 or later) under /usr/lib/postgresql, or initdb's folder on PATH. */
export function findPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((name) => /^\d+$/.test(name) && Number(name) >= 15).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'pg_ctl')) && existsSync(join(bin, 'initdb'))) return bin;
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found.replace(/\/pg_ctl$/, '');
  throw new Error('PostgreSQL 15 or later is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): apt-get install -y postgresql, '
    + 'or use an existing server (AXIRU_TEST_DATABASE_URL for the tests, --database-url for bench:server)');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as `postgres` when we are root. */
export function runPg(bin: string, program: string, args: readonly string[]): string {
  const file = join(bin, program);
  const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, [...args]];
  return execFileSync(command, commandArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** runPg without blocking the event loop. */
export async function runPgAsync(bin: string, program: string, args: readonly string[]): Promise<string> {
  const file = join(bin, program);
  const [command, commandArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, [...args]];
  const { stdout } = await execFileAsync(command, commandArgs, { encoding: 'utf8' });
  return stdout;
}

export interface ClusterOptions {
  /** Extra `postgres -c` settings. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * Skips fsync (default true): the API tests never crash the database, so its durability is
   * not what they test, and a shared machine's fsyncs would dominate their wall time. The
   * failover drill and the benchmark pass false: durability is what they are about.
   */
  readonly fast?: boolean;
}

/** The owner of the temporary folder (postgres when root) and its id. */
function postgresIds(): { uid: number; gid: number } | null {
  if (!asRoot) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * A temporary folder for one cluster, owned by the `postgres` user when running as root (the
 * server refuses to run as root); the cluster's data folder goes inside it.
 */
function clusterFolder(prefix: string): { root: string; dataDir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const ids = postgresIds();
  if (ids) {
    chownSync(root, ids.uid, ids.gid);
    chmodSync(root, 0o700);
  }
  return { root, dataDir: join(root, 'data'), remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Starts a fresh cluster; `stop()` shuts it down and deletes its folder. */
export async function startCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const { root, dataDir, remove } = clusterFolder('axiru-pg-');
  try {
    runPg(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (error) {
    remove();
    throw error;
  }
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: root,
    max_connections: '300',
    ...(options.fast ?? true ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  // A port taken between freePort() and the start is retried on another.
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    const flags = [`-p ${port}`, ...Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`)].join(' ');
    try {
      runPg(bin, 'pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-o', flags, '-w', '-t', '120', 'start']);
    } catch (error) {
      if (attempt < 3) continue;
      remove();
      throw error;
    }
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dataDir, root, bin, stop: stopOnce(bin, dataDir, remove) };
  }
}

/** Stops a cluster's postmaster (once; one a drill already killed is fine) and removes its folder. */
function stopOnce(bin: string, dataDir: string, remove: () => void): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (existsSync(join(dataDir, 'postmaster.pid'))) runPg(bin, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // The postmaster is gone; its folder is removed below.
    } finally {
      remove();
    }
  };
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A streaming standby of `primary` (pg_basebackup), named `name` for synchronous_standby_names,
 * in its own temporary folder on a free port. The primary must allow replication connections
 * from 127.0.0.1 (initdb's trust configuration does).
 */
export async function startStandby(primary: PostgresCluster, name: string): Promise<PostgresCluster> {
  const bin = primary.bin!;
  const { root, dataDir, remove } = clusterFolder('axiru-pg-standby-');
  try {
    runPg(bin, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-X', 'stream', '-R', '--no-sync', '--checkpoint=fast']);
    const port = await freePort();
    const conninfo = `host=127.0.0.1 port=${primary.port} user=postgres application_name=${name}`;
    const flags = [`-p ${port}`, `-c listen_addresses=127.0.0.1`, `-c unix_socket_directories=${root}`, `-c "primary_conninfo=${conninfo}"`, '-c hot_standby=on', '-c max_connections=300'].join(' ');
    runPg(bin, 'pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-o', flags, '-w', '-t', '120', 'start']);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dataDir, root, bin, stop: stopOnce(bin, dataDir, remove) };
  } catch (error) {
    const log = existsSync(join(root, 'server.log')) ? readFileSync(join(root, 'server.log'), 'utf8') : '';
    remove();
    throw new Error(`the standby did not start: ${(error as Error).message}\n${log}`);
  }
}

/**
 * Promotes a standby to primary (pg_ctl promote, waiting until it accepts writes). It runs
 * asynchronously, so a test's load goes on while the standby is being promoted.
 */
export async function promote(standby: PostgresCluster): Promise<void> {
  await runPgAsync(standby.bin!, 'pg_ctl', ['-D', standby.dataDir!, '-w', '-t', '120', 'promote']);
}

/** The postmaster's process id (first line of postmaster.pid). */
export function postmasterPid(cluster: PostgresCluster): number {
  return Number(readFileSync(join(cluster.dataDir!, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
