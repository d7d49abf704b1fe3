import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { IsoTimestamp, TEXT_PATTERN, errorResponses } from '../schemas/common.js';
import { AmountsSchema, ImpactSchema, TransitionSchema } from '../schemas/impact.js';
import { WindowQuery, parseWindow } from '../schemas/timeWindow.js';

const MAX_LIMIT = 200;

const VersionParamsSchema = Type.Object({
  version: Type.String({ pattern: '^v[1-9][0-9]{0,8}$', description: 'a policy version such as v4' }),
});

const StartedSchema = Type.Object({
  policy_version: Type.String(),
  shadow: Type.Literal(true),
  started_at: IsoTimestamp,
});

const StoppedSchema = Type.Object({
  policy_version: Type.String(),
  shadow: Type.Literal(false),
  stopped_at: IsoTimestamp,
});

const SideSchema = Type.Object({ outcome: Type.String(), matched_rule: Type.Union([Type.String(), Type.Null()]) });

const DiffQuerySchema = Type.Object({
  ...WindowQuery,
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: `an integer from 1 to ${MAX_LIMIT} (default 50)` })),
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'the intents.next_cursor of a previous page' })),
}, { additionalProperties: false });

const DiffSchema = Type.Object({
  policy_version: Type.String(),
  live_policy_version: Type.Union([Type.String(), Type.Null()]),
  since: IsoTimestamp,
  until: IsoTimestamp,
  compared: Type.Integer({ description: 'decisions this shadow made in the window' }),
  differing: Type.Integer({ description: 'of those, how many had another outcome than the live policy' }),
  transitions: Type.Array(TransitionSchema),
  rules: Type.Array(Type.Object({
    rule: Type.String({ description: `the rule that decided; "otherwise" for the default verdict` }),
    side: Type.Union([Type.Literal('live'), Type.Literal('shadow')]),
    count: Type.Integer(),
    amounts: AmountsSchema,
  })),
  intents: Type.Object({
    data: Type.Array(Type.Object({
      intent_id: Type.String(),
      received_at: IsoTimestamp,
      amount_cents: Type.Integer(),
      currency: Type.String(),
      live: SideSchema,
      shadow: SideSchema,
    })),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  }),
});

const PromoteBodySchema = Type.Union([
  Type.Object({
    confirm: Type.Optional(Type.Boolean({ description: 'true to promote; otherwise only the impact is returned' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, pattern: TEXT_PATTERN, description: 'a reason of 1 to 500 characters without control characters' })),
  }, { additionalProperties: false }),
  Type.Null(),
]);

const PromoteResponseSchema = Type.Object({
  promoted: Type.Boolean(),
  live_policy_version: Type.Optional(Type.String()),
  previous_policy_version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  impact: ImpactSchema,
});

function versionOf(param: string): number {
  return Number(param.slice(1));
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^s([1-9][0-9]{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new ApiError(400, 'invalid_field', '"cursor" must be the intents.next_cursor of a previous page.', 'cursor');
  return Number(match[1]);
}

export const shadowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const readers = app.authenticate(['admin', 'user']);
  const writers = app.authenticate(['admin', 'user_admin']);

  app.post('/api/policies/:version/shadow', {
    schema: {
      tags: ['policies'],
      summary: 'Run a published version as a shadow policy',
      description: 'Every later decision also evaluates this version on the same input and facts; its decision is sealed '
        + 'in the same record and returned under decision.shadow, never enforced. Starting a running shadow changes nothing.',
      params: VersionParamsSchema,
      response: { 200: StartedSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
    preValidation: writers,
  }, async (request) => {
    const { org, actor } = authOf(request);
    const result = await app.shadows.start(org.id, versionOf(request.params.version), actor);
    return { policy_version: result.policy_version, shadow: true as const, started_at: result.at };
  });

  app.delete('/api/policies/:version/shadow', {
    schema: {
      tags: ['policies'],
      summary: 'Stop a shadow policy',
      params: VersionParamsSchema,
      response: { 200: StoppedSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
    preValidation: writers,
  }, async (request) => {
    const { org, actor } = authOf(request);
    const result = await app.shadows.stop(org.id, versionOf(request.params.version), actor);
    return { policy_version: result.policy_version, shadow: false as const, stopped_at: result.at };
  });

  app.get('/api/policies/:version/diff', {
    schema: {
      tags: ['policies'],
      summary: 'Compare a shadow policy with the live one over the traffic it saw',
      description: 'Counts and amounts per transition (live outcome -> shadow outcome) and per deciding rule, over the '
        + 'decisions whose outcomes differ, and the differing intents newest first (paginated).',
      params: VersionParamsSchema,
      querystring: DiffQuerySchema,
      response: { 200: DiffSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: readers,
  }, async (request) => {
    const { org } = authOf(request);
    const { query } = request;
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (limit > MAX_LIMIT) throw new ApiError(400, 'invalid_field', `"limit" must be an integer from 1 to ${MAX_LIMIT}; got ${limit}.`, 'limit');
    const window = parseWindow(query, app.clock());
    const beforeSeq = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const { lastSeq, ...diff } = await app.shadows.diff(org.id, versionOf(request.params.version), window, limit, beforeSeq);
    return { ...diff, intents: { data: diff.intents.data, next_cursor: lastSeq === null ? null : encodeCursor(lastSeq) } };
  });

  app.post('/api/policies/:version/promote', {
    schema: {
      tags: ['policies'],
      summary: 'Make a version live, after seeing its impact',
      description: 'Without confirm: true, only answers with what the version would have decided differently over the '
        + 'recent traffic (default: the last 30 days; ?since= and ?until= override). With it, makes the version live and '
        + 'seals the change (actor, old and new version, reason, impact); a running shadow of it stops.',
      params: VersionParamsSchema,
      querystring: Type.Object({ ...WindowQuery }, { additionalProperties: false }),
      body: PromoteBodySchema,
      response: { 200: PromoteResponseSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
    preValidation: writers,
  }, async (request) => {
    const { org, actor } = authOf(request);
    const body = request.body ?? {};
    const window = parseWindow(request.query, app.clock());
    return app.shadows.promote(org.id, versionOf(request.params.version), actor, {
      confirm: body.confirm === true, reason: body.reason ?? null, window,
    });
  });
};
