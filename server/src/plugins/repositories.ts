import fp from 'fastify-plugin';
import type { Store } from '../repositories/types.js';
import { SqliteStore } from '../storage/sqlite/SqliteStore.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
  interface FastifyContextConfig {
    /** The route's reads may miss the latest commits (it re-checks them in a transaction). */
    readsMayLag?: boolean;
  }
}

/**
 * The repositories over the database: SQLite, or PostgreSQL when a database URL is given
 * (plugins/db.ts). Nothing that uses `app.store` knows which.
 */
export const repositoriesPlugin = fp(async (app) => {
  const store: Store = app.postgres ?? new SqliteStore(app.db!);
  app.decorate('store', store);
  // A request sees what was durable when it started, including the CLI's changes. Routes
  // whose reads are only early checks (POST /api/decision re-checks everything inside its
  // sealing transaction) set `config.readsMayLag` and never wait for another request's fsync.
  app.addHook('onRequest', (request, _reply, done) => {
    const waiting = store.refreshReads(request.routeOptions.config.readsMayLag !== true);
    if (waiting) waiting.then(() => done(), done);
    else done();
  });
  app.addHook('onClose', async () => {
    await store.close();
  });
}, { name: 'axiru-repositories', fastify: '5.x', dependencies: ['axiru-db'] });
