// The policy part of sealing one decision: the facts every policy involved needs (the live one
// and each running shadow), computed once; the live decision and each shadow decision on the same
// input and facts; and what the caller is told, which in observe mode is not what the policy said.

import type { Decision, FactIR, LoadedPolicy, Outcome } from '@axiru/runtime';
import type { Organisation, OrgMode, Repositories } from '../repositories/types.js';
import { computeFacts, computeLocalFacts, SEALED_BEFORE, type Facts } from './computeFacts.js';
import type { DecisionRequest } from './decisionRequest.js';
import type { PolicyCache } from './PolicyCache.js';

/** A shadow policy's decision as the API returns and the ledger records it. */
export interface ShadowDecisionView {
  readonly policy_version: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
  readonly approver_roles: readonly string[] | null;
  readonly approvals_required: number | null;
  readonly matched_rules: readonly string[];
  readonly missing_fields: readonly string[];
}

/** A decision as the API returns and the ledger records it: plain copies of the runtime's frozen arrays. */
export function plainDecision(decision: Decision): Decision {
  return {
    outcome: decision.outcome,
    reason: decision.reason,
    policy_version: decision.policy_version,
    matched_rule: decision.matched_rule,
    approver_role: decision.approver_role,
    approver_roles: decision.approver_roles === null ? null : [...decision.approver_roles],
    approvals_required: decision.approvals_required,
    matched_rules: [...decision.matched_rules],
    missing_fields: [...decision.missing_fields],
  };
}

export function shadowDecisionView(decision: Decision): ShadowDecisionView {
  // The version first: a shadow decision is looked up by it.
  const { policy_version, ...rest } = plainDecision(decision);
  return { policy_version, ...rest };
}

const NO_VERSIONS: readonly number[] = [];
const parsedSets = new Map<string, readonly number[]>();

/** The running shadow versions named by the organisation row (parsed once per distinct text). */
export function shadowVersionsOf(org: Organisation | null): readonly number[] {
  const text = org?.shadow_versions;
  if (text === undefined || text === '[]') return NO_VERSIONS;
  let versions = parsedSets.get(text);
  if (!versions) {
    const parsed = JSON.parse(text) as unknown;
    versions = Array.isArray(parsed) ? parsed.filter((v): v is number => Number.isSafeInteger(v)) : NO_VERSIONS;
    if (parsedSets.size > 10_000) parsedSets.clear();
    parsedSets.set(text, versions);
  }
  return versions;
}

export function modeOf(org: Organisation | null): OrgMode {
  return org?.mode === 'observe' ? 'observe' : 'enforce';
}

/**
 * The loaded shadow policies of an organisation. The set comes from the organisation row read in
 * the caller's transaction; the policies come from the cache of immutable compiled versions, so
 * an organisation without shadows costs nothing and one with shadows costs no query once warm.
 */
export async function loadShadowPolicies(
  tx: Repositories, cache: PolicyCache, org: Organisation | null,
): Promise<readonly LoadedPolicy[]> {
  const versions = shadowVersionsOf(org);
  if (!org || versions.length === 0) return [];
  const loaded: LoadedPolicy[] = [];
  for (const version of versions) {
    // The live version never shadows itself (promote stops its shadow in the same transaction).
    if (version === org.live_policy_version) continue;
    const policy = await cache.byVersion(tx, org.id, version);
    if (policy) loaded.push(policy);
  }
  return loaded;
}

/** The facts of every policy, each name once (a fact's name fixes its meaning, window included). */
export function unionFacts(policies: readonly LoadedPolicy[]): readonly FactIR[] {
  if (policies.length === 1) return policies[0]!.ir.facts;
  const byName = new Map<string, FactIR>();
  for (const policy of policies) for (const fact of policy.ir.facts) byName.set(fact.name, fact);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface Evaluation {
  readonly facts: Facts;
  /**
   * The local time and weekday of each shadow policy whose time zone differs from the live
   * policy's, by its version (`v3`): sealed beside `facts` so its replay is exact too.
   */
  readonly shadowFacts?: Readonly<Record<string, Facts>>;
  /** The live policy's own decision. */
  readonly decision: Decision;
  /** Each shadow's decision, in the organisation's order; null when there are no shadows. */
  readonly shadow: readonly ShadowDecisionView[] | null;
}

/** Evaluates the live policy and every shadow on one input; may throw only if decide() does. */
export async function evaluatePolicies(
  tx: Repositories, orgId: string, live: LoadedPolicy, shadows: readonly LoadedPolicy[],
  request: DecisionRequest, receivedMs: number, lists: ListsInput | null = null,
): Promise<Evaluation> {
  const needed = shadows.length === 0 ? live.ir.facts : unionFacts([live, ...shadows]);
  const zone = timeZoneOf(live);
  const facts = await computeFacts(tx.intents, orgId, needed, request, receivedMs, zone, SEALED_BEFORE);
  const input = lists === null ? { ...request, ...facts } : { ...request, ...facts, lists };
  const decision = live.decide(input);
  if (shadows.length === 0) return { facts, decision, shadow: null };
  const shadowFacts: Record<string, Facts> = {};
  const shadow = shadows.map((policy) => {
    const own = localFactsInOwnZone(policy, zone, receivedMs);
    if (own === null) return shadowDecisionView(policy.decide(input));
    shadowFacts[policy.policyVersion] = own;
    return shadowDecisionView(policy.decide({ ...input, ...own }));
  });
  return Object.keys(shadowFacts).length === 0 ? { facts, decision, shadow } : { facts, decision, shadow, shadowFacts };
}

/** The organisation's lists a decision reads, by name (a Set per list version: O(1) membership). */
export type ListsInput = Readonly<Record<string, ReadonlySet<string>>>;

/** The zone of a policy's `local time` and `weekday` (IR version 1 has none: UTC). */
export function timeZoneOf(policy: LoadedPolicy): string {
  return policy.ir.timezone ?? 'UTC';
}

/** A shadow's own local time and weekday when it reads them in another zone than the live policy's. */
function localFactsInOwnZone(policy: LoadedPolicy, liveZone: string, receivedMs: number): Facts | null {
  if (timeZoneOf(policy) === liveZone) return null;
  const local = policy.ir.facts.filter((fact) => fact.kind === 'local_time' || fact.kind === 'weekday');
  if (local.length === 0) return null;
  return computeLocalFacts(local, receivedMs, timeZoneOf(policy));
}

const WOULD: Record<Outcome, string> = {
  allow: 'allow it',
  flag: 'allow it with a flag',
  pending_approval: 'hold it for approval',
  block: 'block it',
};

/** The reason an observe-mode caller reads: the refund goes through, and what the policy said. */
export function observeReason(decision: Decision): string {
  return `Observe mode: not enforced. The policy would ${WOULD[decision.outcome]}: ${decision.reason}`;
}
