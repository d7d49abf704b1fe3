// The sign-in side of `axiru users`: passwords for `users add --password` and invite links
// for `users invite`. Loaded only when those commands run, like cliActions.ts.

import { ApiError } from './errors.js';
import { resolveConfig } from './config.js';
import type { Organisation, Store } from './repositories/types.js';
import { generatePassword, passwordProblem } from './services/passwords.js';
import { invitePath, SessionService } from './services/sessions.js';
import type { CliIo } from './cli.js';

export class PasswordInputError extends Error {}

/**
 * The password for `users add --password`: the first line of stdin when it is piped (so it
 * never appears in the shell history or the process list), else a generated one that the
 * caller prints once.
 */
export async function choosePassword(stdin: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<{ value: string; generated: boolean }> {
  if (stdin.isTTY) return { value: generatePassword(), generated: true };
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  const value = text.split(/\r?\n/)[0] ?? '';
  if (value === '') return { value: generatePassword(), generated: true };
  const problem = passwordProblem(value);
  if (problem) throw new PasswordInputError(`the password on stdin is not accepted: ${problem}`);
  return { value, generated: false };
}

/** Prints `http://host:port/invite#token` for the user with this email. */
export async function printInvite(io: CliIo, store: Store, org: Organisation, email: string, baseUrl: string | undefined): Promise<void> {
  const user = await store.users.findByEmail(org.id, email.toLowerCase());
  if (!user || user.disabled_at !== null) {
    throw new PasswordInputError(`no active user with email ${email} in ${org.id}; add one with: axiru users add --email ${email} --name NAME`);
  }
  let base = baseUrl;
  if (base === undefined) {
    const config = resolveConfig({});
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    base = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
  }
  try {
    const { token, invite } = await new SessionService(store, () => new Date()).invite(org.id, user.id, 'cli');
    io.out(`Invite for ${user.email} (${user.id}), valid until ${new Date(invite.expires_ms).toISOString()}, usable once:`);
    io.out(`${base.replace(/\/+$/, '')}${invitePath(token)}`);
  } catch (error) {
    if (error instanceof ApiError) throw new PasswordInputError(error.message);
    throw error;
  }
}
