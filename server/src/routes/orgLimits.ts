import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';
import { ceilingOf, LIMIT_NAMES, ORG_LIMIT_CEILING, parseLimits, RateLimitsError, type LimitName } from '../services/rateLimits.js';

const LimitSchema = Type.Object({
  rate_per_second: Type.Number({ minimum: 0.01, description: 'a number of requests per second of at least 0.01' }),
  burst: Type.Integer({ minimum: 1, description: 'an integer number of requests of at least 1' }),
}, { additionalProperties: false, description: 'an object { "rate_per_second": number, "burst": integer }' });

const LimitsSchema = Type.Object(
  Object.fromEntries(LIMIT_NAMES.map((name) => [name, LimitSchema])) as Record<LimitName, typeof LimitSchema>,
);

const LimitsBodySchema = Type.Object(
  Object.fromEntries(LIMIT_NAMES.map((name) => [name, Type.Optional(LimitSchema)])) as Record<LimitName, ReturnType<typeof Type.Optional<typeof LimitSchema>>>,
  { additionalProperties: false, description: `an object with any of ${LIMIT_NAMES.join(', ')}` },
);

const LimitsResponseSchema = Type.Object({
  limits: LimitsSchema,
  defaults: LimitsSchema,
  ceiling: LimitsSchema,
  overridden: Type.Array(Type.String(), { description: 'the limits this organisation set; the others are the defaults' }),
});

export const orgLimitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const answer = async (orgId: string) => {
    const row = await app.store.rateLimits.get(orgId);
    const overridden = row ? Object.keys(JSON.parse(row.limits) as object) : [];
    return { limits: await app.rateLimits.of(orgId), defaults: app.rateLimits.defaults, ceiling: ceilingOf(app.rateLimits.defaults), overridden };
  };

  app.get('/api/org/limits', {
    schema: {
      tags: ['organisation'],
      summary: 'The organisation\'s rate limits',
      description: 'Token buckets per key and per organisation, for POST /api/decision and for the admin API. '
        + 'A request over a limit is answered 429 with Retry-After and records nothing.',
      response: { 200: LimitsResponseSchema, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => answer(authOf(request).org.id));

  app.put('/api/org/limits', {
    schema: {
      tags: ['organisation'],
      summary: 'Set the organisation\'s rate limits',
      description: `Replaces the organisation's limits: those given apply, those left out are the server's defaults. `
        + `Each value may be at most ${ORG_LIMIT_CEILING}× the server's default (see ceiling in GET).`,
      body: LimitsBodySchema,
      response: { 200: LimitsResponseSchema, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org, actor } = authOf(request);
    let limits;
    try {
      limits = parseLimits(request.body, 'the body', ceilingOf(app.rateLimits.defaults));
    } catch (error) {
      if (error instanceof RateLimitsError) throw new ApiError(400, 'invalid_limit', error.message, error.field);
      throw error;
    }
    await app.store.transaction(async (tx) => {
      await tx.rateLimits.put({ org_id: org.id, limits: JSON.stringify(limits), updated_at: app.clock().toISOString(), updated_by: actor });
    });
    app.rateLimits.forget(org.id);
    return answer(org.id);
  });

  app.delete('/api/org/limits', {
    schema: {
      tags: ['organisation'],
      summary: 'Put the organisation back on the server\'s default rate limits',
      response: { 200: LimitsResponseSchema, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org } = authOf(request);
    await app.store.transaction(async (tx) => {
      await tx.rateLimits.remove(org.id);
    });
    app.rateLimits.forget(org.id);
    return answer(org.id);
  });
};
