import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/**
 * OpenAPI 3 generated from the routes' own schemas (so the document cannot drift from what is
 * validated), served as JSON at /docs/json and browsable at /docs. Registered before the
 * routes so it sees them all.
 */
export const openapiPlugin = fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Axiru decision API',
        version: '0.1.0',
        description:
          'Decisions before money moves: call POST /api/decision before every Stripe refund. '
          + 'Every decision is sealed in a hash-chained ledger before the response is sent.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… or sk_live_… (decision or admin key)' },
        },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'decisions', description: 'Ask for a decision; read sealed intents' },
        { name: 'policies', description: 'Publish and activate policies (admin key)' },
        { name: 'audit', description: 'Verify the ledger (admin key)' },
        { name: 'operations', description: 'Health and metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}, { name: 'axiru-openapi', fastify: '5.x' });
