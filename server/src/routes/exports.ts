import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, notFound } from '../errors.js';
import { parseSinkSettings, SinkBodySchema, SinkConfigError } from '../exports/sinkConfig.js';
import { authOf } from '../plugins/auth.js';
import { ID_PATTERN, IsoTimestamp, errorResponses } from '../schemas/common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const SinkSchema = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'files, splunk, datadog or s3' }),
  name: Type.String(),
  format: Type.String({ description: 'ocsf or ecs' }),
  origin: Type.String({ description: 'api (POST /api/exports) or config (the server config file)' }),
  created_at: IsoTimestamp,
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'the sink settings; secrets shown as "[redacted]"' }),
  cursor_seq: Type.Integer({ description: 'the last seq the receiver acknowledged' }),
  head_seq: Type.Integer({ description: "the organisation's chain head" }),
  records_behind: Type.Integer(),
  in_flight: Nullable(Type.Object({ from_seq: Type.Integer(), to_seq: Type.Integer() })),
  delivered: Type.Integer(),
  attempts: Type.Integer({ description: 'failed attempts of the current batch' }),
  next_attempt_at: Nullable(IsoTimestamp),
  last_error: Nullable(Type.String()),
  last_error_at: Nullable(IsoTimestamp),
  last_success_at: Nullable(IsoTimestamp),
});

const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'an export sink id' }),
});

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admins = app.authenticate(['admin', 'user_admin']);
  const readers = app.authenticate(['admin', 'user']);

  app.post('/api/exports', {
    schema: {
      tags: ['exports'],
      summary: 'Add a SIEM export sink (files, splunk, datadog or s3); it starts at seq 1 of the chain',
      body: SinkBodySchema,
      response: { 201: Type.Object({ export: SinkSchema }), ...errorResponses(400, 401, 403) },
    },
    preValidation: admins,
  }, async (request, reply) => {
    const { org, actor } = authOf(request);
    let settings;
    try {
      settings = parseSinkSettings(request.body);
    } catch (error) {
      if (error instanceof SinkConfigError) throw new ApiError(400, 'invalid_field', error.message, error.field);
      throw error;
    }
    return reply.code(201).send({ export: await app.exportSinks.create(org.id, settings, actor) });
  });

  app.get('/api/exports', {
    schema: {
      tags: ['exports'],
      summary: "The organisation's export sinks, each with its position, last error and last success",
      response: { 200: Type.Object({ data: Type.Array(SinkSchema) }), ...errorResponses(401, 403) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    return { data: await app.exportSinks.list(org.id) };
  });

  app.get('/api/exports/:id', {
    schema: {
      tags: ['exports'],
      summary: 'One export sink',
      params: IdParams,
      response: { 200: Type.Object({ export: SinkSchema }), ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const sink = await app.exportSinks.get(org.id, request.params.id);
    if (!sink) throw notFound('export sink', 'id');
    return { export: sink };
  });

  app.delete('/api/exports/:id', {
    schema: {
      tags: ['exports'],
      summary: 'Delete an export sink (what it already delivered stays delivered)',
      params: IdParams,
      response: { 200: Type.Object({ export: SinkSchema, deleted: Type.Boolean() }), ...errorResponses(400, 401, 403, 404, 409) },
    },
    preValidation: admins,
  }, async (request) => {
    const { org, actor } = authOf(request);
    return { export: await app.exportSinks.remove(org.id, request.params.id, actor), deleted: true };
  });
};
