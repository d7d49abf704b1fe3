// `axiru db rebuild`: drops projections and applies every ledger record to them again.

import { CliError, run, withStore } from './cliActions.js';
import type { CliIo } from './cli.js';
import { ProjectionRunner } from './projections/ProjectionRunner.js';
import { PROJECTIONS, projectionNamed } from './projections/projections.js';

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
