import fp from 'fastify-plugin';
import { SqliteDatabase } from '../storage/sqlite/SqliteDatabase.js';
import { PostgresStore } from '../storage/postgres/PostgresStore.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The SQLite database (null on PostgreSQL). */
    db: SqliteDatabase | null;
    /** The PostgreSQL store (null on SQLite). */
    postgres: PostgresStore | null;
  }
}

export interface DbPluginOptions {
  readonly dataDir: string;
  readonly checkpointIntervalMs: number;
  /** PostgreSQL instead of SQLite in dataDir. */
  readonly databaseUrl?: string | undefined;
}

/** The database: opened, migrated, checkpointed in the background (SQLite), closed last. */
export const dbPlugin = fp<DbPluginOptions>(async (app, options) => {
  if (options.databaseUrl !== undefined) {
    const store = await PostgresStore.open({ url: options.databaseUrl, dataDir: options.dataDir });
    if (store.migrated.length > 0) app.log.info({ versions: store.migrated }, 'database migrated');
    app.decorate('db', null);
    app.decorate('postgres', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
    return;
  }
  const db = new SqliteDatabase({
    dataDir: options.dataDir,
    checkpointIntervalMs: options.checkpointIntervalMs,
    checkpointEvents: {
      onError: (message) => app.log.warn({ message }, 'WAL checkpoint failed'),
    },
  });
  if (db.migrated.length > 0) app.log.info({ versions: db.migrated }, 'database migrated');
  app.decorate('db', db);
  app.decorate('postgres', null);
  app.addHook('onClose', async () => {
    await db.close();
  });
}, { name: 'axiru-db', fastify: '5.x' });
