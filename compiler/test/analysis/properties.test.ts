import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadPolicy, type Decision, type DecisionInput, type ExprIR, type PolicyIR } from '@axiru/runtime';
import { analyzeRules, diffPolicies, satisfiable } from '../../src/analysis/index.js';
import { changedWinners } from '../../src/analysis/changedWinners.js';
import { Space } from '../../src/analysis/Dimension.js';
import { probePolicy, truthByRuntime } from '../../src/analysis/probePolicy.js';
import { RegionAlgebra } from '../../src/analysis/Region.js';
import { regionContains } from '../../src/analysis/regionContains.js';
import { regionOf } from '../../src/analysis/regionOf.js';
import { runtimeDecide } from '../../src/analysis/runtimeDecide.js';
import { editedPolicyPair, expr, input, smallPolicy, swappedPolicyPair } from './arbitraries.js';
import { DEFAULT_SOURCES } from './irBuilders.js';

// Fixed seeds: the same cases on every run, as everything else in the analysis.
const params = (numRuns: number, seed: number): fc.Parameters<unknown> => ({ numRuns, seed });

const truthOf = (e: ExprIR, request: DecisionInput): string => truthByRuntime(runtimeDecide, probePolicy(e, DEFAULT_SOURCES), request);

const exposed = (d: Decision): string => `${d.outcome}:${(d.approver_roles ?? []).join(',')}:${d.approvals_required ?? ''}`;

describe('properties against the runtime', () => {
  test('TRUE and FALSE regions contain exactly the requests the runtime finds true and false', () => {
    fc.assert(
      fc.property(expr, fc.array(input, { minLength: 10, maxLength: 10 }), (e, requests) => {
        const algebra = new RegionAlgebra(new Space({ sources: DEFAULT_SOURCES }));
        const { truth, falsity } = regionOf(e, algebra);
        for (const request of requests) {
          const expected = truthOf(e, request);
          const got = regionContains(algebra.space, truth, request) ? 'true' : regionContains(algebra.space, falsity, request) ? 'false' : 'unknown';
          expect(got, JSON.stringify({ e, request })).toBe(expected);
        }
      }),
      params(300, 20260501),
    );
  });

  test('satisfiable: a witness is true by the runtime; `no` is never contradicted by a sampled request', () => {
    let answered = 0;
    fc.assert(
      fc.property(expr, fc.array(input, { minLength: 20, maxLength: 20 }), (e, requests) => {
        const answer = satisfiable(e, { sources: DEFAULT_SOURCES });
        if (answer.result === 'yes') {
          answered++;
          expect(truthOf(e, answer.witness)).toBe('true');
        } else if (answer.result === 'no') {
          answered++;
          for (const request of requests) expect(truthOf(e, request)).not.toBe('true');
        }
      }),
      params(300, 7),
    );
    // Inconclusive answers are allowed (ratio axes), but must stay rare.
    expect(answered).toBeGreaterThan(270);
  });

  test('analyzeRules: vacuous rules never match, shadowed rules never decide, gap witnesses are allowed by default', () => {
    fc.assert(
      fc.property(smallPolicy, fc.array(input, { minLength: 15, maxLength: 15 }), (ir, requests) => {
        const policy = loadPolicy(ir);
        const findings = analyzeRules(ir);
        // Samples include a request where each rule matches, when there is one.
        const samples = [...requests];
        for (const rule of ir.rules) {
          const answer = satisfiable(rule.condition, { sources: ir.sources });
          if (answer.result === 'yes') samples.push(answer.witness);
        }
        for (const finding of findings) {
          if (finding.kind === 'vacuous') {
            for (const request of samples) expect(policy.decide(request).matched_rules).not.toContain(finding.rule);
          } else if (finding.kind === 'shadowed') {
            for (const request of samples) {
              const decision = policy.decide(request);
              if (!decision.matched_rules.includes(finding.rule)) continue;
              expect(decision.matched_rule).not.toBe(finding.rule);
              expect(finding.by.some((id) => decision.matched_rules.includes(id))).toBe(true);
            }
          } else {
            const decision = policy.decide(finding.witness);
            expect(decision).toMatchObject({ outcome: 'allow', matched_rules: [] });
            expect(finding.currencies).not.toContain(String(finding.witness.currency).toUpperCase());
          }
        }
      }),
      params(150, 99),
    );
  });

  test('diffPolicies: transitions are real; `equivalent` holds on every sampled request', () => {
    fc.assert(
      fc.property(smallPolicy, smallPolicy, fc.array(input, { minLength: 15, maxLength: 15 }), (a, b, requests) => {
        const diff = diffPolicies(a, b);
        const before = loadPolicy(a);
        const after = loadPolicy(b);
        expectTransitionsReal(diff, before, after);
        for (const t of diff.transitions) expect(exposed(t.before)).not.toBe(exposed(t.after));
        if (diff.equivalent) {
          for (const request of requests) expect(exposed(after.decide(request))).toBe(exposed(before.decide(request)));
        }
        // Any sampled change must be of a kind the diff reports (unless it could not finish).
        if (!diff.inconclusive) {
          const reported = new Set(diff.transitions.map((t) => `${t.from}→${t.to}`));
          for (const request of requests) {
            const x = before.decide(request);
            const y = after.decide(request);
            if (exposed(x) !== exposed(y)) expect(reported).toContain(`${x.outcome}→${y.outcome}`);
          }
        }
      }),
      params(150, 4242),
    );
  });

  /** Every reported example really decides, before and after, as its transition says. */
  function expectTransitionsReal(diff: ReturnType<typeof diffPolicies>, before: ReturnType<typeof loadPolicy>, after: ReturnType<typeof loadPolicy>): void {
    for (const t of diff.transitions) {
      expect(before.decide(t.example)).toEqual(t.before);
      expect(after.decide(t.example)).toEqual(t.after);
      expect([t.before.outcome, t.after.outcome]).toEqual([t.from, t.to]);
    }
  }

  /**
   * Diffs a pair both ways (the changed rules alone, and the whole partitions) after checking
   * the shortcut applies; every reported example really decides as its transition says.
   */
  function diffBothWays(a: PolicyIR, b: PolicyIR) {
    const space = new Space({ sources: a.sources });
    expect(changedWinners(a, b, () => new RegionAlgebra(space))).not.toBeNull();
    const fast = diffPolicies(a, b);
    const whole = diffPolicies(a, b, { wholePartition: true });
    const before = loadPolicy(a);
    const after = loadPolicy(b);
    expectTransitionsReal(fast, before, after);
    const settled = !fast.inconclusive && !whole.inconclusive;
    if (settled) {
      expect(fast.equivalent).toBe(whole.equivalent);
      expect(kinds(fast.transitions)).toEqual(kinds(whole.transitions));
    }
    return { fast, whole, before, after, settled };
  }

  function kinds(transitions: readonly { from: string; to: string; detail?: string }[]): string[] {
    return transitions.map((t) => `${t.from}→${t.to} ${t.detail ?? ''}`).sort();
  }

  test('diffPolicies: the changed rules alone give the same answer as the whole partitions', () => {
    fc.assert(
      fc.property(editedPolicyPair, fc.array(input, { minLength: 10, maxLength: 10 }), ([a, b], requests) => {
        // The pairs are shaped so that the shortcut applies: this compares it, not the fallback.
        const { fast, before, after } = diffBothWays(a, b);
        if (!fast.inconclusive) {
          const reported = new Set(fast.transitions.map((t) => `${t.from}→${t.to}`));
          for (const request of requests) {
            const x = before.decide(request);
            const y = after.decide(request);
            if (exposed(x) !== exposed(y)) expect(reported).toContain(`${x.outcome}→${y.outcome}`);
          }
        }
      }),
      params(200, 1717),
    );
  });

  test('diffPolicies: block and flag swapped on a few rules, the changed rules alone give the whole partitions\' answer', () => {
    let compared = 0;
    let changed = 0;
    fc.assert(
      fc.property(swappedPolicyPair, ([a, b]) => {
        const { whole, settled } = diffBothWays(a, b);
        if (settled) {
          compared++;
          if (!whole.equivalent) changed++;
        }
      }),
      params(60, 2929),
    );
    // Most pairs are settled both ways, and many of them really change decisions.
    expect(compared).toBeGreaterThan(50);
    expect(changed).toBeGreaterThan(30);
  });

  test('a policy and its rules reversed are equivalent', () => {
    fc.assert(
      fc.property(smallPolicy, (ir: PolicyIR) => {
        const reversed = { ...ir, rules: [...ir.rules].reverse() };
        const diff = diffPolicies(ir, reversed);
        // Reversal changes only tie-breaks between different requirements of equal strictness.
        if (!diff.equivalent) {
          for (const t of diff.transitions) {
            expect(t.from).toBe('pending_approval');
            expect(t.to).toBe('pending_approval');
          }
        }
      }),
      params(100, 12),
    );
  });
});
