// `decide` is deterministic for compiled generated policies: the same IR and input give deep-equal
// decisions every time, from a fresh load, from the interpreter as from generated code, and
// compiling the same text twice gives the same IR. Inputs include missing, null and wrongly
// typed fields, unknown sources, other currencies and every computed fact the policy names.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadPolicy, type DecisionInput, type PolicyIR } from '@axiru/runtime';
import { compile } from '@axiru/compiler';
import { generatedPolicy } from '../helpers/generatePolicy.js';

const OPTIONS = { analysis: false, examples: false } as const;

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, fc.constant(null)), { nil: undefined });

const requestBase = fc.record(
  {
    amount_cents: maybe(fc.oneof(fc.nat({ max: 10_000_000 }), fc.constantFrom(0, 1, 15000, 15001, 250000))),
    currency: maybe(fc.constantFrom('usd', 'USD', 'eur', 'EUR', 'gbp', 'jpy', 'kwd', 'chf', 'xyz')),
    source: maybe(fc.constantFrom('support_tool', 'ai_agent', 'automation', 'stripe_direct', 'web', 'phone', 'missing', 'unknown_source')),
    reason: maybe(fc.constantFrom('duplicate_charge', 'fraudulent', 'missing', 'over', 'goodwill-2024', 'a b', 'block')),
    customer_tenure_days: maybe(fc.oneof(fc.nat({ max: 1000 }), fc.double({ min: 0, max: 1000, noNaN: true }))),
    stripe_account: maybe(fc.constantFrom('acct_1Nx', 'acct_2', 'acct_9')),
    charge_amount_cents: maybe(fc.nat({ max: 10_000_000 })),
    charge_age_days: maybe(fc.nat({ max: 400 })),
    charge_refunded_cents: maybe(fc.nat({ max: 10_000_000 })),
    metadata: maybe(fc.dictionary(fc.constantFrom('ticket', 'order-id', 'order id', '7'), fc.constantFrom('Z-1234', 'phone', '', 'with "quotes"', 'ann'))),
    // Round 2: who, when, and the organisation's lists.
    customer_id: maybe(fc.constantFrom('ann', 'bob', 'cus_1', 'odd-id 7')),
    requested_by: maybe(fc.constantFrom('ann', 'bob', 'eve')),
    local_time: maybe(fc.constantFrom('00:00', '05:59', '06:00', '12:00', '21:59', '22:00', '23:59', '24:00', '7:05')),
    weekday: maybe(fc.constantFrom('monday', 'friday', 'saturday', 'sunday', 'Sunday')),
    lists: maybe(
      fc.dictionary(
        fc.constantFrom('vip_customers', 'trainees', 'under_review'),
        fc.subarray(['ann', 'bob', 'cus_1', 'odd-id 7', 'ai_agent', 'web', 'acct_2', 'Z-1234', 'fraudulent']),
      ),
    ),
  },
  { requiredKeys: [] },
);

/** A request, with values for the policy's computed facts, sometimes of the wrong type. */
function requestFor(ir: PolicyIR): fc.Arbitrary<DecisionInput> {
  const facts = ir.facts.filter((f) => f.kind === 'customer_refund_count' || f.kind === 'velocity').map((f) => f.name);
  const factValues = fc.tuple(...facts.map(() => maybe(fc.oneof(fc.nat({ max: 20 }), fc.constantFrom(0, 15000, 250000, 1_000_000), fc.constant('3' as unknown as number)))));
  return fc.tuple(requestBase, factValues).map(([base, values]) => {
    const input: Record<string, unknown> = { ...base };
    facts.forEach((fact, i) => {
      if (values[i] !== undefined) input[fact] = values[i];
    });
    return input as DecisionInput;
  });
}

const policyWithRequests = generatedPolicy().chain((policy) => {
  const ir = compile(policy.text, OPTIONS).ir!;
  return fc.tuple(fc.constant(policy), fc.constant(ir), fc.array(requestFor(ir), { minLength: 1, maxLength: 8 }));
});

describe('decide is deterministic for compiled generated policies', () => {
  test('same IR and input: deep-equal decisions, from a fresh load and from the interpreter', () => {
    fc.assert(
      fc.property(policyWithRequests, ([, ir, requests]) => {
        const policy = loadPolicy(ir);
        const again = loadPolicy(JSON.parse(JSON.stringify(ir)));
        const interpreted = loadPolicy(ir, { generateCode: false });
        for (const request of requests) {
          const before = JSON.stringify(request);
          const decision = policy.decide(request);
          expect(policy.decide(request)).toEqual(decision);
          expect(policy.decide(JSON.parse(before))).toEqual(decision);
          expect(again.decide(request)).toEqual(decision);
          expect(interpreted.decide(request)).toEqual(decision);
          expect(policy.explain(request).decision).toEqual(decision);
          // decide never changes its input.
          expect(JSON.stringify(request)).toBe(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('decisions are well formed', () => {
    fc.assert(
      fc.property(policyWithRequests, ([, ir, requests]) => {
        const policy = loadPolicy(ir);
        for (const request of requests) {
          const d = policy.decide(request);
          expect(['allow', 'flag', 'pending_approval', 'block']).toContain(d.outcome);
          expect(d.policy_version).toBe(`v${ir.version}`);
          expect(d.approvals_required === null).toBe(d.outcome !== 'pending_approval');
          if (d.matched_rule !== null) expect(d.matched_rules).toContain(d.matched_rule);
          expect([...d.missing_fields].sort()).toEqual(d.missing_fields);
          for (const id of d.matched_rules) expect(ir.rules.map((r) => r.id)).toContain(id);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('compiling the same text twice gives the same IR', () => {
    fc.assert(
      fc.property(generatedPolicy(), ({ text }) => {
        expect(compile(text, OPTIONS).ir).toEqual(compile(text, OPTIONS).ir);
      }),
      { numRuns: 100 },
    );
  });
});
