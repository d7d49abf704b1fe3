import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ApiError } from '../errors.js';

export interface AxiruMetrics {
  readonly registry: Registry;
  readonly decisionDuration: Histogram<'status'>;
  readonly decisions: Counter<'outcome' | 'source'>;
  readonly batchSize: Histogram;
  readonly batchDuration: Histogram;
  /** Approval messages to people, by channel (slack, email) and result (sent, failed). */
  readonly notifications: Counter<'channel' | 'result'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AxiruMetrics;
  }
}

export interface MetricsPluginOptions {
  /** When set, GET /metrics needs "Authorization: Bearer <token>". */
  readonly token?: string | undefined;
}

/**
 * Prometheus metrics on a registry of this app's own (so several apps in one process, as in
 * tests, never collide). The ledger size is read from the store at scrape time.
 */
export const metricsPlugin = fp<MetricsPluginOptions>(async (app, options) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'axiru_process_' });
  const metrics: AxiruMetrics = {
    registry,
    decisionDuration: new Histogram({
      name: 'axiru_decision_duration_seconds',
      help: 'POST /api/decision latency from request start to response, by HTTP status',
      labelNames: ['status'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'axiru_decisions_total',
      help: 'Decisions sealed, by outcome and source',
      labelNames: ['outcome', 'source'],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'axiru_group_commit_batch_size',
      help: 'Decisions per group-commit transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'axiru_group_commit_duration_seconds',
      help: 'Time to seal and durably commit one batch',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'axiru_notifications_total',
      help: 'Approval messages to people, by channel (slack, email) and result (sent, failed)',
      labelNames: ['channel', 'result'],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'axiru_ledger_records',
    help: 'Records in the ledger, all organisations',
    registers: [registry],
    collect: async function collect(this: Gauge) {
      this.set(await app.store.ledger.size());
    },
  });
  new Gauge({
    name: 'axiru_wal_checkpoints',
    help: 'Background WAL checkpoints run since start, by trigger (idle writer or WAL size)',
    labelNames: ['reason'],
    registers: [registry],
    collect: function collect(this: Gauge<'reason'>) {
      for (const [reason, count] of Object.entries(app.db?.checkpoints ?? {})) this.set({ reason }, count);
    },
  });
  if (app.postgres) {
    const postgres = app.postgres;
    new Gauge<'state'>({
      name: 'axiru_db_pool_connections',
      help: 'PostgreSQL pool of this server: max (its size), busy (held by a transaction), idle (the rest)',
      labelNames: ['state'],
      registers: [registry],
      collect: function collect(this: Gauge<'state'>) {
        const pool = postgres.poolStats();
        this.set({ state: 'max' }, pool.max);
        this.set({ state: 'busy' }, pool.busy);
        this.set({ state: 'idle' }, Math.max(0, pool.max - pool.busy));
      },
    });
    new Gauge({
      name: 'axiru_db_pool_waiting',
      help: 'Transactions of this server waiting for a PostgreSQL connection (the pool is exhausted while above 0)',
      registers: [registry],
      collect: function collect(this: Gauge) {
        this.set(postgres.poolStats().waiting);
      },
    });
  }
  app.decorate('metrics', metrics);

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false },
  }, async (request, reply) => {
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      throw new ApiError(401, 'unauthorized', 'GET /metrics needs "Authorization: Bearer <AXIRU_METRICS_TOKEN>".');
    }
    reply.type(registry.contentType);
    return registry.metrics();
  });
}, { name: 'axiru-metrics', fastify: '5.x', dependencies: ['axiru-db', 'axiru-repositories'] });
