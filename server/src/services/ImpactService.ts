import type { PolicyImpactReport } from '@axiru/runtime';
import { ApiError } from '../errors.js';
import type { Store } from '../repositories/types.js';
import { candidateImpact, listsAsDecided } from './policyImpact.js';
import type { PolicyCache } from './PolicyCache.js';
import { compilePolicy } from './PolicyService.js';
import type { TrafficSource } from './sealedTraffic.js';

const DAY_MS = 86_400_000;

export interface ImpactRequest {
  readonly source: string;
  readonly days: number;
  /** A published version (3 for v3), or null for the live one. */
  readonly against: number | null;
}

export type ImpactAnswer = PolicyImpactReport;

/**
 * What an unpublished policy would have decided over the organisation's recent sealed decisions.
 * Nothing is published or sealed: the policy is compiled, evaluated and forgotten.
 */
export class ImpactService {
  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly traffic: TrafficSource,
    private readonly clock: () => Date,
  ) {}

  async impact(orgId: string, request: ImpactRequest): Promise<ImpactAnswer> {
    const compiled = compilePolicy(request.source);
    const untilMs = this.clock().getTime();
    const sinceMs = untilMs - request.days * DAY_MS;
    let version = request.against;
    if (version === null) version = (await this.store.organisations.get(orgId))?.live_policy_version ?? null;
    const against = version === null ? null : await this.cache.byVersion(this.store, orgId, version);
    if (version !== null && !against) {
      throw new ApiError(404, 'not_found', `No published policy version v${version}; "against" must name a published version such as v3.`, 'against');
    }
    // Policies that read lists see each past refund's lists at the versions its decision sealed.
    const names = [...new Set([...(compiled.loaded.ir.lists ?? []), ...(against?.ir.lists ?? [])])];
    const lists = await listsAsDecided(this.store, orgId, names);
    const impact = await candidateImpact(this.store, {
      orgId, sinceMs, untilMs, candidate: compiled.loaded, against, ...(lists ? { lists } : {}),
    }, this.traffic);
    return {
      window: { days: request.days, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString() },
      against: against ? { version: against.policyVersion, ir_hash: against.hash } : null,
      candidate: { ir_hash: compiled.loaded.hash },
      ...impact,
    };
  }
}
