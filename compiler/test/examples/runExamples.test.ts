// `example` blocks: inputs in the decision API's names (money literals set cents and currency
// together), run against the policy's own IR; failures are AX1023 errors that keep the IR.
import { describe, expect, test } from 'vitest';
import { compile } from '@axiru/compiler';
import { policy, spanText } from '../helpers/policies.js';

const RULES = ['rule review:', '  refunds over $150 require finance_manager', 'rule routine:', '  allow refunds up to $150', 'otherwise require support_lead'];

describe('running examples', () => {
  test('inputs: money sets cents and currency, facts and metadata pass through', () => {
    const text = policy(
      ...RULES,
      'example "all inputs" {',
      '  amount: €1,500.50, charge_amount: €2,000, charge_refunded: €10, source: ai_agent, reason: "goodwill-2024",',
      '  customer_tenure_days: 9.5, charge_age_days: 3, customer_refunds_last_30_days: 2, stripe_account: acct_1,',
      '  metadata: { ticket: "Z-1", "order id": "o 1" }',
      '} expect pending_approval',
    );
    const result = compile(text);
    expect(result.ok).toBe(true);
    expect(result.examples).toHaveLength(1);
    expect(result.examples[0]!.input).toEqual({
      amount_cents: 150050,
      currency: 'eur',
      charge_amount_cents: 200000,
      charge_refunded_cents: 1000,
      source: 'ai_agent',
      reason: 'goodwill-2024',
      customer_tenure_days: 9.5,
      charge_age_days: 3,
      customer_refunds_last_30_days: 2,
      stripe_account: 'acct_1',
      metadata: { ticket: 'Z-1', 'order id': 'o 1' },
    });
    // A EUR refund matches no USD rule: `otherwise` decides.
    expect(result.examples[0]!.actual.matched_rule).toBeNull();
    expect(result.examples[0]!.passed).toBe(true);
  });

  test('`expect OUTCOME by RULE` checks the deciding rule too', () => {
    const pass = compile(policy(...RULES, 'example "e" { amount: $220 } expect pending_approval by review'));
    expect(pass.examples.map((e) => e.passed)).toEqual([true]);
    const text = policy(...RULES, 'example "wrong rule" { amount: $220 } expect pending_approval by routine');
    const fail = compile(text);
    const [d] = fail.diagnostics.filter((x) => x.code === 'AX1023');
    expect(d!.severity).toBe('error');
    expect(d!.message).toBe('example `wrong rule` expects pending_approval by `routine`, but the policy decides pending_approval by `review`');
    expect(spanText(text, d!)).toBe('"wrong rule"');
    expect(d!.help).toBe('Refunds over $150 require finance_manager');
    expect(fail.ok).toBe(false);
    // A failing example is not a broken policy: its IR is still produced.
    expect(fail.ir).not.toBeNull();
  });

  test('an example when nothing matches names no rule', () => {
    const text = policy(...RULES, 'example "euro" { amount: €20 } expect allow');
    const [d] = compile(text).diagnostics.filter((x) => x.code === 'AX1023');
    expect(d!.message).toBe('example `euro` expects allow, but the policy decides pending_approval');
  });

  test('an invalid example input is an error (AX1022), so no example runs', () => {
    const result = compile(policy(...RULES, 'example "bad" { amout: $220 } expect allow', 'example "good" { amount: $5 } expect allow'));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['AX1022']);
    expect(result.examples).toEqual([]);
  });

  test('`examples: false` skips running them', () => {
    const result = compile(policy(...RULES, 'example "wrong" { amount: $220 } expect allow'), { examples: false });
    expect(result.ok).toBe(true);
    expect(result.examples).toEqual([]);
  });
});
