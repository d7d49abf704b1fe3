import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const HealthSchema = Type.Object({
  ok: Type.Boolean(),
  engine: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], { description: 'the database engine' }),
  database: Type.Union([Type.Literal('reachable'), Type.Literal('unreachable')], { description: 'whether the database answered just now' }),
  storage: Type.Optional(Type.Literal('unavailable')),
  reason: Type.Optional(Type.String({ description: 'why writes fail, e.g. "the disk is full (SQLITE_FULL)"' })),
  since: Type.Optional(Type.String({ description: 'when the first write failed for this reason' })),
});

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: {
      tags: ['operations'],
      summary: 'Liveness and database reachability',
      security: [],
      description: 'ok: true when the database answers and the last write succeeded. 503 with storage: "unavailable" and '
        + 'the reason (disk full, read-only file system, I/O error) after a write failed for a reason of the disk, until '
        + 'a write succeeds again.',
      response: { 200: HealthSchema, 503: HealthSchema },
    },
  }, async (_request, reply) => {
    const engine = app.store.kind === 'postgres' ? 'postgres' as const : 'sqlite' as const;
    try {
      await app.store.ping();
    } catch (error) {
      // SQLite's file is local (a failed probe is a failed server); a networked database may be away.
      if (engine === 'sqlite') throw error;
      return reply.code(503).send({ ok: false, engine, database: 'unreachable', reason: (error as Error).message });
    }
    const problem = app.storageHealth.status;
    if (problem === null) return { ok: true, engine, database: 'reachable' as const };
    return reply.code(503).send({ ok: false, engine, database: 'reachable', storage: 'unavailable', reason: problem.reason, since: problem.since });
  });
};
