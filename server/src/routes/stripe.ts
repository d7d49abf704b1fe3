import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import { errorResponses, ID_PATTERN } from '../schemas/common.js';
import { checkRestrictedKey, checkWebhookSecret, connectionView, keyHint } from '../services/stripeConnection.js';
import { createStripeClient } from '../services/stripeClient.js';
import { openRefundImport, parseSince } from '../services/stripeImport.js';
import { replayView } from './replays.js';

/** Stripe's events are small; a charge with its refunds list stays well under this. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

const ConnectionView = Type.Object({
  connected: Type.Boolean(),
  key_hint: Type.Union([Type.String(), Type.Null()]),
  mode: Type.Union([Type.Literal('test'), Type.Literal('live'), Type.Null()]),
  webhook_secret_set: Type.Boolean(),
  updated_at: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Type.String(), { description: 'what the restricted key must be granted (read only)' }),
});

const WebhookResult = Type.Object({
  received: Type.Literal(true),
  event_id: Type.String(),
  type: Type.String(),
  duplicate: Type.Boolean({ description: 'true when this event id was handled before (nothing was done again)' }),
  refunds: Type.Array(Type.Object({
    refund_id: Type.String(),
    result: Type.String({ description: 'executed, confirmed, bypass, failed, unchanged or ignored' }),
    intent_id: Type.Union([Type.String(), Type.Null()]),
    over_amount: Type.Boolean(),
    seq: Type.Union([Type.Integer(), Type.Null()]),
  })),
});

/** The webhook endpoints: their own context, so the raw body reaches signature verification untouched. */
const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  const schema = {
    tags: ['stripe'],
    summary: 'Stripe webhook events (refund.created, refund.updated, refund.failed, charge.refunded), verified with Stripe-Signature',
    response: { 200: WebhookResult, ...errorResponses(400, 413, 415) },
  };
  const receive = async (raw: unknown, signature: string | string[] | undefined, orgId: string | null) => {
    const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    const { org, event } = await app.stripeWebhooks.verify(body, typeof signature === 'string' ? signature : undefined, orgId);
    return app.stripeWebhooks.handle(org, event);
  };

  app.post('/api/stripe/webhook', { schema }, async (request) =>
    receive(request.body, request.headers['stripe-signature'], null));

  app.post('/api/stripe/webhook/:org_id', {
    schema: { ...schema, params: Type.Object({ org_id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'an organisation id' }) }) },
  }, async (request) => receive(request.body, request.headers['stripe-signature'], request.params.org_id));
};

const connectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.put('/api/stripe/connection', {
    schema: {
      tags: ['stripe'],
      summary: 'Store a read-only Stripe restricted key (rk_…) and the webhook signing secret; secret keys (sk_…) are refused',
      body: Type.Object({
        restricted_key: Type.String({ minLength: 1, maxLength: 255, description: 'a Stripe restricted key (rk_live_… or rk_test_…) with read access to Charges, Refunds and Customers' }),
        webhook_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'the webhook endpoint\'s signing secret (whsec_…)' })),
      }, { additionalProperties: false }),
      response: { 200: ConnectionView, ...errorResponses(400, 401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => {
    const { org, actor } = authOf(request);
    const { restricted_key: key, webhook_secret: secret } = request.body;
    const mode = checkRestrictedKey(key);
    if (secret !== undefined) checkWebhookSecret(secret);
    const previous = await app.store.stripe.getConnection(org.id);
    const connection = {
      org_id: org.id, restricted_key: key, key_hint: keyHint(key), mode,
      // Sending only a new key keeps the webhook secret already stored.
      webhook_secret: secret ?? previous?.webhook_secret ?? null,
      updated_at: app.clock().toISOString(), updated_by: actor,
    };
    await app.store.transaction((tx) => tx.stripe.putConnection(connection));
    return connectionView(connection);
  });

  app.get('/api/stripe/connection', {
    schema: {
      tags: ['stripe'],
      summary: 'Whether a Stripe account is connected (the key\'s hint only, never the key or secret)',
      response: { 200: ConnectionView, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user']),
  }, async (request) => {
    const { org } = authOf(request);
    return connectionView(await app.store.stripe.getConnection(org.id));
  });

  app.post('/api/stripe/import', {
    schema: {
      tags: ['stripe'],
      summary: 'Import refunds from the connected Stripe account (read-only) and replay them through a policy; answers 202 with the replay',
      body: Type.Object({
        since: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'a number of days such as 90d, or a past date such as 2026-01-31 (default 90d)' })),
        policy_version: Type.Optional(Type.String({ pattern: '^v[1-9][0-9]{0,8}$', description: 'a policy version such as v3 (default: the live one)' })),
      }, { additionalProperties: false }),
      response: { 202: Type.Unknown(), ...errorResponses(400, 401, 403, 404, 409, 502, 503) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request, reply) => {
    const { org, actor } = authOf(request);
    const connection = await app.store.stripe.getConnection(org.id);
    if (!connection) {
      throw new ApiError(409, 'stripe_not_connected', 'No Stripe account is connected; store a restricted key first with PUT /api/stripe/connection.');
    }
    const now = app.clock();
    const since = parseSince(request.body.since, now);
    const policy = await app.replays.resolvePolicy(org, request.body.policy_version, 'policy_version');
    const id = app.replays.newId();
    const fill = await openRefundImport(createStripeClient(connection.restricted_key, app.stripeApi), since, app.replays.historyPath(id));
    const row = await app.replays.start({
      id, org, actor, origin: 'stripe_import', fileName: `stripe-refunds-since-${since.toISOString().slice(0, 10)}.jsonl`,
      format: 'jsonl', policy, bytes: 0,
    }, fill);
    return reply.code(202).send(replayView(row, app.replays));
  });
};

export const stripeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(webhookRoutes);
  await app.register(connectionRoutes);
};
