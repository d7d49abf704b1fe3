import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { ID_PATTERN, IsoTimestamp, TEXT_PATTERN, errorResponses, idString } from '../schemas/common.js';
import { createUser, userView } from '../services/users.js';

const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  slack_user_id: Type.Union([Type.String(), Type.Null()]),
  key_hint: Type.String(),
  created_at: IsoTimestamp,
  disabled_at: Type.Union([IsoTimestamp, Type.Null()]),
});

const CreateUserSchema = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'an email address such as ana@example.com' }),
  name: Type.String({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERN, description: 'a name of 1 to 200 characters without control characters' }),
  roles: Type.Array(idString('a role of the live policy, or admin', 64), { maxItems: 32, description: 'a list of role names of the live policy (and/or admin)' }),
  slack_user_id: Type.Optional(Type.Union([idString('a Slack user id such as U024BE7LH', 64), Type.Null()])),
}, { additionalProperties: false });

const UserIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'a user id' }),
});

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admins = app.authenticate(['admin', 'user_admin']);

  app.post('/api/users', {
    schema: {
      tags: ['people'],
      summary: 'Create a user and their personal key (shown once)',
      body: CreateUserSchema,
      response: { 201: Type.Object({ user: UserSchema, key: Type.String() }), ...errorResponses(400, 401, 403, 409) },
    },
    preValidation: admins,
  }, async (request, reply) => {
    const { org } = authOf(request);
    const policy = await app.actions.livePolicy(app.store, org.id);
    const created = await app.store.transaction((tx) => createUser(tx, org.id, request.body, policy?.ir ?? null, new Date()));
    return reply.code(201).send({ user: userView(created.user), key: created.key });
  });

  app.get('/api/users', {
    schema: {
      tags: ['people'],
      summary: 'The organisation\'s users (never their keys)',
      response: { 200: Type.Object({ data: Type.Array(UserSchema) }), ...errorResponses(401, 403) },
    },
    preValidation: admins,
  }, async (request) => {
    const { org } = authOf(request);
    return { data: (await app.store.users.list(org.id)).map(userView) };
  });

  app.post('/api/users/:id/disable', {
    schema: {
      tags: ['people'],
      summary: 'Disable a user: their key stops working at once',
      params: UserIdParams,
      response: { 200: Type.Object({ user: UserSchema, changed: Type.Boolean() }), ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: admins,
  }, async (request) => {
    const { org } = authOf(request);
    const changed = await app.store.transaction((tx) => tx.users.disable(org.id, request.params.id, new Date().toISOString()));
    const user = await app.store.users.get(org.id, request.params.id);
    if (!user) throw notFound('user', 'id');
    return { user: userView(user), changed };
  });
};
