import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { ID_PATTERN, IsoTimestamp, TEXT_PATTERN, errorResponses, idString } from '../schemas/common.js';
import { controlView } from '../services/controls.js';

const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: TEXT_PATTERN, description: 'a reason of 1 to 500 characters without control characters' });

const ControlSchema = Type.Object({
  kind: Type.String(), scope: Type.String(), reason: Type.String(), actor: Type.String(), seq: Type.Integer(), since: IsoTimestamp,
});

const ControlChangeSchema = Type.Object({
  control: ControlSchema,
  active: Type.Boolean(),
  record: Type.Object({ seq: Type.Integer(), kind: Type.String(), hash: Type.String() }),
});

const HoldBodySchema = Type.Union([
  Type.Object({ reason: Type.Optional(Type.Union([Reason, Type.Null()])) }, { additionalProperties: false }),
  Type.Null(),
]);

const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'an intent id' }),
});

const ActResultSchema = Type.Object({
  intent_id: Type.String(),
  status: Type.String(),
  approvals: Type.Integer(),
  approvals_required: Type.Union([Type.Integer(), Type.Null()]),
  record: Type.Object({ seq: Type.Integer(), kind: Type.String(), hash: Type.String() }),
});

const SCOPE = /^(org|source:[\x21-\x7E]{1,64})$/;

export const controlRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Controls belong to the people who answer for the money: admin keys and admin users,
  // never decision keys.
  const controllers = app.authenticate(['admin', 'user_admin']);

  /** Checks a kill-switch scope: `org`, or `source:<a source of the live policy>`. */
  async function checkScope(orgId: string, scope: string, field: string): Promise<void> {
    if (!SCOPE.test(scope)) {
      throw new ApiError(400, 'invalid_field', `scope must be "org" or "source:<name>"; got ${JSON.stringify(scope)}.`, field);
    }
    if (scope.startsWith('source:')) {
      const source = scope.slice('source:'.length);
      const sources = (await app.actions.livePolicy(app.store, orgId))?.ir.sources ?? [];
      if (!sources.includes(source)) {
        throw new ApiError(400, 'invalid_field', `source "${source}" is not declared by the live policy; sources: ${sources.join(', ') || 'none'}.`, field);
      }
    }
  }

  app.get('/api/controls', {
    schema: {
      tags: ['controls'],
      summary: 'Controls in force (freezes and kill switches)',
      response: { 200: Type.Object({ freezes: Type.Array(ControlSchema), kill_switches: Type.Array(ControlSchema) }), ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const active = await app.store.controls.active(org.id);
    return {
      freezes: active.filter((c) => c.kind === 'freeze').map(controlView),
      kill_switches: active.filter((c) => c.kind === 'kill_switch').map(controlView),
    };
  });

  app.post('/api/controls/freezes', {
    schema: {
      tags: ['controls'],
      summary: 'Freeze a Connect account: every new refund for it is blocked at intake',
      body: Type.Object({
        stripe_account: idString('a Stripe account id such as acct_1Nv0…'),
        reason: Reason,
      }, { additionalProperties: false }),
      response: { 201: ControlChangeSchema, ...errorResponses(400, 401, 403, 409) },
    },
    preValidation: controllers,
  }, async (request, reply) => {
    const { org, actor, user } = authOf(request);
    const result = await app.actions.controlOn(org, { id: actor, user }, 'freeze', request.body.stripe_account, request.body.reason);
    return reply.code(201).send({ control: controlView(result.control), active: true, record: result.record });
  });

  app.delete('/api/controls/freezes/:stripe_account', {
    schema: {
      tags: ['controls'],
      summary: 'Lift a freeze',
      params: Type.Object({ stripe_account: idString('a Stripe account id such as acct_1Nv0…') }),
      response: { 200: ControlChangeSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: controllers,
  }, async (request) => {
    const { org, actor, user } = authOf(request);
    const result = await app.actions.controlOff(org, { id: actor, user }, 'freeze', request.params.stripe_account, null);
    return { control: controlView(result.control), active: false, record: result.record };
  });

  app.post('/api/controls/kill-switch', {
    schema: {
      tags: ['controls'],
      summary: 'Turn a kill switch on: every new refund in scope is blocked at intake, and pending ones cannot be approved',
      body: Type.Object({
        scope: Type.String({ minLength: 1, maxLength: 80, description: '"org" or "source:<name>"' }),
        reason: Reason,
      }, { additionalProperties: false }),
      response: { 201: ControlChangeSchema, ...errorResponses(400, 401, 403, 409) },
    },
    preValidation: controllers,
  }, async (request, reply) => {
    const { org, actor, user } = authOf(request);
    await checkScope(org.id, request.body.scope, 'scope');
    const result = await app.actions.controlOn(org, { id: actor, user }, 'kill_switch', request.body.scope, request.body.reason);
    return reply.code(201).send({ control: controlView(result.control), active: true, record: result.record });
  });

  app.delete('/api/controls/kill-switch/:scope', {
    schema: {
      tags: ['controls'],
      summary: 'Turn a kill switch off (the scope URL-encoded, e.g. source%3Aai_agent)',
      params: Type.Object({ scope: Type.String({ minLength: 1, maxLength: 80, description: '"org" or "source:<name>"' }) }),
      response: { 200: ControlChangeSchema, ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: controllers,
  }, async (request) => {
    const { org, actor, user } = authOf(request);
    if (!SCOPE.test(request.params.scope)) {
      throw new ApiError(400, 'invalid_field', `scope must be "org" or "source:<name>"; got ${JSON.stringify(request.params.scope)}.`, 'scope');
    }
    const result = await app.actions.controlOff(org, { id: actor, user }, 'kill_switch', request.params.scope, null);
    return { control: controlView(result.control), active: false, record: result.record };
  });

  for (const action of ['hold', 'release'] as const) {
    app.post(`/api/intents/:id/${action}`, {
      schema: {
        tags: ['controls'],
        summary: action === 'hold' ? 'Hold a refund: it cannot be approved or executed until released' : 'Release a hold',
        params: IdParams,
        body: HoldBodySchema,
        response: { 200: ActResultSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
      preValidation: controllers,
    }, async (request) => {
      const { org, actor, user } = authOf(request);
      const reason = request.body?.reason ?? null;
      return action === 'hold'
        ? app.actions.hold(org, { id: actor, user }, request.params.id, reason)
        : app.actions.release(org, { id: actor, user }, request.params.id, reason);
    });
  }

  app.post('/api/intents/:id/executed', {
    schema: {
      tags: ['decisions'],
      summary: 'Report that an allowed or approved refund was made',
      params: IdParams,
      body: Type.Object({
        stripe_refund_id: idString('a Stripe refund id such as re_3PLs9k…'),
      }, { additionalProperties: false }),
      response: { 200: ActResultSchema, ...errorResponses(400, 401, 403, 404, 409) },
    },
    preValidation: app.authenticate(['decision']),
  }, async (request) => {
    const { org, actor, user } = authOf(request);
    return app.actions.executed(org, { id: actor, user }, request.params.id, request.body.stripe_refund_id);
  });
};
