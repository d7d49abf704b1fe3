// What changes between two versions of a policy, exactly: regions of requests with their old
// and new verdict (outcome, plus roles and count for approvals), found from the changed rules
// alone where that is sound (changedWinners.ts), else from both policies' decisions
// partitioned by verdict (every pair of regions with different verdicts that intersect). `equivalent` is a proof
// (no such pair intersects); each transition carries a request on which the runtime really
// decides `before` with the old policy and `after` with the new one.

import { canonicalJson, OUTCOME_RANK, validateIR, type Decision, type DecisionInput, type JsonValue, type Outcome, type PolicyIR, type RuleIR, type VerdictIR } from '@axiru/runtime';
import type { AnalysisOptions } from './AnalysisOptions.js';
import { Space } from './Dimension.js';
import { inconclusiveReason } from './InconclusiveError.js';
import { verdictKey } from './candidateOrder.js';
import { changedWinners } from './changedWinners.js';
import { verdictRegions } from './policyRegions.js';
import { DEFAULT_LIMITS, RegionAlgebra, WorkMeter, type Region } from './Region.js';
import { regionOf } from './regionOf.js';
import { decisionKey, runtimeDecide } from './runtimeDecide.js';
import { witness } from './witness.js';

export interface Transition {
  readonly from: Outcome;
  readonly to: Outcome;
  readonly example: DecisionInput;
  readonly before: Decision;
  readonly after: Decision;
  /** Set when the outcome stays pending_approval but who must approve changes. */
  readonly detail?: string;
}

export interface PolicyDiff {
  /** Proven: every request gets the same outcome, approver roles and approval count. */
  readonly equivalent: boolean;
  /** The analysis could not settle every change (see `why`); `transitions` are still all real. */
  readonly inconclusive: boolean;
  readonly transitions: readonly Transition[];
  readonly why?: string;
}

function approvalWords(verdict: VerdictIR): string {
  const approval = verdict.approval;
  if (approval === undefined) return verdict.outcome;
  const roles = approval.roles.join(' or ');
  return approval.count === 1 ? roles : `${approval.count} approvals from ${roles}`;
}

interface Change {
  readonly before: VerdictIR;
  readonly after: VerdictIR;
  /** Where the old policy decides `before` and the new one `after` (worked out when needed). */
  readonly region: () => Region;
}

/** Box operations a diff may spend per rule of the two policies, beyond the fixed total budget. */
const WORK_PER_RULE = 4_000;

export interface DiffOptions extends AnalysisOptions {
  /**
   * Compare the two policies' whole decision partitions even where the changed rules alone
   * would do (changedWinners.ts). The answer is the same; tests use it as the reference.
   */
  readonly wholePartition?: boolean;
}

export function diffPolicies(a: PolicyIR, b: PolicyIR, options: DiffOptions = {}): PolicyDiff {
  for (const [name, ir] of [['old', a], ['new', b]] as const) {
    const valid = validateIR(ir);
    if (!valid.ok) return { equivalent: false, inconclusive: true, transitions: [], why: `invalid ${name} IR: ${valid.errors.join('; ')}` };
  }
  try {
    const sources = [...new Set([...a.sources, ...b.sources])];
    const space = new Space({ sources });
    const limits = options.limits ?? DEFAULT_LIMITS;
    const algebra = new RegionAlgebra(space, limits);
    // The shortcut asks one question per changed rule, each with its own budget, all of them
    // within the call's, which grows with the policies as the rule analysis' does.
    const meter = new WorkMeter(Math.max(limits.maxTotalWork ?? limits.maxWork, (a.rules.length + b.rules.length) * WORK_PER_RULE));
    const fresh = (): RegionAlgebra => new RegionAlgebra(space, limits, meter);
    const decide = options.decide ?? runtimeDecide;
    const shortcut = options.wholePartition ? null : changedWinners(a, b, fresh);
    const changes: Change[] = shortcut?.map((change) => ({ ...change, region: () => change.region })) ?? partitionChanges(a, b, algebra);

    const transitions: Transition[] = [];
    const settled = new Set<string>();
    const unsettled = new Set<string>();
    let anyChange = false;
    for (const change of changes) {
      const beforeKey = verdictKey(change.before);
      const afterKey = verdictKey(change.after);
      const from = change.before.outcome;
      const to = change.after.outcome;
      // Transitions with the same group share one example.
      const group = from === to ? `${beforeKey}→${afterKey}` : `${from}→${to}`;
      if (settled.has(group)) continue;
      const overlap = change.region();
      if (algebra.isEmpty(overlap)) continue;
      anyChange = true;
      const example = witness(
        space,
        overlap,
        (input) => decisionKey(decide(a, input)) === beforeKey && decisionKey(decide(b, input)) === afterKey,
        { sourcePreference: sources },
      );
      if (example === null) {
        unsettled.add(group);
        continue;
      }
      settled.add(group);
      unsettled.delete(group);
      const detail =
        from === to
          ? `same outcome, approval changes from ${approvalWords(change.before)} to ${approvalWords(change.after)}`
          : undefined;
      transitions.push({
        from,
        to,
        example,
        before: decide(a, example),
        after: decide(b, example),
        ...(detail === undefined ? {} : { detail }),
      });
    }

    transitions.sort(byOutcomes);
    if (unsettled.size > 0) {
      return {
        equivalent: false,
        inconclusive: true,
        transitions,
        why: `changes ${[...unsettled].sort().join(', ')} look possible but no request could be built that the runtime confirms`,
      };
    }
    return { equivalent: !anyChange, inconclusive: false, transitions };
  } catch (error) {
    return { equivalent: false, inconclusive: true, transitions: [], why: inconclusiveReason(error) };
  }
}

/**
 * Both policies' decisions partitioned by verdict; every pair of regions with different
 * verdicts may hold changes (their intersection, worked out when asked).
 */
function partitionChanges(a: PolicyIR, b: PolicyIR, algebra: RegionAlgebra): Change[] {
  // Two versions of a large policy usually differ in a few rules: decisions can differ only
  // where a changed rule is not FALSE, so only that region, and the rules that reach into
  // it, are compared.
  const focused = focus(a, b, algebra);
  const before = verdictRegions(focused?.a ?? a, algebra, focused?.region);
  const after = verdictRegions(focused?.b ?? b, algebra, focused?.region);
  const changes: Change[] = [];
  for (const x of before) {
    for (const y of after) {
      if (x.key !== y.key) changes.push({ before: x.verdict, after: y.verdict, region: () => algebra.intersect(x.region, y.region) });
    }
  }
  return changes;
}

/**
 * Where two policies can decide differently, and each restricted to the rules that reach
 * there; null when that is not simpler than the whole (the verdicts or the order of their
 * shared rules differ). Outside the region every changed rule is FALSE in both policies, so
 * the shared rules, in the same order, decide alike; inside it a rule that is FALSE throughout
 * changes nothing, so leaving it out keeps every decision there.
 */
function focus(a: PolicyIR, b: PolicyIR, algebra: RegionAlgebra): { region: Region; a: PolicyIR; b: PolicyIR } | null {
  if (canonicalJson(a.default as unknown as JsonValue) !== canonicalJson(b.default as unknown as JsonValue)) return null;
  if (canonicalJson(a.on_missing as unknown as JsonValue) !== canonicalJson(b.on_missing as unknown as JsonValue)) return null;
  const keyOf = (rule: RuleIR): string => canonicalJson(rule as unknown as JsonValue);
  const inA = new Set(a.rules.map(keyOf));
  const inB = new Set(b.rules.map(keyOf));
  const sharedA = a.rules.filter((rule) => inB.has(keyOf(rule))).map(keyOf);
  const sharedB = b.rules.filter((rule) => inA.has(keyOf(rule))).map(keyOf);
  if (sharedA.join('\n') !== sharedB.join('\n')) return null;
  const changed = [...a.rules.filter((rule) => !inB.has(keyOf(rule))), ...b.rules.filter((rule) => !inA.has(keyOf(rule)))];
  if (changed.length * 4 > a.rules.length + b.rules.length) return null;
  const notFalse = (rule: RuleIR): Region => algebra.complement(regionOf(rule.condition, algebra).falsity);
  const region = algebra.union(...changed.map(notFalse));
  const reaches = (rule: RuleIR): boolean => !algebra.covers(regionOf(rule.condition, algebra).falsity, region);
  return {
    region,
    a: { ...a, rules: a.rules.filter(reaches) },
    b: { ...b, rules: b.rules.filter(reaches) },
  };
}

/** Strongest `from` first, then strongest `to`, then approval changes by their wording. */
function byOutcomes(x: Transition, y: Transition): number {
  return (
    OUTCOME_RANK[y.from] - OUTCOME_RANK[x.from] ||
    OUTCOME_RANK[y.to] - OUTCOME_RANK[x.to] ||
    compareText(x.detail ?? '', y.detail ?? '')
  );
}

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
