import fp from 'fastify-plugin';
import { DecisionService, IDEMPOTENCY_TTL_MS } from '../services/DecisionService.js';
import { PolicyCache } from '../services/PolicyCache.js';
import { PolicyService } from '../services/PolicyService.js';

declare module 'fastify' {
  interface FastifyInstance {
    decisions: DecisionService;
    policies: PolicyService;
  }
}

export interface ServicesPluginOptions {
  /** Most decisions sealed in one transaction. */
  readonly maxBatch: number;
  readonly clock?: (() => Date) | undefined;
}

export const servicesPlugin = fp<ServicesPluginOptions>(async (app, options) => {
  const cache = new PolicyCache();
  const clock = options.clock ?? (() => new Date());
  const decisions = new DecisionService(app.store, cache, {
    maxBatch: options.maxBatch,
    clock,
    onBatch: (size, seconds, failed) => {
      app.metrics.batchSize.observe(size);
      app.metrics.batchDuration.observe(seconds);
      if (failed) app.log.error({ size }, 'a decision batch failed to commit; its requests got 503');
    },
    onStorageError: (error) => app.log.error({ err: error }, 'sealing failed'),
  });
  app.decorate('decisions', decisions);
  app.decorate('policies', new PolicyService(app.store, cache, clock));
  // Idempotency keys are only honoured for 24 hours; older rows are deleted hourly.
  const purge = setInterval(() => {
    const before = clock().getTime() - IDEMPOTENCY_TTL_MS;
    app.store.transaction((tx) => tx.idempotency.purge(before)).then(
      (deleted) => { if (deleted > 0) app.log.info({ deleted }, 'expired idempotency keys purged'); },
      (error: unknown) => app.log.warn({ err: error }, 'purging idempotency keys failed'),
    );
  }, 3_600_000);
  purge.unref();
  // Runs before the store closes (onClose hooks run in reverse order of registration).
  app.addHook('onClose', async () => {
    clearInterval(purge);
    await decisions.drain();
  });
}, { name: 'axiru-services', fastify: '5.x', dependencies: ['axiru-repositories', 'axiru-metrics'] });
