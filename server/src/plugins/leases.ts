import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { LEASE_JOBS, LEASE_MS_ENV, Leases, leaseMsFromEnv, type LeaseJob } from '../services/leases.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This server's leases on background work shared with the other servers of its database. */
    leases: Leases;
  }
}

export interface LeasesPluginOptions {
  /** Lease length in ms (default: AXIRU_LEASE_MS, else 60 000). */
  readonly leaseMs?: number | undefined;
}

/** The leases and their gauges in /metrics: held now and taken over, by job. */
export const leasesPlugin = fp<LeasesPluginOptions>(async (app, options) => {
  const takeovers = new Counter<'job'>({
    name: 'axiru_lease_takeovers_total',
    help: 'Leases this server took over from a server that stopped renewing them (it died or hung), by job',
    labelNames: ['job'],
    registers: [app.metrics.registry],
  });
  const leases = new Leases(app.store, {
    leaseMs: options.leaseMs ?? leaseMsFromEnv(process.env[LEASE_MS_ENV]),
    onTakeover: (job: LeaseJob) => {
      takeovers.inc({ job });
      app.log.warn({ job }, 'took over work whose lease ran out (its server stopped renewing it)');
    },
  });
  for (const job of LEASE_JOBS) takeovers.inc({ job }, 0);
  new Gauge<'job'>({
    name: 'axiru_leases_held',
    help: 'Leases on background work this server holds now, by job',
    labelNames: ['job'],
    registers: [app.metrics.registry],
    collect: function collect(this: Gauge<'job'>) {
      for (const job of LEASE_JOBS) this.set({ job }, leases.heldCount(job));
    },
  });
  app.decorate('leases', leases);
}, { name: 'axiru-leases', fastify: '5.x', dependencies: ['axiru-repositories', 'axiru-metrics'] });
