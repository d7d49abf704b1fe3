import fp from 'fastify-plugin';
import { ExportDeliverer } from './ExportDeliverer.js';
import { registerExportMetrics } from './exportMetrics.js';
import { ExportService } from './ExportService.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Export sinks: create, list with their positions, delete, apply the config file. */
    exportSinks: ExportService;
    /** Sends ledger records to the sinks. */
    exportDeliverer: ExportDeliverer;
  }
}

export interface ExportsPluginOptions {
  /** How often sinks are looked at for new records, in ms (default 1000; 0: only by hand). */
  readonly pollMs?: number | undefined;
  /** First retry delay in ms, doubling after each failure (default 1000). */
  readonly retryBaseMs?: number | undefined;
}

export const exportsPlugin = fp<ExportsPluginOptions>(async (app, options) => {
  const sinks = new ExportService(app.store, app.clock);
  app.decorate('exportSinks', sinks);
  registerExportMetrics(app.metrics.registry, sinks);
  const deliverer = new ExportDeliverer(app.store, {
    clock: app.clock,
    ...(options.retryBaseMs !== undefined ? { baseDelayMs: options.retryBaseMs } : {}),
    onError: (error, sinkId) => app.log.warn({ err: error, sink: sinkId }, 'export delivery failed; it will be retried'),
    leases: app.leases,
  });
  app.decorate('exportDeliverer', deliverer);
  app.addHook('onReady', async () => {
    deliverer.start(options.pollMs ?? 1000);
  });
  // Runs before the store closes (onClose hooks run in reverse order of registration).
  app.addHook('onClose', async () => {
    await deliverer.stop();
  });
}, { name: 'axiru-exports', fastify: '5.x', dependencies: ['axiru-repositories', 'axiru-services', 'axiru-metrics', 'axiru-leases'] });
