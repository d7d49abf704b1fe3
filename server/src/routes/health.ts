import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../schemas/common.js';

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: {
      tags: ['operations'],
      summary: 'Liveness and database reachability',
      security: [],
      response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses(503) },
    },
  }, async () => {
    await app.store.ping();
    return { ok: true };
  });
};
