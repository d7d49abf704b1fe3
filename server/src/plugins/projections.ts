import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import { ProjectionRunner } from '../projections/ProjectionRunner.js';
import { INTENTS } from '../projections/intentsProjection.js';
import type { IntentRow } from '../repositories/types.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Catches the projections up behind the ledger (and rebuilds them). */
    projections: ProjectionRunner;
    /**
     * An intent as the intents view shows it, read-your-writes: a decision sealed and answered
     * but not yet applied to the view is applied first.
     */
    intent(orgId: string, intentId: string): Promise<IntentRow | null>;
  }
}

/** The one route that never waits for a projection. */
const DECISION_ROUTE = '/api/decision';

export interface ProjectionsPluginOptions {
  /** Most records applied per catch-up transaction. */
  readonly batchRecords?: number | undefined;
  /** Milliseconds between a sealed batch and its catch-up. */
  readonly delayMs?: number | undefined;
  /** False: no catch-up after sealed batches or at start (tests of the lagging view). */
  readonly background?: boolean | undefined;
}

export const projectionsPlugin = fp<ProjectionsPluginOptions>(async (app, options) => {
  const runner = new ProjectionRunner(app.store, undefined, {
    ...(options.batchRecords !== undefined ? { batchRecords: options.batchRecords } : {}),
    ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}),
    background: options.background ?? true,
    onError: (error) => app.log.warn({ err: error }, 'catching projections up failed'),
  });
  const background = options.background ?? true;
  app.decorate('projections', runner);
  app.decorate('intent', async (orgId: string, intentId: string): Promise<IntentRow | null> => {
    const row = await app.store.intents.get(orgId, intentId);
    if (row) return row;
    // Every record about an existing intent is applied by its writer; only the decision that
    // creates it may still be waiting, and then the ledger has it.
    if ((await app.store.ledger.byIntent(orgId, intentId)).length === 0) return null;
    await runner.catchUp([orgId]);
    await app.store.refreshReads(true);
    return app.store.intents.get(orgId, intentId);
  });
  // Every request but a decision sees every acknowledged record: one for an organisation whose
  // views are behind its chain (decisions sealed in the last few milliseconds) catches them up
  // first. The decision path never waits for the views; anything else waits at most for one
  // catch-up, and reads (the intents list, numbers, diffs, impact) stay exact.
  app.addHook('preHandler', async (request) => {
    if (!request.auth || request.routeOptions.url === DECISION_ROUTE) return;
    const orgId = request.auth.org.id;
    const head = await app.store.ledger.head(orgId);
    if (head === null || (await app.store.projections.cursor(INTENTS, orgId)) >= head.seq) return;
    try {
      await runner.catchUp([orgId]);
    } catch (error) {
      // A record the fold cannot read (an edited ledger, which `axiru audit verify` names):
      // answer from the view as it is rather than not at all.
      request.log.error({ err: error }, 'catching the projections up failed');
      return;
    }
    await app.store.refreshReads(true);
  });
  new Gauge({
    name: 'axiru_projection_lag_records',
    help: 'Ledger records not yet applied to a projection (summed over organisations)',
    labelNames: ['projection'],
    registers: [app.metrics.registry],
    collect: async function collect(this: Gauge<'projection'>) {
      for (const [projection, lag] of Object.entries(await runner.lag())) this.set({ projection }, lag);
    },
  });
  // What a crash or an interrupted rebuild left behind is completed now, in the background.
  if (background) {
    app.addHook('onReady', async () => {
      void runner.catchUp().catch((error: unknown) => app.log.warn({ err: error }, 'catching projections up failed'));
    });
  }
  app.addHook('onClose', async () => {
    await runner.stop();
  });
}, { name: 'axiru-projections', fastify: '5.x', dependencies: ['axiru-repositories', 'axiru-metrics'] });
