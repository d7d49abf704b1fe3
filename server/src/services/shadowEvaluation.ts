// The policy part of sealing one decision: the facts every policy involved needs (the live one
// and each running shadow), computed once; the live decision and each shadow decision on the same
// input and facts; and what the caller is told, which in observe mode is not what the policy said.

import type { Decision, FactIR, LoadedPolicy, Outcome } from '@axiru/runtime';
import type { Organisation, OrgMode, Repositories } from '../repositories/types.js';
import { computeFacts, type Facts } from './computeFacts.js';
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
  /** The live policy's own decision. */
  readonly decision: Decision;
  /** Each shadow's decision, in the organisation's order; null when there are no shadows. */
  readonly shadow: readonly ShadowDecisionView[] | null;
}

/** Evaluates the live policy and every shadow on one input; may throw only if decide() does. */
export async function evaluatePolicies(
  tx: Repositories, orgId: string, live: LoadedPolicy, shadows: readonly LoadedPolicy[],
  request: DecisionRequest, receivedMs: number,
): Promise<Evaluation> {
  const needed = shadows.length === 0 ? live.ir.facts : unionFacts([live, ...shadows]);
  const facts = await computeFacts(tx.intents, orgId, needed, request, receivedMs);
  const input = { ...request, ...facts };
  const decision = live.decide(input);
  const shadow = shadows.length === 0 ? null : shadows.map((policy) => shadowDecisionView(policy.decide(input)));
  return { facts, decision, shadow };
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
