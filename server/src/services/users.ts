import { randomUUID } from 'node:crypto';
import type { PolicyIR } from '@axiru/runtime';
import { ApiError } from '../errors.js';
import type { Repositories, UserRecord } from '../repositories/types.js';
import { hashApiKey, randomBase62 } from './apiKeys.js';

/** A personal key: `sk_user_` + 43 base62 characters (256 bits). */
export const USER_KEY_FORMAT = /^sk_user_[0-9A-Za-z]{43}$/;

/** The role that lets a user manage users and controls; every other role comes from the policy. */
export const ADMIN_ROLE = 'admin';

export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly slack_user_id?: string | null | undefined;
}

/** What the API and the CLI show of a user (never the key hash). */
export function userView(user: UserRecord) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: [...user.roles],
    slack_user_id: user.slack_user_id,
    key_hint: user.key_hint,
    created_at: user.created_at,
    disabled_at: user.disabled_at,
  };
}

/**
 * Checks the roles against the live policy (plus `admin`). Without a live policy only `admin`
 * is known. Roles are checked when the user is created; a later policy that drops a role
 * simply stops that role from satisfying approvals.
 */
export function checkRoles(roles: readonly string[], ir: PolicyIR | null): void {
  const known = new Set([ADMIN_ROLE, ...(ir?.roles.map((role) => role.name) ?? [])]);
  for (const [index, role] of roles.entries()) {
    if (!known.has(role)) {
      throw new ApiError(400, 'invalid_field',
        `role "${role}" is not a role of the live policy; known roles: ${[...known].sort().join(', ')}.`, `roles.${index}`);
    }
  }
  if (new Set(roles).size !== roles.length) throw new ApiError(400, 'invalid_field', 'roles must not repeat a role.', 'roles');
}

/** Creates a user and their personal key; the key is returned this once and stored hashed. */
export async function createUser(
  repos: Repositories, orgId: string, input: NewUser, ir: PolicyIR | null, now: Date,
): Promise<{ user: UserRecord; key: string }> {
  checkRoles(input.roles, ir);
  const email = input.email.toLowerCase();
  if (await repos.users.findByEmail(orgId, email)) {
    throw new ApiError(409, 'user_exists', `A user with email ${email} already exists in this organisation.`, 'email');
  }
  if (input.slack_user_id && await repos.users.findBySlackId(orgId, input.slack_user_id)) {
    throw new ApiError(409, 'user_exists', `Slack user ${input.slack_user_id} is already mapped to another user.`, 'slack_user_id');
  }
  // The key carries 256 random bits, so a fast hash (SHA-256, like the API keys) is enough:
  // scrypt's slowness protects guessable passwords, not random secrets.
  const key = `sk_user_${randomBase62(43)}`;
  const user: UserRecord = {
    id: `usr_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    org_id: orgId,
    email,
    name: input.name,
    roles: [...input.roles],
    slack_user_id: input.slack_user_id ?? null,
    key_hash: hashApiKey(key),
    key_hint: `sk_user_…${key.slice(-4)}`,
    created_at: now.toISOString(),
    disabled_at: null,
  };
  await repos.users.create(user);
  return { user, key };
}
