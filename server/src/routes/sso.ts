import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { errorResponses, IsoTimestamp } from '../schemas/common.js';
import { CALLBACK_PATH, FLOW_TTL_MS } from '../sso/SsoService.js';
import { DEFAULT_GROUPS_CLAIM, ssoView } from '../sso/ssoSettings.js';
import { setSessionCookie } from './session.js';

/** Holds the sign-in's `state` between start and callback; Lax, so the provider's redirect back carries it. */
const FLOW_COOKIE = 'axiru_sso_state';
const ROLE = '^[A-Za-z_][A-Za-z0-9_]*$';

const SsoBody = Type.Object({
  issuer: Type.String({ minLength: 1, maxLength: 500, description: 'the identity provider\'s issuer URL (https); its /.well-known/openid-configuration is read' }),
  client_id: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$', description: 'the client id Axiru is registered with at the provider' }),
  client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, pattern: '^[\\x21-\\x7E]+$', description: 'the client secret (required the first time; left out, the stored one is kept); never returned' })),
  groups_claim: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7E]+$', description: `the claim that lists the user's groups (default "${DEFAULT_GROUPS_CLAIM}")` })),
  role_map: Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: ROLE }), { maxItems: 50 }), {
    description: '{ "<identity provider group>": ["<Axiru role>", …] }: the roles of each group',
  }),
  enforce: Type.Optional(Type.Boolean({ description: 'true: password sign-in and invites are refused for this organisation (admin keys still work); default false' })),
  email_domains: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 253, pattern: '^[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$' }), {
    maxItems: 50, description: 'work email domains whose people "Sign in with SSO" by email lands on this organisation',
  })),
}, { additionalProperties: false });

const SsoViewSchema = Type.Object({
  issuer: Type.String(),
  client_id: Type.String(),
  client_secret_set: Type.Boolean({ description: 'the secret itself is never returned' }),
  groups_claim: Type.String(),
  role_map: Type.Record(Type.String(), Type.Array(Type.String())),
  enforce: Type.Boolean(),
  email_domains: Type.Array(Type.String()),
  redirect_uri: Type.String({ description: 'register this redirect URI with the identity provider' }),
  updated_at: IsoTimestamp,
  updated_by: Type.String(),
});

/** A browser gets a failed sign-in back on the sign-in page (which shows the message); other clients get the JSON error. */
function wantsPage(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

async function orSignInPage(request: FastifyRequest, reply: FastifyReply, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ApiError) || !wantsPage(request)) throw error;
    await reply.redirect(`/?sso_error=${encodeURIComponent(error.message)}`, 302);
  }
}

export const ssoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const origin = (request: { protocol: string; host: string }): string => `${request.protocol}://${request.host}`;

  app.put('/api/org/sso', {
    schema: {
      tags: ['organisation'],
      summary: 'Configure single sign-on (OpenID Connect) for the organisation; sealed in its chain with the secret redacted',
      body: SsoBody,
      response: { 200: SsoViewSchema, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org, actor } = authOf(request);
    const policy = await app.actions.livePolicy(app.store, org.id);
    const settings = await app.sso.configure(org, request.body, policy?.ir ?? null, actor);
    return ssoView(settings, app.sso.redirectUri(origin(request)));
  });

  app.get('/api/org/sso', {
    schema: {
      tags: ['organisation'],
      summary: 'The organisation\'s single sign-on settings (never the client secret)',
      response: { 200: SsoViewSchema, ...errorResponses(401, 403, 404) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org } = authOf(request);
    const settings = await app.store.sso.get(org.id);
    if (!settings) throw new ApiError(404, 'not_found', 'Single sign-on is not configured for this organisation; configure it with PUT /api/org/sso.');
    return ssoView(settings, app.sso.redirectUri(origin(request)));
  });

  app.delete('/api/org/sso', {
    schema: {
      tags: ['organisation'],
      summary: 'Remove single sign-on (people sign in with passwords again); sealed in the chain',
      response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errorResponses(401, 403, 404) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org, actor } = authOf(request);
    if (!await app.sso.remove(org, actor)) {
      throw new ApiError(404, 'not_found', 'Single sign-on is not configured for this organisation.');
    }
    return { deleted: true };
  });

  app.get('/api/sso/start', {
    schema: {
      tags: ['session'],
      summary: 'Start single sign-on: redirects to the organisation\'s identity provider (code flow with PKCE, state and nonce)',
      querystring: Type.Object({
        org: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the organisation id' })),
        email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: 'a work email whose domain an organisation lists in email_domains' })),
      }, { additionalProperties: false }),
      response: { ...errorResponses(400, 404, 502) },
    },
  }, (request, reply) => orSignInPage(request, reply as unknown as FastifyReply, async () => {
    const { url, state } = await app.sso.start(request.query.org, request.query.email, origin(request));
    void reply.setCookie(FLOW_COOKIE, state, {
      httpOnly: true, sameSite: 'lax', path: '/api/sso/', secure: request.protocol === 'https', maxAge: FLOW_TTL_MS / 1000,
    });
    return reply.redirect(url, 302);
  }));

  app.get(CALLBACK_PATH, {
    schema: {
      tags: ['session'],
      summary: 'Where the identity provider sends the browser back: signs in (the axiru_session cookie) and redirects to the dashboard',
      // The parameters of an authorization response (RFC 6749 4.1.2 and 4.1.2.1, RFC 9207's iss);
      // a provider may add its own, so others are allowed too, as bounded strings.
      querystring: Type.Object({
        code: Type.Optional(Type.String({ maxLength: 4096 })),
        state: Type.Optional(Type.String({ maxLength: 4096 })),
        iss: Type.Optional(Type.String({ maxLength: 4096 })),
        error: Type.Optional(Type.String({ maxLength: 4096 })),
        error_description: Type.Optional(Type.String({ maxLength: 4096 })),
        error_uri: Type.Optional(Type.String({ maxLength: 4096 })),
        session_state: Type.Optional(Type.String({ maxLength: 4096 })),
      }, { additionalProperties: Type.String({ maxLength: 4096 }) }),
      response: { ...errorResponses(400, 403, 404, 409, 502) },
    },
  }, (request, reply) => orSignInPage(request, reply as unknown as FastifyReply, async () => {
    const cookieState = request.cookies[FLOW_COOKIE];
    // The state cookie has done its job whatever happens next.
    void reply.clearCookie(FLOW_COOKIE, { path: '/api/sso/' });
    const signedIn = await app.sso.callback(request.query, cookieState);
    setSessionCookie(request, reply, signedIn);
    // The dashboard reads GET /api/session, whose notice tells a user without a role so.
    return reply.redirect('/', 302);
  }));
};
