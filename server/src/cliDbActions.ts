// `axiru db rebuild`: drops projections and applies every ledger record to them again.
// `axiru db copy`: a SQLite installation into an empty PostgreSQL database.

import { join } from 'node:path';

import { CliError, run, withStore } from './cliActions.js';
import type { CliIo } from './cli.js';
import { ProjectionRunner } from './projections/ProjectionRunner.js';
import { PROJECTIONS, projectionNamed } from './projections/projections.js';
import { resolveConfig } from './config.js';
import { KEY_FILE } from './secrets/keyEncryptionKey.js';
import { copySqliteToPostgres, CopyRefused } from './storage/postgres/copyFromSqlite.js';
import { redactUrl } from './storage/postgres/openPostgres.js';
import { databaseExists, databaseFile } from './storage/sqlite/SqliteDatabase.js';

export function dbRebuild(io: CliIo, options: { data?: string; projection?: string; batch?: string }): Promise<void> {
  return run(io, async () => {
    const projections = options.projection === undefined ? PROJECTIONS : [projectionNamed(options.projection)];
    if (projections.some((projection) => projection === undefined)) {
      throw new CliError(`--projection: unknown projection "${options.projection}"; known: ${PROJECTIONS.map((p) => p.name).join(', ')}`);
    }
    let batchRecords: number | undefined;
    if (options.batch !== undefined) {
      batchRecords = Number(options.batch);
      if (!/^[1-9][0-9]{0,6}$/.test(options.batch)) throw new CliError('--batch: records per transaction, a whole number from 1 to 9999999');
    }
    await withStore(options, async (store) => {
      const started = performance.now();
      let records = 0;
      const runner = new ProjectionRunner(store, projections.filter((p) => p !== undefined), {
        ...(batchRecords !== undefined ? { batchRecords } : {}),
        onProgress: (read) => { records += read; },
      });
      await runner.rebuild();
      io.out(JSON.stringify({
        rebuilt: projections.map((projection) => projection!.name), records, seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
        lag: await runner.lag(),
      }));
    });
  });
}

/** `axiru db copy --data DIR --database-url URL`: the SQLite installation into an empty PostgreSQL database. */
export function dbCopy(io: CliIo, options: { data?: string; databaseUrl?: string }): Promise<void> {
  return run(io, async () => {
    const { dataDir, databaseUrl } = resolveConfig({ data: options.data, databaseUrl: options.databaseUrl });
    if (databaseUrl === undefined) throw new CliError('--database-url (or AXIRU_DATABASE_URL): the empty PostgreSQL database to copy into');
    if (!databaseExists(dataDir)) throw new CliError(`no Axiru database in ${dataDir} to copy`);
    let report;
    try {
      report = await copySqliteToPostgres(databaseFile(dataDir), databaseUrl);
    } catch (error) {
      if (error instanceof CopyRefused) throw new CliError(error.message);
      throw error;
    }
    io.out(JSON.stringify({ copied: report.tables, chains: report.heads }));
    io.err(`Copied ${dataDir} into ${redactUrl(databaseUrl)}. Every server on it needs the key the secrets are wrapped under: `
      + `AXIRU_SECRETS_KEY set to the contents of ${join(dataDir, KEY_FILE)} (or the AXIRU_SECRETS_KEY this installation used).`);
  });
}
