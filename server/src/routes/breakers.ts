import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authOf } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';
import { breakerLevels } from '../services/breakers.js';

const BreakerSchema = Type.Object({
  rule: Type.String(),
  reason: Type.String(),
  source: Type.String(),
  measure: Type.Union([Type.Literal('sum'), Type.Literal('count')]),
  window_hours: Type.Integer(),
  fact: Type.String(),
  trips_when: Type.Union([Type.Literal('over'), Type.Literal('at_least')]),
  threshold: Type.Integer(),
  level: Type.Integer(),
  currency: Type.Union([Type.String(), Type.Null()]),
  tripped: Type.Boolean(),
  text: Type.String(),
});

export const breakerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/controls/breakers', {
    schema: {
      tags: ['controls'],
      summary: "Automatic circuit breakers: the live policy's rules that block a source on a velocity fact, with their level now",
      response: { 200: Type.Object({ policy_version: Type.Union([Type.String(), Type.Null()]), breakers: Type.Array(BreakerSchema) }), ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    const policy = await app.actions.livePolicy(app.store, org.id);
    if (!policy) return { policy_version: null, breakers: [] };
    return { policy_version: policy.policyVersion, breakers: await breakerLevels(app.store, org.id, policy, app.clock().getTime()) };
  });
};
