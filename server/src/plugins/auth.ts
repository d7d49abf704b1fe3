import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { ApiError, invalidKey, missingKey } from '../errors.js';
import type { ApiKeyRecord, KeyKind, Organisation, UserRecord } from '../repositories/types.js';
import { API_KEY_FORMAT, hashApiKey } from '../services/apiKeys.js';
import { ADMIN_ROLE, USER_KEY_FORMAT } from '../services/users.js';
import { CSRF_HEADER, SESSION_COOKIE, SessionService } from '../services/sessions.js';

/**
 * Who may call an endpoint: API keys by kind, any user (`user`), or a user holding the
 * `admin` role (`user_admin`).
 */
export type Principal = KeyKind | 'user' | 'user_admin';

export interface AuthContext {
  readonly org: Organisation;
  /** The API key, when the caller used one. */
  readonly key: ApiKeyRecord | null;
  /** The user, when the caller used a personal key. */
  readonly user: UserRecord | null;
  /** How the ledger names the caller: `api_key:<id>` or `user:<id>`. */
  readonly actor: string;
}

export interface AuthenticateOptions {
  /** Also accept the key as `org_api_key` in the JSON body (POST /api/decision). */
  readonly bodyKey?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyInstance {
    /** A preValidation hook admitting the given kinds of caller. */
    authenticate(kinds: readonly Principal[], options?: AuthenticateOptions): preValidationAsyncHookHandler;
    /** Dashboard sign-in: passwords, session cookies, invites. */
    sessions: SessionService;
  }
}

const BEARER = /^Bearer +(\S+) *$/i;

function presentedKey(request: FastifyRequest, bodyKey: boolean): string {
  const header = request.headers.authorization;
  let key: string | undefined;
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (!match?.[1]) throw invalidKey();
    key = match[1];
  }
  const body = request.body;
  if (bodyKey && typeof body === 'object' && body !== null && 'org_api_key' in body) {
    const inBody = (body as { org_api_key: unknown }).org_api_key;
    if (typeof inBody !== 'string') throw invalidKey();
    if (key !== undefined && key !== inBody) {
      throw new ApiError(400, 'conflicting_api_keys', 'The Authorization header and org_api_key name different keys; send one.', 'org_api_key');
    }
    key = inBody;
  }
  if (key === undefined) throw missingKey();
  return key;
}

function hasBodyKey(request: FastifyRequest, bodyKey: boolean): boolean {
  const body = request.body;
  return bodyKey && typeof body === 'object' && body !== null && 'org_api_key' in body;
}

const DESCRIPTIONS: Record<Principal, string> = {
  decision: 'a decision key',
  admin: 'an admin key',
  user: 'a user key (sk_user_…)',
  user_admin: 'a user with the admin role',
};

/** The 403 for a caller of the wrong kind, naming every kind the endpoint accepts. */
export function forbiddenFor(kinds: readonly Principal[]): ApiError {
  const names = kinds.filter((kind) => !(kind === 'user_admin' && kinds.includes('user'))).map((kind) => DESCRIPTIONS[kind]);
  const list = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return new ApiError(403, 'forbidden', `This endpoint needs ${list}.`);
}

/**
 * Authentication runs before validation, so an anonymous caller learns nothing about the
 * schema. Unknown, malformed, revoked and disabled keys all get the same 401, a caller of the
 * wrong kind the same 403, whatever the endpoint.
 */
export const authPlugin = fp(async (app) => {
  app.decorateRequest('auth', null);
  await app.register(cookie);
  app.decorate('sessions', new SessionService(app.store, () => app.clock()));
  app.decorate('authenticate', (kinds: readonly Principal[], options: AuthenticateOptions = {}) => {
    return async (request: FastifyRequest) => {
      // A browser's session cookie counts only when no key is presented, so API clients are
      // unaffected; it authenticates as a user (and needs the CSRF token to change anything).
      const sessionToken = request.headers.authorization === undefined && !hasBodyKey(request, options.bodyKey === true)
        ? request.cookies[SESSION_COOKIE] : undefined;
      if (sessionToken !== undefined) {
        const csrf = request.headers[CSRF_HEADER];
        const { user, org } = await app.sessions.authenticate(sessionToken, request.method, typeof csrf === 'string' ? csrf : undefined);
        const allowed = kinds.includes('user') || (kinds.includes('user_admin') && user.roles.includes(ADMIN_ROLE));
        if (!allowed) throw forbiddenFor(kinds);
        request.auth = { org, key: null, user, actor: `user:${user.id}` };
        return;
      }
      const presented = presentedKey(request, options.bodyKey === true);
      if (USER_KEY_FORMAT.test(presented)) {
        const user = await app.store.users.findByKeyHash(hashApiKey(presented));
        if (!user || user.disabled_at !== null) throw invalidKey();
        const org = await app.store.organisations.get(user.org_id);
        if (!org) throw invalidKey();
        const allowed = kinds.includes('user') || (kinds.includes('user_admin') && user.roles.includes(ADMIN_ROLE));
        if (!allowed) throw forbiddenFor(kinds);
        request.auth = { org, key: null, user, actor: `user:${user.id}` };
        return;
      }
      if (!API_KEY_FORMAT.test(presented)) throw invalidKey();
      const record = await app.store.apiKeys.findByHash(hashApiKey(presented));
      if (!record || record.revoked_at !== null) throw invalidKey();
      const org = await app.store.organisations.get(record.org_id);
      if (!org) throw invalidKey();
      if (!kinds.includes(record.kind)) throw forbiddenFor(kinds);
      request.auth = { org, key: record, user: null, actor: `api_key:${record.id}` };
    };
  });
}, { name: 'axiru-auth', fastify: '5.x', dependencies: ['axiru-repositories'] });

/** The authenticated context of a request behind `app.authenticate` (a bug if absent). */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error('route is missing its authenticate hook');
  return request.auth;
}
