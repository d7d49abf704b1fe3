import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { ApiError, notFound } from '../errors.js';
import { authOf } from '../plugins/auth.js';
import type { WebhookDelivery, WebhookEndpoint } from '../repositories/types.js';
import { ID_PATTERN, IsoTimestamp, errorResponses } from '../schemas/common.js';
import { newWebhookSecret, WEBHOOK_EVENTS } from '../services/webhooks.js';

const EndpointSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  created_at: IsoTimestamp,
  disabled_at: Type.Union([IsoTimestamp, Type.Null()]),
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  status: Type.String({ description: 'pending, delivered or failed' }),
  attempts: Type.Integer(),
  next_attempt_at: Type.Union([IsoTimestamp, Type.Null()]),
  last_status: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: IsoTimestamp,
  delivered_at: Type.Union([IsoTimestamp, Type.Null()]),
  payload: Type.String({ description: 'the exact body sent' }),
});

const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: ID_PATTERN, description: 'a webhook endpoint id' }),
});

function endpointView(endpoint: WebhookEndpoint) {
  return { id: endpoint.id, url: endpoint.url, events: [...endpoint.events], created_at: endpoint.created_at, disabled_at: endpoint.disabled_at };
}

function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.id, event_id: delivery.event_id, event_type: delivery.event_type, status: delivery.status, attempts: delivery.attempts,
    next_attempt_at: delivery.next_attempt_ms === null ? null : new Date(delivery.next_attempt_ms).toISOString(),
    last_status: delivery.last_status, last_error: delivery.last_error, created_at: delivery.created_at,
    delivered_at: delivery.delivered_at, payload: delivery.payload,
  };
}

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admins = app.authenticate(['admin', 'user_admin']);

  app.post('/api/webhooks', {
    schema: {
      tags: ['webhooks'],
      summary: 'Subscribe an endpoint to events; its signing secret is shown once',
      body: Type.Object({
        url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://[\\x21-\\x7E]+$', description: 'an http(s) URL' }),
        events: Type.Array(Type.Union(WEBHOOK_EVENTS.map((event) => Type.Literal(event))), {
          minItems: 1, uniqueItems: true, description: `a non-empty list of distinct events among ${WEBHOOK_EVENTS.join(', ')}`,
        }),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ endpoint: EndpointSchema, secret: Type.String() }), ...errorResponses(400, 401, 403) },
    },
    preValidation: admins,
  }, async (request, reply) => {
    const { org } = authOf(request);
    try {
      new URL(request.body.url);
    } catch {
      throw new ApiError(400, 'invalid_field', `url is not a valid URL: ${JSON.stringify(request.body.url)}.`, 'url');
    }
    const endpoint: WebhookEndpoint = {
      id: `whe_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      org_id: org.id,
      url: request.body.url,
      secret: newWebhookSecret(),
      events: [...request.body.events],
      created_at: new Date().toISOString(),
      disabled_at: null,
    };
    await app.store.transaction((tx) => tx.webhooks.createEndpoint(endpoint));
    return reply.code(201).send({ endpoint: endpointView(endpoint), secret: endpoint.secret });
  });

  app.get('/api/webhooks', {
    schema: {
      tags: ['webhooks'],
      summary: 'Webhook endpoints (never their secrets)',
      response: { 200: Type.Object({ data: Type.Array(EndpointSchema) }), ...errorResponses(401, 403) },
    },
    preValidation: admins,
  }, async (request) => {
    const { org } = authOf(request);
    return { data: (await app.store.webhooks.listEndpoints(org.id)).map(endpointView) };
  });

  app.delete('/api/webhooks/:id', {
    schema: {
      tags: ['webhooks'],
      summary: 'Disable an endpoint; its pending deliveries are not sent',
      params: IdParams,
      response: { 200: Type.Object({ endpoint: EndpointSchema, changed: Type.Boolean() }), ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: admins,
  }, async (request) => {
    const { org } = authOf(request);
    const changed = await app.store.transaction((tx) => tx.webhooks.disableEndpoint(org.id, request.params.id, new Date().toISOString()));
    const endpoint = await app.store.webhooks.getEndpoint(org.id, request.params.id);
    if (!endpoint) throw notFound('webhook endpoint', 'id');
    return { endpoint: endpointView(endpoint), changed };
  });

  app.get('/api/webhooks/:id/deliveries', {
    schema: {
      tags: ['webhooks'],
      summary: 'The delivery log of an endpoint, newest first',
      params: IdParams,
      response: { 200: Type.Object({ data: Type.Array(DeliverySchema) }), ...errorResponses(400, 401, 403, 404) },
    },
    preValidation: admins,
  }, async (request) => {
    const { org } = authOf(request);
    const endpoint = await app.store.webhooks.getEndpoint(org.id, request.params.id);
    if (!endpoint) throw notFound('webhook endpoint', 'id');
    return { data: (await app.store.webhooks.deliveries(org.id, endpoint.id, 200)).map(deliveryView) };
  });
};
