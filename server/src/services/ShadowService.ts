import type { JsonValue, Outcome } from '@axiru/runtime';
import { ApiError, notFound } from '../errors.js';
import { ChainAppender } from '../ledger/ChainAppender.js';
import type { Repositories, ShadowDecisionRow, ShadowGroupRow, Store, StoredPolicy } from '../repositories/types.js';
import { addAmount, sortedAmounts, transitionText, type Amounts } from './amounts.js';
import { listsAsDecided, trafficImpact, type Impact } from './policyImpact.js';
import type { PolicyCache } from './PolicyCache.js';
import { modeOf } from './shadowEvaluation.js';
import { requirePolicyLists } from './PolicyService.js';

/** Every shadow costs one evaluation per decision; this bounds a decision's latency. */
export const MAX_SHADOWS = 20;

/** How the diff names the `otherwise` / `on missing` verdict, which has no rule name. */
export const DEFAULT_RULE = 'otherwise';

export interface Window {
  readonly sinceMs: number;
  readonly untilMs: number;
}

export interface ShadowChange {
  readonly policy_version: string;
  readonly shadow: boolean;
  /** Set when the version was already in the requested state (nothing sealed). */
  readonly changed: boolean;
  readonly at: string;
}

export interface Diff {
  readonly policy_version: string;
  readonly live_policy_version: string | null;
  readonly since: string;
  readonly until: string;
  readonly compared: number;
  readonly differing: number;
  readonly transitions: Array<{ from: Outcome; to: Outcome; count: number; amounts: Amounts; text: string }>;
  readonly rules: Array<{ rule: string; side: 'live' | 'shadow'; count: number; amounts: Amounts }>;
  readonly intents: { readonly data: DiffIntent[]; readonly next_cursor: string | null };
}

export interface DiffIntent {
  readonly intent_id: string;
  readonly received_at: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly live: { readonly outcome: string; readonly matched_rule: string | null };
  readonly shadow: { readonly outcome: string; readonly matched_rule: string | null };
}

export type PromoteResult =
  | { readonly promoted: false; readonly impact: Impact }
  | { readonly promoted: true; readonly live_policy_version: string; readonly previous_policy_version: string | null; readonly impact: Impact };

/** Group rows (one per currency) merged per key, largest count first. */
function mergeGroups<K>(rows: readonly ShadowGroupRow[], keyOf: (row: ShadowGroupRow) => K, id: (key: K) => string) {
  const merged = new Map<string, { key: K; count: number; amounts: Amounts }>();
  for (const row of rows) {
    const key = keyOf(row);
    let group = merged.get(id(key));
    if (!group) {
      group = { key, count: 0, amounts: {} };
      merged.set(id(key), group);
    }
    group.count += Number(row.count);
    addAmount(group.amounts, row.currency, Number(row.amount));
  }
  return [...merged.values()]
    .sort((a, b) => b.count - a.count || (id(a.key) < id(b.key) ? -1 : id(a.key) > id(b.key) ? 1 : 0))
    .map((group) => ({ key: group.key, count: group.count, amounts: sortedAmounts(group.amounts) }));
}

function diffIntent(row: ShadowDecisionRow): DiffIntent {
  return {
    intent_id: row.intent_id,
    received_at: new Date(row.received_ms).toISOString(),
    amount_cents: row.amount_cents,
    currency: row.currency,
    live: { outcome: row.live_outcome, matched_rule: row.live_rule },
    shadow: { outcome: row.outcome, matched_rule: row.matched_rule },
  };
}

/**
 * Shadow policies: starting and stopping them, comparing one with the live policy over the
 * traffic it saw, and promoting one to live after showing what it would change.
 */
export class ShadowService {
  constructor(
    private readonly store: Store,
    private readonly cache: PolicyCache,
    private readonly clock: () => Date,
  ) {}

  async start(orgId: string, version: number, actor: string): Promise<ShadowChange> {
    return this.inChain(async (tx, chain) => {
      const policy = await this.published(tx, orgId, version);
      const org = await tx.organisations.get(orgId);
      if (org?.live_policy_version === version) {
        throw new ApiError(409, 'policy_is_live', `v${version} is the live policy; a shadow runs beside the live one, so pick another version.`, 'version');
      }
      const running = await tx.shadows.running(orgId);
      const already = running.find((row) => row.version === version);
      if (already) return { policy_version: `v${version}`, shadow: true, changed: false, at: already.started_at };
      await requirePolicyLists(tx, orgId, policy);
      if (running.length >= MAX_SHADOWS) {
        throw new ApiError(409, 'too_many_shadows',
          `An organisation can run at most ${MAX_SHADOWS} shadow policies at once; stop one first (DELETE /api/policies/{version}/shadow).`, 'version');
      }
      const at = this.clock().toISOString();
      const record = await chain.append({
        org_id: orgId, kind: 'policy', intent_id: null, time: at, actor,
        body: { action: 'shadow_start', policy: policy.name, policy_version: `v${version}`, ir_hash: policy.ir_hash },
      });
      await tx.shadows.start({
        org_id: orgId, version, started_seq: record.seq, started_at: at, started_by: actor,
        stopped_seq: null, stopped_at: null, stopped_by: null,
      });
      await tx.shadows.setRunning(orgId, [...running.map((row) => row.version), version]);
      return { policy_version: `v${version}`, shadow: true, changed: true, at };
    });
  }

  async stop(orgId: string, version: number, actor: string): Promise<ShadowChange> {
    return this.inChain(async (tx, chain) => {
      const policy = await this.published(tx, orgId, version);
      const running = await tx.shadows.running(orgId);
      if (!running.some((row) => row.version === version)) {
        throw new ApiError(409, 'not_shadow', `v${version} is not running as a shadow policy.`, 'version');
      }
      const at = this.clock().toISOString();
      const record = await chain.append({
        org_id: orgId, kind: 'policy', intent_id: null, time: at, actor,
        body: { action: 'shadow_stop', policy: policy.name, policy_version: `v${version}`, ir_hash: policy.ir_hash },
      });
      await tx.shadows.stop(orgId, version, record.seq, at, actor);
      await tx.shadows.setRunning(orgId, running.map((row) => row.version).filter((v) => v !== version));
      return { policy_version: `v${version}`, shadow: false, changed: true, at };
    });
  }

  /** Running shadow versions of an organisation (for the policy list). */
  async runningVersions(orgId: string): Promise<ReadonlySet<number>> {
    return new Set((await this.store.shadows.running(orgId)).map((row) => row.version));
  }

  async diff(orgId: string, version: number, window: Window, limit: number, beforeSeq: number | null): Promise<Diff & { lastSeq: number | null }> {
    const { store } = this;
    await this.published(store, orgId, version);
    const org = await store.organisations.get(orgId);
    const { sinceMs, untilMs } = window;
    const counts = await store.shadows.counts(orgId, version, sinceMs, untilMs);
    const transitions = mergeGroups(await store.shadows.transitions(orgId, version, sinceMs, untilMs),
      (row) => ({ from: row.key_from as Outcome, to: row.key_to as Outcome }), (key) => `${key.from} ${key.to}`)
      .map(({ key, count, amounts }) => ({ from: key.from, to: key.to, count, amounts, text: transitionText(key.from, key.to, count, amounts) }));
    const rules = [];
    for (const side of ['live', 'shadow'] as const) {
      const groups = mergeGroups(await store.shadows.rules(orgId, version, sinceMs, untilMs, side),
        (row) => row.key_from ?? DEFAULT_RULE, (key) => key);
      rules.push(...groups.map(({ key, count, amounts }) => ({ rule: key, side, count, amounts })));
    }
    const rows = await store.shadows.differing(orgId, version, sinceMs, untilMs, beforeSeq, limit + 1);
    const page = rows.slice(0, limit);
    return {
      policy_version: `v${version}`,
      live_policy_version: org?.live_policy_version == null ? null : `v${org.live_policy_version}`,
      since: new Date(sinceMs).toISOString(),
      until: new Date(untilMs).toISOString(),
      compared: counts.compared,
      differing: counts.differing,
      transitions,
      rules,
      intents: { data: page.map(diffIntent), next_cursor: null },
      lastSeq: rows.length > limit ? (page[page.length - 1]?.seq ?? null) : null,
    };
  }

  async promote(
    orgId: string, version: number, actor: string, options: { confirm: boolean; reason: string | null; window: Window },
  ): Promise<PromoteResult> {
    const policy = await this.published(this.store, orgId, version);
    const org = await this.store.organisations.get(orgId);
    if (org?.live_policy_version === version) throw alreadyLive(version);
    const candidate = await this.cache.byVersion(this.store, orgId, version);
    if (!candidate) throw notFound('policy version', 'version');
    const listNames = candidate?.ir.lists ?? [];
    const lists = await listsAsDecided(this.store, orgId, listNames);
    const impact = await trafficImpact(this.store, {
      orgId, sinceMs: options.window.sinceMs, untilMs: options.window.untilMs, kind: 'promote', policy: candidate, mode: modeOf(org),
      ...(lists ? { lists } : {}),
    });
    if (!options.confirm) return { promoted: false, impact };
    return this.inChain(async (tx, chain) => {
      const current = await tx.organisations.get(orgId);
      if (!current) throw notFound('policy version', 'version');
      if (current.live_policy_version === version) throw alreadyLive(version);
      const previous = current.live_policy_version;
      await requirePolicyLists(tx, orgId, policy);
      await tx.organisations.setLivePolicy(orgId, version);
      const record = await chain.append({
        org_id: orgId, kind: 'policy', intent_id: null, time: this.clock().toISOString(), actor,
        body: {
          action: 'promote',
          policy: policy.name,
          policy_version: `v${version}`,
          ir_hash: policy.ir_hash,
          previous_version: previous === null ? null : `v${previous}`,
          reason: options.reason,
          impact: sealedImpact(impact),
        },
      });
      // A promoted shadow stops being one in the same transaction: it now decides.
      const running = await tx.shadows.running(orgId);
      if (running.some((row) => row.version === version)) {
        await tx.shadows.stop(orgId, version, record.seq, record.time, actor);
        await tx.shadows.setRunning(orgId, running.map((row) => row.version).filter((v) => v !== version));
      }
      return {
        promoted: true as const,
        live_policy_version: `v${version}`,
        previous_policy_version: previous === null ? null : `v${previous}`,
        impact,
      };
    });
  }

  private async published(repos: Repositories, orgId: string, version: number): Promise<StoredPolicy> {
    const policy = await repos.policies.get(orgId, version);
    if (!policy) throw notFound('policy version', 'version');
    return policy;
  }

  private inChain<T>(work: (tx: Repositories, chain: ChainAppender) => Promise<T>): Promise<T> {
    return this.store.transaction(async (tx) => {
      const chain = new ChainAppender(tx);
      const result = await work(tx, chain);
      await chain.finish();
      return result;
    });
  }
}

function alreadyLive(version: number): ApiError {
  return new ApiError(409, 'already_live', `v${version} is already the live policy.`, 'version');
}

/** The impact as sealed in the ledger: the numbers, without the prose. */
export function sealedImpact(impact: Impact): JsonValue {
  return {
    since: impact.since,
    until: impact.until,
    evaluated: impact.evaluated,
    changes: impact.changes.map((change) => ({ from: change.from, to: change.to, count: change.count, amounts: change.amounts })),
  };
}
