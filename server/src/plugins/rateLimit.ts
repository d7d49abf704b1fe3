import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { ApiError } from '../errors.js';
import type { RateLimitRepository } from '../repositories/types.js';
import { DEFAULT_RATE_LIMITS, parseLimits, RateLimiter, type RateLimits, type RouteClass } from '../services/rateLimits.js';

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: OrgRateLimits;
  }
}

/** The limits in force for each organisation: server defaults and its stored overrides, cached. */
export class OrgRateLimits {
  private readonly cache = new Map<string, RateLimits>();

  constructor(private readonly repository: () => RateLimitRepository, readonly defaults: RateLimits) {}

  async of(orgId: string): Promise<RateLimits> {
    const cached = this.cache.get(orgId);
    if (cached) return cached;
    const row = await this.repository().get(orgId);
    const limits = { ...this.defaults, ...(row ? parseLimits(JSON.parse(row.limits), 'stored limits') : {}) };
    this.cache.set(orgId, limits);
    return limits;
  }

  /** After a change of the organisation's overrides. */
  forget(orgId: string): void {
    this.cache.delete(orgId);
  }
}

export interface RateLimitPluginOptions {
  /** Server-wide defaults (AXIRU_RATE_LIMITS); DEFAULT_RATE_LIMITS when absent. */
  readonly defaults?: RateLimits | undefined;
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Adds the limiter after each authenticated route's own preValidation (its authentication), so
 * a request is counted against the key and organisation it proved, and refused before its body
 * is validated and before any handler (the decision service among them) runs. Must be
 * registered before the routes.
 */
export const rateLimitPlugin = fp<RateLimitPluginOptions>(async (app, options) => {
  const limits = new OrgRateLimits(() => app.store.rateLimits, options.defaults ?? DEFAULT_RATE_LIMITS);
  app.decorate('rateLimits', limits);
  const limiter = new RateLimiter();
  const refused = new Counter({
    name: 'axiru_rate_limited_total',
    help: 'Requests refused with 429 by a rate limit, by route class (decision, admin) and bucket (key, org)',
    labelNames: ['route', 'scope'],
    registers: [app.metrics.registry],
  });

  const limit = (routeClass: RouteClass): preValidationAsyncHookHandler => async function rateLimit(request: FastifyRequest, reply: FastifyReply) {
    const auth = request.auth;
    if (!auth) return;
    const keyId = auth.key?.id ?? `user:${auth.user?.id ?? 'unknown'}`;
    const refusal = limiter.admit(routeClass, auth.org.id, keyId, await limits.of(auth.org.id));
    if (refusal === null) return;
    refused.inc({ route: routeClass, scope: refusal.scope });
    reply.header('retry-after', String(refusal.retryAfterSeconds));
    throw new ApiError(429, 'rate_limited',
      `Too many requests for this ${refusal.scope === 'key' ? 'key' : 'organisation'} (${routeClass} limit); `
      + `retry after ${refusal.retryAfterSeconds} s. Nothing was recorded.`);
  };
  const decisionLimit = limit('decision');
  const adminLimit = limit('admin');

  app.addHook('onRoute', (route: RouteOptions) => {
    const own = toArray(route.preValidation);
    // Only routes that authenticate (all of them take app.authenticate as preValidation).
    if (own.length === 0 || !route.url.startsWith('/api/')) return;
    const routeClass: RouteClass = route.url === '/api/decision' ? 'decision' : 'admin';
    route.preValidation = [...own, routeClass === 'decision' ? decisionLimit : adminLimit];
  });
}, { name: 'axiru-rate-limit', fastify: '5.x', dependencies: ['axiru-repositories', 'axiru-metrics', 'axiru-auth'] });
