// Properties of decide() on random policies and requests (fast-check): generated code and the
// reference interpreter agree, decisions are deterministic and total, and the outcome is the
// most restrictive candidate (docs/language.md, "Outcome when several rules match").

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPolicy, OUTCOME_RANK, type Decision, type DecisionInput, type PolicyIR } from '@axiru/runtime';
import { acmeIR, F, cmp, loadBoth, policy, rule, text, usd } from './helpers.js';
import { input, policyOf } from './arbitraries.js';

const RUNS = { numRuns: 300 };

/** Invariants every decision satisfies, whatever the policy. */
function checkShape(decision: Decision, ir: PolicyIR): void {
  const pending = decision.outcome === 'pending_approval';
  expect(decision.policy_version).toBe(`v${ir.version}`);
  expect(decision.approvals_required === null).toBe(!pending);
  expect(decision.approver_role === null).toBe(!pending);
  expect(decision.approver_roles === null).toBe(!pending);
  if (pending) expect(decision.approver_role).toBe(decision.approver_roles?.[0]);
  expect([...decision.missing_fields].sort()).toEqual(decision.missing_fields);
  expect(new Set(decision.missing_fields).size).toBe(decision.missing_fields.length);
  const order = ir.rules.map((r) => r.id);
  expect(decision.matched_rules.map((id) => order.indexOf(id))).toEqual([...decision.matched_rules.map((id) => order.indexOf(id))].sort((a, b) => a - b));
  if (decision.matched_rule !== null) expect(decision.matched_rules).toContain(decision.matched_rule);
  expect(Object.isFrozen(decision)).toBe(true);
}

describe('decide on random policies and requests', () => {
  it('gives the same decision with generated code and with the interpreter', () => {
    fc.assert(
      fc.property(policyOf(0, 8), fc.array(input, { minLength: 1, maxLength: 8 }), (ir, inputs) => {
        const both = loadBoth(ir);
        for (const request of inputs) checkShape(both.decide(request as DecisionInput), ir);
      }),
      RUNS,
    );
  });

  it('agrees across engines for large policies too (chunked code, no memo)', () => {
    fc.assert(
      fc.property(policyOf(33, 80), fc.array(input, { minLength: 1, maxLength: 10 }), (ir, inputs) => {
        const both = loadBoth(ir);
        for (const request of inputs) both.decide(request as DecisionInput);
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic: twice on one policy, and across separately loaded copies', () => {
    fc.assert(
      fc.property(policyOf(0, 8), input, (ir, request) => {
        const first = loadPolicy(ir);
        const second = loadPolicy(JSON.parse(JSON.stringify(ir)) as unknown);
        const decision = first.decide(request as DecisionInput);
        expect(first.decide(request as DecisionInput)).toEqual(decision);
        expect(second.decide(structuredClone(request) as DecisionInput)).toEqual(decision);
        expect(JSON.stringify(second.decide(request as DecisionInput))).toBe(JSON.stringify(decision));
        expect(first.explain(request as DecisionInput)).toEqual(second.explain(request as DecisionInput));
      }),
      RUNS,
    );
  });

  it('gives the outcome of the strongest candidate', () => {
    fc.assert(
      fc.property(policyOf(0, 8), input, (ir, request) => {
        const { decision, rules } = loadPolicy(ir).explain(request as DecisionInput);
        const matched = rules.filter((r) => r.status === 'matched');
        const candidates = matched.map((r) => r.outcome);
        if (matched.length === 0) candidates.push(ir.default.outcome);
        const undecided = rules.some((r) => r.status === 'undecided');
        if (undecided && ir.on_missing !== null) candidates.push(ir.on_missing.outcome);
        expect(OUTCOME_RANK[decision.outcome]).toBe(Math.max(...candidates.map((o) => OUTCOME_RANK[o])));
        expect(decision.matched_rules).toEqual(matched.map((r) => r.id));
        expect(decision.missing_fields.length > 0).toBe(undecided);
        if (decision.matched_rule !== null) {
          const winner = ir.rules.find((r) => r.id === decision.matched_rule);
          expect(decision.reason).toBe(winner?.reason);
          expect(decision.outcome).toBe(winner?.outcome);
        }
      }),
      RUNS,
    );
  });

  it('never throws, whatever the request', () => {
    const acme = loadBoth(acmeIR());
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('amount_cents', 'currency', 'source', 'reason', 'customer_tenure_days', 'charge_amount_cents', 'customer_refunds_last_30_days', 'metadata', '__proto__', 'constructor'), fc.anything())), (request) => {
        checkShape(acme.decide(request as DecisionInput), acmeIR());
        expect(typeof acme.generated.explain(request as DecisionInput).why).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decide in unusual situations', () => {
  it('lists missing fields by re-reading rules when a policy reads more than 30 fields', () => {
    const keys = Array.from({ length: 35 }, (_, i) => `k${i}`);
    const ir = policy(keys.map((key) => rule(key, 'flag', cmp(F.meta(key), 'eq', text('x')))), { on_missing: { outcome: 'block' } });
    const both = loadBoth(ir);
    const metadata = Object.fromEntries(keys.slice(0, 33).map((key) => [key, 'y']));
    expect(both.decide({ metadata })).toMatchObject({ outcome: 'block', matched_rules: [], missing_fields: ['metadata.k33', 'metadata.k34'] });
    expect(both.decide({ metadata: { ...metadata, k33: 'x', k34: 'x' } })).toMatchObject({ outcome: 'flag', matched_rule: 'k33', missing_fields: [] });
  });

  it('is not disturbed by a request whose getter decides another request meanwhile', () => {
    const acme = loadPolicy(acmeIR());
    const plain = { amount_cents: 22000, currency: 'usd', source: 'ai_agent', customer_tenure_days: 9 };
    let inner: Decision | undefined;
    const tricky = {
      ...plain,
      get customer_refunds_last_30_days(): number {
        inner = acme.decide({ amount_cents: 700000, customer_tenure_days: 1, charge_amount_cents: 1 });
        return 5;
      },
    };
    expect(acme.decide(tricky)).toEqual(acme.decide({ ...plain, customer_refunds_last_30_days: 5 }));
    expect(inner?.outcome).toBe('block');
  });

  it('ignores changes to the IR object after loading', () => {
    const ir = acmeIR();
    const acme = loadPolicy(ir);
    (ir.rules[0]?.condition as { value: { minor: number } }).value.minor = 1;
    expect(acme.decide({ amount_cents: 100 }).matched_rule).toBe('routine');
    expect(Object.isFrozen(acme.ir.rules[0]?.condition)).toBe(true);
  });

  it('shares nothing mutable between decisions', () => {
    const acme = loadPolicy(acmeIR());
    const first = acme.decide({ amount_cents: 22000 });
    expect(() => (first.matched_rules as string[]).push('x')).toThrow(TypeError);
    expect(acme.decide({ amount_cents: 22000 }).matched_rules).toEqual(['high_value_refund_review']);
  });

  it('keeps deciding after a thousand different requests (memo bounds)', () => {
    const both = loadBoth(policy(Array.from({ length: 12 }, (_, i) => rule(`over_${i}`, 'flag', cmp(F.amount, 'gt', usd(i * 100)))), { on_missing: { outcome: 'block' } }));
    for (let amount = 0; amount < 1300; amount += 1) both.decide({ amount_cents: amount });
    expect(both.decide({ amount_cents: 1101 }).matched_rules).toHaveLength(12);
  });
});
