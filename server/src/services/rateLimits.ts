// Rate limits: one token bucket per API key (or user) and one per organisation, for the decision
// route and for the admin API separately. A request takes one token from its key's bucket and
// one from its organisation's; when either is empty it is refused with 429 before anything
// else runs, so a refused decision request has no decision and no intent.

export const LIMIT_NAMES = ['decision_per_key', 'decision_per_org', 'admin_per_key', 'admin_per_org'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface Limit {
  /** Tokens added per second: the sustained request rate. */
  readonly rate_per_second: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  readonly burst: number;
}

export type RateLimits = Readonly<Record<LimitName, Limit>>;

/** The server's defaults (server/README.md, "Limits and failure behaviour"); AXIRU_RATE_LIMITS overrides them. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  decision_per_key: { rate_per_second: 1000, burst: 2000 },
  decision_per_org: { rate_per_second: 2000, burst: 4000 },
  admin_per_key: { rate_per_second: 50, burst: 100 },
  admin_per_org: { rate_per_second: 100, burst: 200 },
};

/** An organisation may set each limit up to this multiple of the server's default. */
export const ORG_LIMIT_CEILING = 10;

export class RateLimitsError extends Error {
  override readonly name = 'RateLimitsError';

  constructor(message: string, readonly field: string) {
    super(message);
  }
}

/**
 * Checks a partial set of limits (`{ "decision_per_key": { "rate_per_second": 50, "burst": 100 } }`);
 * every mistake names the field. `ceiling` bounds each value (per limit), when given.
 */
export function parseLimits(value: unknown, where: string, ceiling?: RateLimits): Partial<Record<LimitName, Limit>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RateLimitsError(`${where} must be an object with any of ${LIMIT_NAMES.join(', ')}`, where);
  }
  const out: Partial<Record<LimitName, Limit>> = {};
  for (const [name, limit] of Object.entries(value)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new RateLimitsError(`${where}: unknown limit "${name}"; known: ${LIMIT_NAMES.join(', ')}`, name);
    }
    if (typeof limit !== 'object' || limit === null || Array.isArray(limit)) {
      throw new RateLimitsError(`${name} must be an object { "rate_per_second": number, "burst": integer }`, name);
    }
    const keys = Object.keys(limit);
    const extra = keys.find((key) => key !== 'rate_per_second' && key !== 'burst');
    if (extra !== undefined) throw new RateLimitsError(`${name}: unknown member "${extra}"; a limit has rate_per_second and burst`, `${name}.${extra}`);
    const { rate_per_second: rate, burst } = limit as { rate_per_second?: unknown; burst?: unknown };
    const max = ceiling?.[name as LimitName];
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0.01 || (max !== undefined && rate > max.rate_per_second)) {
      throw new RateLimitsError(`${name}.rate_per_second must be a number from 0.01 to ${max?.rate_per_second ?? 'any'} (requests per second)`, `${name}.rate_per_second`);
    }
    if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1 || (max !== undefined && burst > max.burst)) {
      throw new RateLimitsError(`${name}.burst must be an integer from 1 to ${max?.burst ?? 'any'} (requests at once)`, `${name}.burst`);
    }
    out[name as LimitName] = { rate_per_second: rate, burst };
  }
  return out;
}

/** The ceiling each organisation's limits are checked against. */
export function ceilingOf(defaults: RateLimits): RateLimits {
  const scale = (limit: Limit): Limit => ({ rate_per_second: limit.rate_per_second * ORG_LIMIT_CEILING, burst: limit.burst * ORG_LIMIT_CEILING });
  return {
    decision_per_key: scale(defaults.decision_per_key),
    decision_per_org: scale(defaults.decision_per_org),
    admin_per_key: scale(defaults.admin_per_key),
    admin_per_org: scale(defaults.admin_per_org),
  };
}

/** A token bucket on a monotonic clock (milliseconds), so a wall-clock step changes nothing. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private limit: Limit, now: number) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Follows a changed limit, keeping the tokens it has (at most the new burst). */
  setLimit(limit: Limit): void {
    this.limit = limit;
    this.tokens = Math.min(this.tokens, limit.burst);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rate_per_second);
    this.last = now;
  }

  /** Seconds until one token is there (0: one is there now). */
  wait(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.limit.rate_per_second;
  }

  take(): void {
    this.tokens -= 1;
  }

  /** Full again: a bucket that need not be kept. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }
}

export type RouteClass = 'decision' | 'admin';

export interface Refusal {
  readonly scope: 'key' | 'org';
  /** Whole seconds until a retry can succeed (at least 1), for Retry-After. */
  readonly retryAfterSeconds: number;
}

/** Buckets beyond this many trigger a sweep of the full (idle) ones, so memory stays bounded. */
const SWEEP_AT = 10_000;

/** Every bucket of the server, created on first use. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Takes a token from the key's and the organisation's bucket of `routeClass`, or neither:
   * null when admitted, else which bucket was empty and when to retry.
   */
  admit(routeClass: RouteClass, orgId: string, keyId: string, limits: RateLimits): Refusal | null {
    const now = this.now();
    const keyBucket = this.bucket(`${routeClass}\u0000key\u0000${keyId}`, limits[`${routeClass}_per_key`], now);
    const orgBucket = this.bucket(`${routeClass}\u0000org\u0000${orgId}`, limits[`${routeClass}_per_org`], now);
    const keyWait = keyBucket.wait(now);
    if (keyWait > 0) return { scope: 'key', retryAfterSeconds: Math.max(1, Math.ceil(keyWait)) };
    const orgWait = orgBucket.wait(now);
    if (orgWait > 0) return { scope: 'org', retryAfterSeconds: Math.max(1, Math.ceil(orgWait)) };
    keyBucket.take();
    orgBucket.take();
    return null;
  }

  get size(): number {
    return this.buckets.size;
  }

  private bucket(id: string, limit: Limit, now: number): TokenBucket {
    let bucket = this.buckets.get(id);
    if (bucket) {
      bucket.setLimit(limit);
      return bucket;
    }
    if (this.buckets.size >= SWEEP_AT) this.sweep(now);
    bucket = new TokenBucket(limit, now);
    this.buckets.set(id, bucket);
    return bucket;
  }

  /** A full bucket holds nothing a new one would not: dropping it changes no answer. */
  private sweep(now: number): void {
    for (const [id, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(id);
  }
}
