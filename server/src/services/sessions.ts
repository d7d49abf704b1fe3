// Dashboard sign-in. A session is a random 256-bit token in an HTTP-only, SameSite=Strict
// cookie, stored only as its SHA-256 (like API keys: a random secret needs no slow hash). It
// ends after 12 hours without use or 7 days after sign-in, whichever comes first. Each session
// has its own CSRF token, which the page reads from the session body and sends back in
// X-CSRF-Token on every state-changing request: a cross-site form cannot read it.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { InviteRow, Organisation, SessionRow, Store, UserRecord } from '../repositories/types.js';
import { hashApiKey, randomBase62 } from './apiKeys.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';

export const SESSION_COOKIE = 'axiru_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3_600_000;
export const INVITE_TTL_MS = 7 * 24 * 3_600_000;
/** last_seen is written at most this often per session, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SignedIn {
  readonly token: string;
  readonly session: SessionRow;
  readonly user: UserRecord;
  readonly org: Organisation;
}

/** What POST/GET /api/session answer. */
export function sessionView(user: UserRecord, org: Organisation, session: SessionRow, notice: string | null = null) {
  const method = session.method ?? 'password';
  return {
    user: {
      id: user.id, email: user.email, name: user.name, roles: [...user.roles], method,
      sso: user.sso_issuer != null && user.sso_subject != null ? { issuer: user.sso_issuer, subject: user.sso_subject } : null,
    },
    org: { id: org.id, name: org.name },
    method,
    csrf_token: session.csrf_token,
    notice: notice ?? (user.roles.length > 0 ? null : method === 'sso'
      ? 'You are signed in, but none of your identity provider groups maps to an Axiru role, so you cannot approve anything. Ask your admin to add your group to the role map.'
      : 'You are signed in, but you hold no role, so you cannot approve anything. Ask your admin for a role.'),
  };
}

function ssoRequired(): ApiError {
  return new ApiError(403, 'sso_required', 'Your organisation signs in with single sign-on only; use "Sign in with SSO".');
}

function invalidCredentials(): ApiError {
  return new ApiError(401, 'invalid_credentials', 'The email or password is not right.');
}

function sessionEnded(): ApiError {
  return new ApiError(401, 'unauthorized', 'Your session has ended (signed out, or unused for too long); sign in again.');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class SessionService {
  constructor(private readonly store: Store, private readonly clock: () => Date) {}

  /** Opens a session for a user who proved who they are (password, invite or single sign-on). */
  async openSession(user: UserRecord, method: 'password' | 'sso'): Promise<SignedIn> {
    const org = await this.store.organisations.get(user.org_id);
    if (!org) throw invalidCredentials();
    const token = newToken();
    const now = this.clock().getTime();
    const session: SessionRow = {
      token_hash: hashApiKey(token), org_id: user.org_id, user_id: user.id, csrf_token: newToken(),
      created_ms: now, last_seen_ms: now, expires_ms: now + SESSION_ABSOLUTE_MS, method,
    };
    await this.store.transaction(async (tx) => {
      await tx.sessions.purge(now, SESSION_IDLE_MS);
      await tx.sessions.create(session);
    });
    return { token, session, user, org };
  }

  /** Email + password; every failure (unknown email, no password, disabled, wrong) is the same 401. */
  async signIn(email: string, password: string): Promise<SignedIn> {
    const candidates = await this.store.sessions.credentialsByEmail(email.toLowerCase());
    let match: UserRecord | null = null;
    for (const candidate of candidates) {
      if (candidate.password_hash !== null && await verifyPassword(password, candidate.password_hash)) {
        match = candidate.user;
        break;
      }
    }
    if (candidates.every((candidate) => candidate.password_hash === null)) await verifyPassword(password, await decoyHash());
    if (!match) throw invalidCredentials();
    // Told only to someone who knew the password, so it reveals nothing about who exists.
    if ((await this.store.sso.get(match.org_id))?.enforce === true) throw ssoRequired();
    return this.openSession(match, 'password');
  }

  /**
   * The session behind a cookie value, checked for expiry, a disabled user and (on a
   * state-changing method) the CSRF token.
   */
  async authenticate(token: string, method: string, csrfHeader: string | undefined): Promise<{ user: UserRecord; org: Organisation; session: SessionRow }> {
    if (!TOKEN_FORMAT.test(token)) throw sessionEnded();
    const tokenHash = hashApiKey(token);
    const session = await this.store.sessions.get(tokenHash);
    const now = this.clock().getTime();
    if (!session || now >= session.expires_ms || now - session.last_seen_ms >= SESSION_IDLE_MS) throw sessionEnded();
    const user = await this.store.users.get(session.org_id, session.user_id);
    const org = await this.store.organisations.get(session.org_id);
    if (!user || user.disabled_at !== null || !org) throw sessionEnded();
    if (!SAFE_METHODS.has(method.toUpperCase()) && (csrfHeader === undefined || !sameText(csrfHeader, session.csrf_token))) {
      throw new ApiError(403, 'csrf_token_invalid',
        'This request changes something, so it must carry the session\'s csrf_token in the X-CSRF-Token header.', CSRF_HEADER);
    }
    if (now - session.last_seen_ms >= TOUCH_EVERY_MS) {
      await this.store.transaction((tx) => tx.sessions.touch(tokenHash, now));
    }
    return { user, org, session };
  }

  async signOut(token: string): Promise<void> {
    if (!TOKEN_FORMAT.test(token)) return;
    await this.store.transaction((tx) => tx.sessions.delete(hashApiKey(token)));
  }

  /** Sets a user's password and ends their other sessions. */
  async setPassword(orgId: string, userId: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new ApiError(400, 'invalid_field', problem, 'password');
    const hash = await hashPassword(password);
    await this.store.transaction(async (tx) => {
      await tx.sessions.setPassword(orgId, userId, hash);
      await tx.sessions.deleteForUser(orgId, userId);
    });
  }

  /** A one-time invite token for a user (shown once, stored hashed). */
  async invite(orgId: string, userId: string, createdBy: string): Promise<{ token: string; invite: InviteRow }> {
    const user = await this.store.users.get(orgId, userId);
    if (!user || user.disabled_at !== null) throw new ApiError(404, 'not_found', 'No user with this id.', 'id');
    if ((await this.store.sso.get(orgId))?.enforce === true) {
      throw new ApiError(409, 'sso_enforced', 'This organisation signs in with single sign-on only (enforce is on), so invites with passwords are refused; people sign in with SSO and are created at their first sign-in.');
    }
    const token = randomBase62(43);
    const now = this.clock().getTime();
    const invite: InviteRow = {
      token_hash: hashApiKey(token), org_id: orgId, user_id: userId, created_by: createdBy,
      created_ms: now, expires_ms: now + INVITE_TTL_MS, used_ms: null,
    };
    await this.store.transaction((tx) => tx.sessions.createInvite(invite));
    return { token, invite };
  }

  /** Sets the password named by an invite and signs the user in; an invite works once. */
  async acceptInvite(token: string, password: string): Promise<SignedIn> {
    const problem = passwordProblem(password);
    if (problem) throw new ApiError(400, 'invalid_field', problem, 'password');
    const invalid = new ApiError(404, 'invite_invalid', 'This invite link is not valid: it was already used, has expired, or was mistyped. Ask an admin for a new one.', 'token');
    const tokenHash = hashApiKey(token);
    const invite = await this.store.sessions.getInvite(tokenHash);
    const now = this.clock().getTime();
    if (!invite || invite.used_ms !== null || now >= invite.expires_ms) throw invalid;
    const user = await this.store.users.get(invite.org_id, invite.user_id);
    if (!user || user.disabled_at !== null) throw invalid;
    if ((await this.store.sso.get(invite.org_id))?.enforce === true) throw ssoRequired();
    const hash = await hashPassword(password);
    const used = await this.store.transaction(async (tx) => {
      if (!await tx.sessions.useInvite(tokenHash, now)) return false;
      await tx.sessions.setPassword(invite.org_id, invite.user_id, hash);
      await tx.sessions.deleteForUser(invite.org_id, invite.user_id);
      return true;
    });
    if (!used) throw invalid;
    return this.openSession(user, 'password');
  }
}

export function invitePath(token: string): string {
  return `/invite#${token}`;
}
