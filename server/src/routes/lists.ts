import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authOf } from '../plugins/auth.js';
import { IsoTimestamp, TEXT_PATTERN, errorResponses } from '../schemas/common.js';
import { MAX_LIST_VALUES, unknownList, type ListChangeResult } from '../services/lists.js';

/** The longest list value: longer than any Stripe id, customer id or metadata value a policy tests. */
const MAX_VALUE_LENGTH = 256;
/** A full list of the longest values, with JSON's quotes and commas, fits. */
const LIST_BODY_LIMIT = 32 * 1024 * 1024;

const Value = Type.String({
  minLength: 1, maxLength: MAX_VALUE_LENGTH, pattern: TEXT_PATTERN,
  description: `a value of 1 to ${MAX_VALUE_LENGTH} characters without control characters`,
});

const ValuesBody = Type.Object({
  values: Type.Array(Value, { maxItems: MAX_LIST_VALUES, description: `an array of at most ${MAX_LIST_VALUES} values` }),
}, { additionalProperties: false });

const NameParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a list name as the policy spells it (letters, digits, _; not starting with a digit; at most 64 characters)' }),
});

const ListSchema = Type.Object({
  name: Type.String(), version: Type.Integer(), size: Type.Integer(), updated_at: IsoTimestamp, seq: Type.Integer(),
});

const ChangeSchema = Type.Object({
  list: ListSchema,
  changed: Type.Boolean(),
  added: Type.Array(Type.String()),
  removed: Type.Array(Type.String()),
  record: Type.Union([Type.Object({ seq: Type.Integer(), kind: Type.String(), hash: Type.String() }), Type.Null()]),
});

const HistorySchema = Type.Object({
  version: Type.Integer(), action: Type.String(), actor: Type.String(), time: IsoTimestamp, seq: Type.Integer(),
  added: Type.Array(Type.String()), removed: Type.Array(Type.String()), size: Type.Integer(),
});

export const listRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Lists decide who is never blocked and who always is: admin keys and admin users only.
  const admins = app.authenticate(['admin', 'user_admin']);

  app.get('/api/lists', {
    schema: {
      tags: ['lists'],
      summary: "The organisation's lists (name, version, size)",
      response: { 200: Type.Object({ lists: Type.Array(ListSchema) }), ...errorResponses(401, 403) },
    },
    preValidation: admins,
  }, async (request) => ({ lists: await app.lists.all(authOf(request).org.id) }));

  app.get('/api/lists/:name', {
    schema: {
      tags: ['lists'],
      summary: 'One list: its values and its latest changes as sealed in the chain',
      params: NameParams,
      response: {
        200: Type.Object({ list: ListSchema, values: Type.Array(Type.String()), history: Type.Array(HistorySchema) }),
        ...errorResponses(400, 401, 403, 404),
      },
    },
    preValidation: admins,
  }, async (request) => {
    const found = await app.lists.get(authOf(request).org.id, request.params.name);
    if (!found) throw unknownList(request.params.name);
    return found;
  });

  app.put('/api/lists/:name', {
    schema: {
      tags: ['lists'],
      summary: "Replace a list's values (creates the list); the change is sealed as a `list` record",
      params: NameParams,
      body: ValuesBody,
      response: { 200: ChangeSchema, ...errorResponses(400, 401, 403, 413, 422) },
    },
    bodyLimit: LIST_BODY_LIMIT,
    preValidation: admins,
  }, async (request): Promise<ListChangeResult> => {
    const { org, actor } = authOf(request);
    return app.lists.set(org.id, actor, request.params.name, request.body.values);
  });

  app.post('/api/lists/:name/values', {
    schema: {
      tags: ['lists'],
      summary: 'Add values to a list (creates the list); values already there are left alone',
      params: NameParams,
      body: ValuesBody,
      response: { 200: ChangeSchema, ...errorResponses(400, 401, 403, 413, 422) },
    },
    bodyLimit: LIST_BODY_LIMIT,
    preValidation: admins,
  }, async (request): Promise<ListChangeResult> => {
    const { org, actor } = authOf(request);
    return app.lists.add(org.id, actor, request.params.name, request.body.values);
  });

  app.delete('/api/lists/:name/values/:value', {
    schema: {
      tags: ['lists'],
      summary: 'Remove one value from a list (the value URL-encoded)',
      params: Type.Object({ name: NameParams.properties.name, value: Value }),
      response: { 200: ChangeSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: admins,
  }, async (request): Promise<ListChangeResult> => {
    const { org, actor } = authOf(request);
    return app.lists.remove(org.id, actor, request.params.name, request.params.value);
  });
};
