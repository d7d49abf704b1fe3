// The acme policy of docs/language.md ("A whole file"), from its hand-written IR fixture: the
// file's own examples, the seed request of the decision API, and one request per rule.

import { describe, expect, it } from 'vitest';
import { validateIR } from '@axiru/runtime';
import { acmeIR, loadBoth } from './helpers.js';

const acme = loadBoth(acmeIR());

describe('acme fixture', () => {
  it('is valid IR and loads with its header', () => {
    expect(validateIR(acmeIR())).toEqual({ ok: true, ir: acmeIR() });
    expect(acme.generated.policy).toBe('acme-refunds');
    expect(acme.generated.version).toBe(3);
    expect(acme.generated.policyVersion).toBe('v3');
    expect(acme.generated.hash).toBe(`sha256:${'0'.repeat(64)}`);
  });
});

describe('the examples of examples/acme.axiru', () => {
  it('duplicate charge over threshold goes to finance', () => {
    const decision = acme.decide({ amount_cents: 22000, currency: 'usd', source: 'support_tool', customer_tenure_days: 9, reason: 'duplicate_charge' });
    expect(decision.outcome).toBe('pending_approval');
    expect(decision.matched_rule).toBe('high_value_refund_review');
  });

  it('bot refund of $60 needs a support lead', () => {
    const decision = acme.decide({ amount_cents: 6000, currency: 'usd', source: 'ai_agent', customer_tenure_days: 400 });
    expect(decision.outcome).toBe('pending_approval');
    expect(decision.matched_rule).toBe('bot_limit');
    expect(decision.matched_rules).toEqual(['bot_limit', 'routine']);
  });

  it('small EUR refund falls to the default', () => {
    const decision = acme.decide({ amount_cents: 2000, currency: 'eur', source: 'support_tool', customer_tenure_days: 100 });
    expect(decision).toEqual({
      outcome: 'pending_approval',
      reason: 'No rule matched; the policy requires support_lead',
      policy_version: 'v3',
      matched_rule: null,
      approver_role: 'support_lead',
      approver_roles: ['support_lead'],
      approvals_required: 1,
      matched_rules: [],
      missing_fields: ['charge_amount_cents', 'customer_refunds_last_30_days', 'reason'],
    });
  });
});

describe('the seed request of the decision API', () => {
  it('gives the documented response', () => {
    const decision = acme.decide({ amount_cents: 22000, currency: 'usd', source: 'support_tool', customer_tenure_days: 9, reason: 'duplicate_charge' });
    expect(decision).toEqual({
      outcome: 'pending_approval',
      reason: 'Refunds over $150 require approval',
      policy_version: 'v3',
      matched_rule: 'high_value_refund_review',
      approver_role: 'finance_manager',
      approver_roles: ['finance_manager'],
      approvals_required: 1,
      matched_rules: ['high_value_refund_review'],
      // serial_refunder is settled by its `unless` (the reason is duplicate_charge), but
      // over_charge needs the charge amount.
      missing_fields: ['charge_amount_cents'],
    });
  });

  it('with the full request body of docs/ARCHITECTURE.md, nothing is missing but the refund count', () => {
    const decision = acme.decide({
      source: 'support_tool',
      amount_cents: 22000,
      currency: 'usd',
      customer_tenure_days: 9,
      reason: 'duplicate_charge',
      stripe_account: 'acct_1',
      charge_amount_cents: 30000,
      charge_age_days: 3,
      metadata: { ticket: 'Z-1234' },
    });
    expect(decision.matched_rule).toBe('high_value_refund_review');
    expect(decision.missing_fields).toEqual([]);
  });
});

describe('each acme rule decides where it is the strongest match', () => {
  const full = { currency: 'usd', source: 'support_tool', customer_tenure_days: 400, reason: 'requested_by_customer', customer_refunds_last_30_days: 0, charge_amount_cents: 10_000_000 };
  const cases = [
    { amount_cents: 15_000, expect: ['allow', 'routine', null, null] },
    { amount_cents: 15_001, expect: ['pending_approval', 'high_value_refund_review', 'finance_manager', 1] },
    { amount_cents: 250_001, expect: ['pending_approval', 'very_high_value', 'cfo', 2] },
    { amount_cents: 50_001, customer_tenure_days: 29, expect: ['block', 'new_customer_large_refund', null, null] },
    { amount_cents: 5_001, source: 'automation', expect: ['pending_approval', 'bot_limit', 'support_lead', 1] },
    { amount_cents: 100, customer_refunds_last_30_days: 3, expect: ['flag', 'serial_refunder', null, null] },
    { amount_cents: 100, customer_refunds_last_30_days: 3, reason: 'duplicate_charge', expect: ['allow', 'routine', null, null] },
    { amount_cents: 10_000_001, expect: ['block', 'over_charge', null, null] },
  ] as const;
  for (const { expect: expected, ...overrides } of cases) {
    it(`${JSON.stringify(overrides)} -> ${expected[1]}`, () => {
      const decision = acme.decide({ ...full, ...overrides });
      expect([decision.outcome, decision.matched_rule, decision.approver_role, decision.approvals_required]).toEqual(expected);
      expect(decision.missing_fields).toEqual([]);
    });
  }

  it('a block outranks every approval and the allow', () => {
    const decision = acme.decide({ ...full, amount_cents: 300_000, customer_tenure_days: 1, source: 'ai_agent' });
    expect(decision.outcome).toBe('block');
    expect(decision.matched_rules).toEqual(['high_value_refund_review', 'very_high_value', 'new_customer_large_refund', 'bot_limit']);
    expect(decision.reason).toBe('Large refunds to new customers are blocked');
  });
});
