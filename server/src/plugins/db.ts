import fp from 'fastify-plugin';
import { SqliteDatabase } from '../storage/sqlite/SqliteDatabase.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: SqliteDatabase;
  }
}

export interface DbPluginOptions {
  readonly dataDir: string;
  readonly checkpointIntervalMs: number;
}

/** The database: opened, migrated, checkpointed in the background, closed last. */
export const dbPlugin = fp<DbPluginOptions>(async (app, options) => {
  const db = new SqliteDatabase({
    dataDir: options.dataDir,
    checkpointIntervalMs: options.checkpointIntervalMs,
    checkpointEvents: {
      onError: (message) => app.log.warn({ message }, 'WAL checkpoint failed'),
    },
  });
  if (db.migrated.length > 0) app.log.info({ versions: db.migrated }, 'database migrated');
  app.decorate('db', db);
  app.addHook('onClose', async () => {
    await db.close();
  });
}, { name: 'axiru-db', fastify: '5.x' });
