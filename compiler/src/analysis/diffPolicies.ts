// What changes between two versions of a policy, exactly: both policies' decisions are
// partitioned into regions by verdict (outcome, plus roles and count for approvals); every
// pair of regions with different verdicts that intersect is a change. `equivalent` is a proof
// (no such pair intersects); each transition carries a request on which the runtime really
// decides `before` with the old policy and `after` with the new one.

import { OUTCOME_RANK, validateIR, type Decision, type DecisionInput, type Outcome, type PolicyIR, type VerdictIR } from '@axiru/runtime';
import type { AnalysisOptions } from './AnalysisOptions.js';
import { Space } from './Dimension.js';
import { inconclusiveReason } from './InconclusiveError.js';
import { verdictRegions, type VerdictRegion } from './policyRegions.js';
import { RegionAlgebra } from './Region.js';
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
  readonly before: VerdictRegion;
  readonly after: VerdictRegion;
  /** Transitions with the same group share one example. */
  readonly group: string;
}

export function diffPolicies(a: PolicyIR, b: PolicyIR, options: AnalysisOptions = {}): PolicyDiff {
  for (const [name, ir] of [['old', a], ['new', b]] as const) {
    const valid = validateIR(ir);
    if (!valid.ok) return { equivalent: false, inconclusive: true, transitions: [], why: `invalid ${name} IR: ${valid.errors.join('; ')}` };
  }
  try {
    const sources = [...new Set([...a.sources, ...b.sources])];
    const space = new Space({ sources });
    const algebra = new RegionAlgebra(space, options.limits);
    const before = verdictRegions(a, algebra);
    const after = verdictRegions(b, algebra);
    const decide = options.decide ?? runtimeDecide;

    const changes: Change[] = [];
    for (const x of before) {
      for (const y of after) {
        if (x.key === y.key) continue;
        const sameOutcome = x.verdict.outcome === y.verdict.outcome;
        changes.push({ before: x, after: y, group: sameOutcome ? `${x.key}→${y.key}` : `${x.verdict.outcome}→${y.verdict.outcome}` });
      }
    }

    const transitions: Transition[] = [];
    const settled = new Set<string>();
    const unsettled = new Set<string>();
    let anyChange = false;
    for (const change of changes) {
      if (settled.has(change.group)) continue;
      const overlap = algebra.intersect(change.before.region, change.after.region);
      if (algebra.isEmpty(overlap)) continue;
      anyChange = true;
      const example = witness(
        space,
        overlap,
        (input) => decisionKey(decide(a, input)) === change.before.key && decisionKey(decide(b, input)) === change.after.key,
        { sourcePreference: sources },
      );
      if (example === null) {
        unsettled.add(change.group);
        continue;
      }
      settled.add(change.group);
      unsettled.delete(change.group);
      const from = change.before.verdict.outcome;
      const to = change.after.verdict.outcome;
      const detail =
        from === to
          ? `same outcome, approval changes from ${approvalWords(change.before.verdict)} to ${approvalWords(change.after.verdict)}`
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
