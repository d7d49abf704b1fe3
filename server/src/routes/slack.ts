import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import type { Organisation } from '../repositories/types.js';
import { errorResponses, idString } from '../schemas/common.js';
import { verifySlackSignature } from '../services/slack.js';

const SettingsView = Type.Object({
  configured: Type.Boolean(),
  channel: Type.Union([Type.String(), Type.Null()]),
});

const InteractionReply = Type.Object({
  response_type: Type.Literal('ephemeral'),
  replace_original: Type.Boolean(),
  text: Type.String(),
  status: Type.Optional(Type.String()),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), field: Type.Union([Type.String(), Type.Null()]) })),
});

function invalidSignature(message: string): ApiError {
  return new ApiError(401, 'invalid_signature', message);
}

interface BlockActionsPayload {
  type?: unknown;
  user?: { id?: unknown };
  actions?: Array<{ action_id?: unknown; value?: unknown }>;
}

export const slackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Slack posts interactions as application/x-www-form-urlencoded; the signature covers the
  // raw bytes, so this route (and only this encapsulated plugin) keeps the body as text.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });

  app.put('/api/slack/settings', {
    schema: {
      tags: ['slack'],
      summary: 'Connect Slack: the bot token, the channel for approval requests and the signing secret',
      body: Type.Object({
        bot_token: Type.String({ minLength: 10, maxLength: 255, pattern: '^xox[a-z]-[\\x21-\\x7E]+$', description: 'a Slack bot token (xoxb-…)' }),
        channel: idString('a Slack channel id such as C0123456789', 80),
        signing_secret: Type.String({ minLength: 8, maxLength: 255, pattern: '^[\\x21-\\x7E]+$', description: 'the Slack app\'s signing secret' }),
      }, { additionalProperties: false }),
      response: { 200: SettingsView, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org } = authOf(request);
    await app.store.transaction((tx) => tx.slack.putSettings({ org_id: org.id, ...request.body }));
    return { configured: true, channel: request.body.channel };
  });

  app.get('/api/slack/settings', {
    schema: {
      tags: ['slack'],
      summary: 'Whether Slack is connected (never the token or secret)',
      response: { 200: SettingsView, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org } = authOf(request);
    const settings = await app.store.slack.getSettings(org.id);
    return { configured: settings !== null, channel: settings?.channel ?? null };
  });

  app.post('/api/slack/interactions', {
    schema: {
      tags: ['slack'],
      summary: 'Slack interaction callbacks (Approve/Deny buttons), verified with the signing secret',
      response: { 200: InteractionReply, ...errorResponses(400, 401, 415) },
    },
  }, async (request) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const timestamp = request.headers['x-slack-request-timestamp'];
    const signature = request.headers['x-slack-signature'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') {
      throw invalidSignature('X-Slack-Signature and X-Slack-Request-Timestamp are required.');
    }
    const nowSeconds = Math.floor(app.clock().getTime() / 1000);
    // The organisation is the one whose signing secret verifies the request.
    let org: Organisation | null = null;
    for (const settings of await app.store.slack.allSettings()) {
      if (verifySlackSignature(raw, timestamp, signature, settings.signing_secret, nowSeconds)) {
        org = await app.store.organisations.get(settings.org_id);
        break;
      }
    }
    if (!org) throw invalidSignature('The Slack signature is not valid or the request is older than 5 minutes.');

    let payload: BlockActionsPayload;
    try {
      payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? '') as BlockActionsPayload;
    } catch {
      throw new ApiError(400, 'invalid_request', 'The interaction has no JSON payload field.', 'payload');
    }
    const action = payload.actions?.[0];
    const verdict = action?.action_id;
    const intentId = action?.value;
    const slackUserId = payload.user?.id;
    if (payload.type !== 'block_actions' || (verdict !== 'approve' && verdict !== 'deny') || typeof intentId !== 'string' || typeof slackUserId !== 'string') {
      throw new ApiError(400, 'invalid_request', 'Only Approve/Deny block actions are handled.', 'payload');
    }

    const reply = (error: ApiError) => ({
      response_type: 'ephemeral' as const, replace_original: false, text: error.message,
      error: { code: error.code, message: error.message, field: error.field },
    });
    const user = await app.store.users.findBySlackId(org.id, slackUserId);
    if (!user) {
      return reply(new ApiError(403, 'unknown_slack_user', `Slack user ${slackUserId} is not linked to an Axiru user of this organisation.`));
    }
    try {
      const result = await app.actions.act(org, user, intentId, verdict, null, 'slack');
      return {
        response_type: 'ephemeral' as const, replace_original: false, status: result.status,
        text: `${verdict === 'approve' ? 'Approved' : 'Denied'}; the refund is now ${result.status} (${result.approvals}/${result.approvals_required ?? 1} approvals).`,
      };
    } catch (error) {
      if (error instanceof ApiError) return reply(error);
      throw error;
    }
  });
};
