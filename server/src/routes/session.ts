import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { ID_PATTERN, IsoTimestamp, errorResponses } from '../schemas/common.js';
import { MAX_PASSWORD_LENGTH } from '../services/passwords.js';
import { invitePath, SESSION_COOKIE, sessionView, type SignedIn } from '../services/sessions.js';
import { SignInThrottle } from '../services/signInThrottle.js';

const MethodSchema = Type.Union([Type.Literal('password'), Type.Literal('sso')], { description: 'how the user signed in' });

export const SessionSchema = Type.Object({
  user: Type.Object({
    id: Type.String(), email: Type.String(), name: Type.String(), roles: Type.Array(Type.String()), method: MethodSchema,
    sso: Type.Union([Type.Object({ issuer: Type.String(), subject: Type.String() }), Type.Null()], { description: 'the single sign-on identity, if any' }),
  }),
  org: Type.Object({ id: Type.String(), name: Type.String() }),
  method: MethodSchema,
  csrf_token: Type.String({ description: 'send back as X-CSRF-Token on every POST, PUT, PATCH and DELETE' }),
  notice: Type.Union([Type.String(), Type.Null()], { description: 'something the user should know, e.g. that they hold no role' }),
});

const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH, description: `the password (at most ${MAX_PASSWORD_LENGTH} characters)` });

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn): void {
  void reply.setCookie(SESSION_COOKIE, signedIn.token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    // Secure only over HTTPS: browsers drop Secure cookies on plain-HTTP origins other than localhost.
    secure: request.protocol === 'https',
    expires: new Date(signedIn.session.expires_ms),
  });
}

export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const throttle = new SignInThrottle(app.clock);

  app.post('/api/session', {
    schema: {
      tags: ['session'],
      summary: 'Sign in to the dashboard: sets the HTTP-only axiru_session cookie',
      body: Type.Object({
        email: Type.String({ minLength: 1, maxLength: 254, description: 'the email address the user was added with' }),
        password: Password,
      }, { additionalProperties: false }),
      response: { 200: SessionSchema, ...errorResponses(400, 401, 403, 429) },
    },
  }, async (request, reply) => {
    const { email, password } = request.body;
    try {
      throttle.check(email, request.ip);
    } catch (error) {
      if (error instanceof ApiError) void reply.header('retry-after', String(error.details['retry_after_seconds']));
      throw error;
    }
    let signedIn: SignedIn;
    try {
      signedIn = await app.sessions.signIn(email, password);
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 401) throttle.failed(email, request.ip);
      throw error;
    }
    throttle.succeeded(email);
    setSessionCookie(request, reply, signedIn);
    return sessionView(signedIn.user, signedIn.org, signedIn.session);
  });

  app.get('/api/session', {
    schema: {
      tags: ['session'],
      summary: 'The signed-in user, organisation and CSRF token',
      response: { 200: SessionSchema, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['user']),
  }, async (request) => {
    const { user, org } = authOf(request);
    const token = request.cookies[SESSION_COOKIE];
    if (!user || token === undefined || request.headers.authorization !== undefined) {
      throw new ApiError(403, 'forbidden', 'This endpoint describes a dashboard session; sign in with POST /api/session.');
    }
    const { session } = await app.sessions.authenticate(token, 'GET', undefined);
    return sessionView(user, org, session);
  });

  app.delete('/api/session', {
    schema: {
      tags: ['session'],
      summary: 'Sign out: ends the session and clears the cookie',
      response: { 200: Type.Object({ signed_out: Type.Boolean() }), ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['user']),
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token !== undefined) await app.sessions.signOut(token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { signed_out: true };
  });

  app.post('/api/users/:id/invite', {
    schema: {
      tags: ['people'],
      summary: 'An invite link with which the user sets their password (valid 7 days, once)',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'a user id' }) }),
      response: {
        201: Type.Object({ user_id: Type.String(), url: Type.String(), expires_at: IsoTimestamp }),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request, reply) => {
    const { org, actor } = authOf(request);
    const { token, invite } = await app.sessions.invite(org.id, request.params.id, actor);
    return reply.code(201).send({
      user_id: invite.user_id,
      url: `${request.protocol}://${request.host}${invitePath(token)}`,
      expires_at: new Date(invite.expires_ms).toISOString(),
    });
  });

  app.post('/api/invites/accept', {
    schema: {
      tags: ['session'],
      summary: 'Set a password with an invite token and sign in',
      body: Type.Object({
        token: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9]+$', description: 'the token after # in the invite link' }),
        password: Password,
      }, { additionalProperties: false }),
      response: { 200: SessionSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request, reply) => {
    const signedIn = await app.sessions.acceptInvite(request.body.token, request.body.password);
    setSessionCookie(request, reply, signedIn);
    return sessionView(signedIn.user, signedIn.org, signedIn.session);
  });
};
