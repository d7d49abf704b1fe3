import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authOf } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';
import { verifyChain } from '../services/verifyChain.js';

const VerifyResponseSchema = Type.Object({
  ok: Type.Boolean(),
  records: Type.Integer({ description: 'records checked' }),
  first_bad_seq: Type.Union([Type.Integer(), Type.Null()], { description: 'the first record that is altered or missing' }),
  problem: Type.Union([Type.String(), Type.Null()]),
});

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/audit/verify', {
    schema: {
      tags: ['audit'],
      summary: 'Recompute this organisation\'s hash chain',
      response: { 200: VerifyResponseSchema, ...errorResponses(401, 403) },
    },
    preValidation: app.authenticate(['admin', 'user_admin']),
  }, async (request) => verifyChain(app.store, authOf(request).org.id));
};
