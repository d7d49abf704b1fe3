import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authOf } from '../plugins/auth.js';
import { TEXT_PATTERN, errorResponses } from '../schemas/common.js';
import { ImpactSchema } from '../schemas/impact.js';
import { WindowQuery, parseWindow } from '../schemas/timeWindow.js';
import { modeOf } from '../services/shadowEvaluation.js';

const ModeSchema = Type.Union([Type.Literal('observe'), Type.Literal('enforce')], { description: 'either "observe" or "enforce"' });

const OrgSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  default_currency: Type.String(),
  mode: ModeSchema,
  live_policy_version: Type.Union([Type.String(), Type.Null()]),
});

const ModeBodySchema = Type.Object({
  mode: ModeSchema,
  reason: Type.String({ minLength: 1, maxLength: 500, pattern: TEXT_PATTERN, description: 'a reason of 1 to 500 characters without control characters' }),
  confirm: Type.Optional(Type.Boolean({ description: 'true to switch; otherwise only the impact is returned' })),
}, { additionalProperties: false });

const ModeResponseSchema = Type.Object({
  mode: ModeSchema,
  changed: Type.Boolean(),
  impact: ImpactSchema,
});

export const orgRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/org', {
    schema: {
      tags: ['organisation'],
      summary: 'The caller\'s organisation: mode and live policy',
      response: { 200: OrgSchema, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    return {
      id: org.id,
      name: org.name,
      default_currency: org.default_currency,
      mode: modeOf(org),
      live_policy_version: org.live_policy_version === null ? null : `v${org.live_policy_version}`,
    };
  });

  app.put('/api/org/mode', {
    schema: {
      tags: ['organisation'],
      summary: 'Switch between observe and enforce',
      description: 'In observe mode the live policy is evaluated and sealed as usual but every caller is told allow, with '
        + 'the would-be decision under decision.would_be; controls still block. Without confirm: true, only answers with '
        + 'what the switch would change over the recent traffic (default: the last 30 days; ?since= and ?until= override). '
        + 'With it, switches and seals the change (actor, old and new mode, reason).',
      querystring: Type.Object({ ...WindowQuery }, { additionalProperties: false }),
      body: ModeBodySchema,
      response: { 200: ModeResponseSchema, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org, actor } = authOf(request);
    const window = parseWindow(request.query, app.clock());
    return app.orgMode.setMode(org.id, request.body.mode, actor, {
      reason: request.body.reason, confirm: request.body.confirm === true, window,
    });
  });
};
