import fp from 'fastify-plugin';
import type { Store } from '../repositories/types.js';
import { SqliteStore } from '../storage/sqlite/SqliteStore.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/**
 * The repositories over the database. Only this plugin knows the database is SQLite; a
 * PostgreSQL store would be chosen here, and nothing that uses `app.store` would change.
 */
export const repositoriesPlugin = fp(async (app) => {
  const store = new SqliteStore(app.db);
  app.decorate('store', store);
  app.addHook('onClose', async () => {
    await store.close();
  });
}, { name: 'axiru-repositories', fastify: '5.x', dependencies: ['axiru-db'] });
