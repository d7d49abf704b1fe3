import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authOf } from '../plugins/auth.js';
import { IsoTimestamp, errorResponses } from '../schemas/common.js';

const OutcomeSchema = Type.Union([Type.Literal('allow'), Type.Literal('flag'), Type.Literal('pending_approval'), Type.Literal('block')]);
const RuleName = Type.Union([Type.String(), Type.Null()], { description: 'the deciding rule; null for the `otherwise` verdict' });

const ImpactBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 60_000, description: 'the policy text (a whole .axiru file), at most 60000 characters' }),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: 'an integer from 1 to 90 (default 30): the window ends now' })),
  against: Type.Optional(Type.String({ pattern: '^v[1-9][0-9]{0,8}$', description: 'a published version such as v3 (default: the live one)' })),
}, { additionalProperties: false });

const ImpactResponseSchema = Type.Object({
  window: Type.Object({ days: Type.Integer(), since: IsoTimestamp, until: IsoTimestamp }),
  against: Type.Union([Type.Object({ version: Type.String(), ir_hash: Type.String() }), Type.Null()], {
    description: 'the version re-evaluated for comparison; null when the organisation has no live policy (then: what was decided)',
  }),
  candidate: Type.Object({ ir_hash: Type.String({ description: 'sha256: of the candidate\'s canonical IR' }) }),
  evaluated: Type.Integer({ description: 'sealed policy decisions of the window re-evaluated (control blocks are left out)' }),
  changed: Type.Integer({ description: 'of those, how many the candidate decides differently' }),
  transitions: Type.Array(Type.Object({
    from: OutcomeSchema,
    to: OutcomeSchema,
    count: Type.Integer(),
    amounts: Type.Array(Type.Object({ currency: Type.String(), amount_cents: Type.Integer() })),
    text: Type.String({ description: 'e.g. "allow → pending_approval: 12, $2,340.00"' }),
    refunds: Type.Array(Type.Object({
      intent_id: Type.String(),
      amount_cents: Type.Integer(),
      currency: Type.String(),
      received_at: IsoTimestamp,
      before_rule: RuleName,
      after_rule: RuleName,
    }), { description: 'up to 50 changed refunds, newest first' }),
  })),
  rules: Type.Array(Type.Object({
    name: Type.String(),
    matched: Type.Integer({ description: 're-evaluated decisions the rule matched' }),
    decided: Type.Integer({ description: 're-evaluated decisions the rule decided' }),
  }), { description: 'every rule of the candidate, in policy order' }),
  summary: Type.Array(Type.String(), { description: 'the impact in sentences' }),
});

export const policyImpactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const writers = app.authenticate(['admin', 'user_admin']);

  app.post('/api/policies/impact', {
    schema: {
      tags: ['policies'],
      summary: 'What an unpublished policy would have decided over recent traffic',
      description: 'Re-evaluates the organisation\'s sealed decisions of the last `days` days with the policy and with '
        + '`against` (default: the live version) on the same sealed requests and facts, and answers the transitions with '
        + 'counts, amounts and the newest changed refunds, and per-rule counts. Nothing is published or sealed. 422 with the '
        + 'compiler\'s diagnostics when the policy does not compile.',
      body: ImpactBodySchema,
      response: { 200: ImpactResponseSchema, ...errorResponses(400, 401, 403, 404, 413, 422) },
    },
    preValidation: writers,
  }, async (request) => {
    const { org } = authOf(request);
    const { source, days, against } = request.body;
    return app.impact.impact(org.id, { source, days: days ?? 30, against: against === undefined ? null : Number(against.slice(1)) });
  });
};
