import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, invalidKey, missingKey, wrongKeyKind } from '../errors.js';
import type { ApiKeyRecord, KeyKind, Organisation } from '../repositories/types.js';
import { API_KEY_FORMAT, hashApiKey } from '../services/apiKeys.js';

export interface AuthContext {
  readonly org: Organisation;
  readonly key: ApiKeyRecord;
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
    /** A preValidation hook admitting keys of the given kinds. */
    authenticate(kinds: readonly KeyKind[], options?: AuthenticateOptions): preValidationAsyncHookHandler;
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

/**
 * Authentication runs before validation, so an anonymous caller learns nothing about the
 * schema. Unknown, malformed and revoked keys all get the same 401, a key of the wrong kind
 * the same 403, whatever the endpoint.
 */
export const authPlugin = fp(async (app) => {
  app.decorateRequest('auth', null);
  app.decorate('authenticate', (kinds: readonly KeyKind[], options: AuthenticateOptions = {}) => {
    const needed = kinds.includes('decision') ? 'decision' : 'admin';
    return async (request: FastifyRequest) => {
      const key = presentedKey(request, options.bodyKey === true);
      if (!API_KEY_FORMAT.test(key)) throw invalidKey();
      const record = await app.store.apiKeys.findByHash(hashApiKey(key));
      if (!record || record.revoked_at !== null) throw invalidKey();
      const org = await app.store.organisations.get(record.org_id);
      if (!org) throw invalidKey();
      if (!kinds.includes(record.kind)) throw wrongKeyKind(needed);
      request.auth = { org, key: record };
    };
  });
}, { name: 'axiru-auth', fastify: '5.x', dependencies: ['axiru-repositories'] });

/** The authenticated context of a request behind `app.authenticate` (a bug if absent). */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error('route is missing its authenticate hook');
  return request.auth;
}
