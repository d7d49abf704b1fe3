import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, startServerProcess, type ServerProcess } from '../../../server/test/support/serverProcess.js';

export interface AxiruServer {
  readonly url: string;
  readonly decisionKey: string;
  readonly adminKey: string;
  readonly process: ServerProcess;
  /** An admin-key call to the server's API, for what the client does not do (users, controls). */
  admin<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A user-key call (approve, deny). */
  asUser<T>(key: string, method: string, path: string, body?: unknown): Promise<T>;
  /** Creates a user with these roles and returns its personal key. */
  addUser(roles: string[]): Promise<{ id: string; key: string; email: string }>;
  stop(): Promise<void>;
}

let users = 0;

/** The real `axiru serve` process on an ephemeral loopback port, in a fresh data folder. */
export async function startAxiruServer(): Promise<AxiruServer> {
  assertBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'axiru-client-'));
  const server = await startServerProcess(dataDir);
  const decisionKey = server.keys['AXIRU_DECISION_KEY'];
  const adminKey = server.keys['AXIRU_ADMIN_KEY'];
  if (!decisionKey || !adminKey) throw new Error('the server did not print its keys');

  async function call<T>(key: string, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  return {
    url: server.url,
    decisionKey,
    adminKey,
    process: server,
    admin: (method, path, body) => call(adminKey, method, path, body),
    asUser: (key, method, path, body) => call(key, method, path, body),
    addUser: async (roles) => {
      users += 1;
      const email = `approver${users}@example.com`;
      const created = await call<{ user: { id: string }; key: string }>(adminKey, 'POST', '/api/users', { email, name: `Approver ${users}`, roles });
      return { id: created.user.id, key: created.key, email };
    },
    stop: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
