// The work behind `axiru serve`, `keys`, `orgs` and `audit verify`. Kept apart from cli.ts so
// that loading the `axiru` command (every `axiru check`, `axiru test`...) does not load fastify,
// SQLite and the rest of the server: cli.ts imports this module only when one of these runs.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError, resolveConfig, type ConfigFlags } from './config.js';
import { ApiError } from './errors.js';
import type { KeyKind, Organisation, Store } from './repositories/types.js';
import { startServer, type RunningServer } from './server.js';
import { createApiKey } from './services/apiKeys.js';
import { createOrganisation } from './services/organisations.js';
import { sealModeChange } from './services/OrgModeService.js';
import { compilePolicy, type CompiledPolicy, type JsonDiagnostic } from './services/PolicyService.js';
import { createUser, userView } from './services/users.js';
import { verifyAllChains, verifyChain } from './services/verifyChain.js';
import { databaseExists } from './storage/sqlite/SqliteDatabase.js';
import { SqliteStore } from './storage/sqlite/SqliteStore.js';
import { PostgresStore } from './storage/postgres/PostgresStore.js';
import { redactUrl } from './storage/postgres/openPostgres.js';
import type { CliIo } from './cli.js';
import { choosePassword, printInvite } from './cliSessionActions.js';
import { hashPassword } from './services/passwords.js';

export class CliError extends Error {}

/** Where a command's database is: --data (SQLite) or --database-url (PostgreSQL). */
export interface StoreFlags {
  readonly data?: string | undefined;
  readonly databaseUrl?: string | undefined;
}

/** Opens an existing installation for a short command (no background checkpoints). */
export async function openCliStore(flags: StoreFlags): Promise<Store> {
  const { dataDir, databaseUrl } = resolveConfig({ data: flags.data, databaseUrl: flags.databaseUrl });
  if (databaseUrl !== undefined) {
    const store = await PostgresStore.open({ url: databaseUrl, dataDir });
    if ((await store.organisations.list()).length === 0) {
      await store.close();
      throw new CliError(`no Axiru installation in the database ${redactUrl(databaseUrl)}; start the server once with: axiru serve --database-url URL`);
    }
    return store;
  }
  if (!databaseExists(dataDir)) {
    throw new CliError(`no Axiru database in ${dataDir}; start the server once with: axiru serve --data ${dataDir}`);
  }
  return SqliteStore.open({ dataDir, checkpointIntervalMs: 0 });
}

export async function withStore<T>(flags: StoreFlags, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore(flags);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The organisation a command is about: --org, or the only one there is. */
export async function pickOrg(store: Store, orgId: string | undefined): Promise<Organisation> {
  const orgs = await store.organisations.list();
  if (orgId !== undefined) {
    const org = orgs.find((candidate) => candidate.id === orgId);
    if (!org) throw new CliError(`no organisation ${orgId}; organisations: ${orgs.map((o) => o.id).join(', ') || 'none'}`);
    return org;
  }
  if (orgs.length === 1 && orgs[0]) return orgs[0];
  throw new CliError(`pass --org: ${orgs.length === 0 ? 'there is no organisation' : `organisations: ${orgs.map((o) => `${o.id} (${o.name})`).join(', ')}`}`);
}

function compileFile(file: string): CompiledPolicy {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  try {
    return compilePolicy(source, basename(file));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const diagnostics = (error.details['diagnostics'] ?? []) as JsonDiagnostic[];
    const lines = diagnostics.filter((d) => d.severity === 'error').map((d) => `  ${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
    throw new CliError(`${file} does not compile:\n${lines.join('\n')}`);
  }
}

/** Runs a command; its exit code goes to the caller's status when it gives one, else to the process. */
export function run(io: CliIo, action: () => Promise<number | void>): Promise<void> {
  const setStatus = (code: number): void => {
    if (io.setStatus) io.setStatus(code);
    else process.exitCode = code;
  };
  return action().then(
    (code) => {
      if (typeof code === 'number' && code !== 0) setStatus(code);
    },
    (error: unknown) => {
      if (error instanceof CliError || error instanceof ConfigError) io.err(`axiru: ${error.message}`);
      else io.err(`axiru: ${error instanceof Error ? error.message : String(error)}`);
      setStatus(1);
    },
  );
}

export function serve(io: CliIo, options: ConfigFlags): Promise<void> {
  return run(io, async () => {
      const config = resolveConfig(options);
      // Listening before the server prints that it is ready: a supervisor may send SIGTERM as
      // soon as it reads the line, and that must still be a graceful shutdown.
      let server: RunningServer | null = null;
      let stopping: NodeJS.Signals | null = null;
      const shutDown = (running: RunningServer, signal: NodeJS.Signals): void => {
        running.app.log.info({ signal }, 'shutting down');
        void running.close().catch((error: unknown) => {
          io.err(`axiru: shutdown failed: ${String(error)}`);
          io.setStatus ? io.setStatus(1) : (process.exitCode = 1);
        });
      };
      const stop = (signal: NodeJS.Signals): void => {
        if (server) shutDown(server, signal);
        else stopping = signal;
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        server = await startServer(config, io.out);
      } catch (error) {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
        throw error;
      }
      if (stopping) shutDown(server, stopping);
    });
}

export function keysCreate(io: CliIo, options: { data?: string; org?: string; kind: KeyKind; live?: boolean; label?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const org = await pickOrg(store, options.org);
        const created = await store.transaction((tx) =>
          createApiKey(tx, org.id, options.kind, options.live ? 'live' : 'test', options.label ?? null, new Date()));
        io.out(`Created ${options.kind} key ${created.record.id} for ${org.id} (${org.name}); it is shown this once:`);
        io.out(`AXIRU_${options.kind.toUpperCase()}_KEY=${created.key}`);
      }));
}

export function keysRevoke(io: CliIo, keyId: string, options: { data?: string; org?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const all = await store.apiKeys.list(options.org ?? null);
        const key = all.find((candidate) => candidate.id === keyId);
        if (!key) throw new CliError(`no key ${keyId}${options.org ? ` in ${options.org}` : ''}`);
        if (key.revoked_at !== null) {
          io.out(`${keyId} was already revoked at ${key.revoked_at}`);
          return;
        }
        await store.transaction((tx) => tx.apiKeys.revoke(keyId, new Date().toISOString()));
        io.out(`Revoked ${keyId} (${key.kind}, ${key.hint}) of ${key.org_id}`);
      }));
}

export function keysList(io: CliIo, options: { data?: string; org?: string; json?: boolean }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const list = await store.apiKeys.list(options.org ?? null);
        for (const key of list) {
          const { key_hash: _hash, ...shown } = key;
          if (options.json) io.out(JSON.stringify(shown));
          else {
            io.out([key.id, key.org_id, key.kind.padEnd(8), key.hint, key.created_at,
              key.revoked_at ? `revoked ${key.revoked_at}` : 'active', key.label ?? ''].join('  ').trimEnd());
          }
        }
        if (list.length === 0 && !options.json) io.out('no keys');
      }));
}

export function orgsCreate(io: CliIo, options: { data?: string; name: string; currency: string; policy?: string; live?: boolean; mode?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        if (!/^[A-Za-z]{3}$/.test(options.currency)) throw new CliError(`--currency must be three letters; got ${JSON.stringify(options.currency)}`);
        const mode = options.mode ?? 'enforce';
        if (mode !== 'observe' && mode !== 'enforce') throw new CliError(`--mode must be observe or enforce; got ${JSON.stringify(mode)}`);
        const policy = options.policy === undefined ? undefined : compileFile(options.policy);
        const created = await store.transaction(async (tx) => {
          const org = await createOrganisation(tx, {
            name: options.name, defaultCurrency: options.currency, keyMode: options.live ? 'live' : 'test',
            actor: 'cli', ...(policy ? { policy } : {}),
          });
          if (mode === 'observe') {
            await sealModeChange(tx, org.org.id, {
              mode, previous: 'enforce', actor: 'cli', reason: 'created in observe mode', time: new Date().toISOString(),
            });
          }
          return org;
        });
        io.out(`Created ${created.org.id} (${created.org.name})${policy ? ` with ${policy.loaded.policyVersion} live` : ' with no live policy yet'}${mode === 'observe' ? ', in observe mode' : ''}; its keys are shown this once:`);
        io.out(`AXIRU_DECISION_KEY=${created.keys.decision}`);
        io.out(`AXIRU_ADMIN_KEY=${created.keys.admin}`);
      }));
}

export function orgsList(io: CliIo, options: { data?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        for (const org of await store.organisations.list()) {
          io.out([org.id, org.name, org.default_currency, org.live_policy_version === null ? 'no live policy' : `v${org.live_policy_version} live`].join('  '));
        }
      }));
}

export function auditVerify(io: CliIo, options: { data?: string; org?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const reports = options.org !== undefined
          ? [{ org_id: options.org, ...(await verifyChain(store, options.org)) }]
          : await verifyAllChains(store);
        for (const report of reports) io.out(JSON.stringify(report));
        return reports.every((report) => report.ok) ? 0 : 1;
      }));
}


export function usersAdd(
  io: CliIo, options: { data?: string; org?: string; email: string; name: string; roles: string; slackUserId?: string; password?: boolean },
): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const org = await pickOrg(store, options.org);
        if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw new CliError(`--email must be an email address; got ${JSON.stringify(options.email)}`);
        const roles = options.roles.split(',').map((role) => role.trim()).filter((role) => role !== '');
        const policy = org.live_policy_version === null ? null : await store.policies.get(org.id, org.live_policy_version);
        const ir = policy ? await store.policies.getIR(policy.ir_hash) : null;
        const password = options.password ? await choosePassword() : null;
        const passwordHash = password ? await hashPassword(password.value) : null;
        let created;
        try {
          created = await store.transaction(async (tx) => {
            const user = await createUser(tx, org.id,
              { email: options.email, name: options.name, roles, slack_user_id: options.slackUserId ?? null }, ir, new Date());
            if (passwordHash !== null) await tx.sessions.setPassword(org.id, user.user.id, passwordHash);
            return user;
          });
        } catch (error) {
          if (error instanceof ApiError) throw new CliError(error.message);
          throw error;
        }
        io.out(`Created ${created.user.id} (${created.user.email}, roles: ${roles.join(', ') || 'none'}) in ${org.id}; their key is shown this once:`);
        io.out(`AXIRU_USER_KEY=${created.key}`);
        if (password?.generated) io.out(`AXIRU_USER_PASSWORD=${password.value}`);
        else if (password) io.out('Their dashboard password is the one read from stdin.');
      }));
}

export function usersInvite(io: CliIo, email: string, options: { data?: string; org?: string; url?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => printInvite(io, store, await pickOrg(store, options.org), email, options.url)));
}

export function usersList(io: CliIo, options: { data?: string; org?: string; json?: boolean }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const org = await pickOrg(store, options.org);
        const list = await store.users.list(org.id);
        for (const user of list) {
          const shown = userView(user);
          if (options.json) io.out(JSON.stringify(shown));
          else {
            io.out([user.id, user.email, user.name, user.roles.join(',') || '-', user.key_hint,
              user.disabled_at ? `disabled ${user.disabled_at}` : 'active', user.slack_user_id ?? ''].join('  ').trimEnd());
          }
        }
        if (list.length === 0 && !options.json) io.out('no users');
      }));
}

export function usersDisable(io: CliIo, userId: string, options: { data?: string; org?: string }): Promise<void> {
  return run(io, () =>
      withStore(options, async (store) => {
        const org = await pickOrg(store, options.org);
        const user = await store.users.get(org.id, userId);
        if (!user) throw new CliError(`no user ${userId} in ${org.id}`);
        if (user.disabled_at !== null) {
          io.out(`${userId} was already disabled at ${user.disabled_at}`);
          return;
        }
        await store.transaction((tx) => tx.users.disable(org.id, userId, new Date().toISOString()));
        io.out(`Disabled ${userId} (${user.email}) of ${org.id}`);
      }));
}
