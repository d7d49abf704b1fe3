import { ApiError } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import type { JsonValue } from '@axiru/runtime';
import type { OrgMode, Repositories, Store } from '../repositories/types.js';
import { trafficImpact, type Impact } from './policyImpact.js';
import type { PolicyCache } from './PolicyCache.js';
import { modeOf } from './shadowEvaluation.js';
import { sealedImpact, type Window } from './ShadowService.js';

/** Sets the mode and seals the change, inside an open transaction. */
export async function sealModeChange(
  tx: Repositories, orgId: string, change: { mode: OrgMode; previous: OrgMode; actor: string; reason: string; time: string; impact?: JsonValue },
): Promise<void> {
  const chain = new ChainAppender(tx);
  await tx.organisations.setMode(orgId, change.mode);
  await chain.append({
    org_id: orgId, kind: 'org', intent_id: null, time: change.time, actor: change.actor,
    body: {
      action: 'mode', mode: change.mode, previous_mode: change.previous, reason: change.reason,
      ...(change.impact === undefined ? {} : { impact: change.impact }),
    },
  });
  await chain.finish();
}

export interface ModeChange {
  readonly mode: OrgMode;
  readonly changed: boolean;
  readonly impact: Impact;
}

/**
 * The organisation's mode. Like a promote, a switch first answers with what it would change over
 * recent traffic; only a confirmed switch is sealed (actor, old and new mode, reason).
 */
export class OrgModeService {
  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly clock: () => Date,
  ) {}

  async setMode(
    orgId: string, mode: OrgMode, actor: string, options: { reason: string; confirm: boolean; window: Window },
  ): Promise<ModeChange> {
    const org = await this.store.organisations.get(orgId);
    if (!org) throw new ApiError(404, 'not_found', 'No organisation with this id.');
    const current = modeOf(org);
    const since = new Date(options.window.sinceMs).toISOString();
    const until = new Date(options.window.untilMs).toISOString();
    if (current === mode) {
      return {
        mode, changed: false,
        impact: { since, until, evaluated: 0, changes: [], summary: [`The organisation is already in ${mode} mode: nothing changes.`] },
      };
    }
    const policy = org.live_policy_version === null ? null : await this.cache.byVersion(this.store, orgId, org.live_policy_version);
    const impact = await trafficImpact(this.store, {
      orgId, sinceMs: options.window.sinceMs, untilMs: options.window.untilMs, kind: mode, policy, mode: current,
    });
    if (!options.confirm) return { mode: current, changed: false, impact };
    return this.store.transaction(async (tx) => {
      const fresh = await tx.organisations.get(orgId);
      const previous = modeOf(fresh);
      if (previous === mode) return { mode, changed: false, impact };
      await sealModeChange(tx, orgId, {
        mode, previous, actor, reason: options.reason, time: this.clock().toISOString(), impact: sealedImpact(impact),
      });
      return { mode, changed: true, impact };
    });
  }
}
