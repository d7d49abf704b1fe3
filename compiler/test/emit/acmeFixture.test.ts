// The compiled examples/acme.axiru against runtime/test/fixtures/acme.ir.json, which the
// runtime engineer wrote by hand from LANGUAGE.md. They agree everywhere except where the
// difference is by design:
// - `hash`: the fixture holds a placeholder;
// - the default `reason` of rules without `because`: the compiler prints the rule as written
//   (`$2,500`, as LANGUAGE.md's own example "Refunds over $150 require finance_manager" does),
//   the fixture formatted the money (`$2,500.00`);
// - the order of `roles` and `sources`: the compiler sorts them by name so that the hash does not
//   depend on declaration order (neither order carries meaning: seniority is in `seniors` and
//   `rank`); the fixture kept declaration order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPolicy, type PolicyIR } from '@axiru/runtime';
import { compile, hashIR } from '@axiru/compiler';
import { ACME, REPO } from '../helpers/paths.js';

const compiled = compile(readFileSync(ACME, 'utf8'));
const ir = compiled.ir!;
const fixture = JSON.parse(readFileSync(join(REPO, 'runtime/test/fixtures/acme.ir.json'), 'utf8')) as PolicyIR;

const byName = <T extends { name: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => (a.name < b.name ? -1 : 1));

describe('examples/acme.axiru compiles to the hand-written runtime fixture', () => {
  test('compiles', () => {
    expect(compiled.ok).toBe(true);
    expect(ir).not.toBeNull();
  });

  test('header, default, on_missing and facts are identical', () => {
    const pick = (p: PolicyIR) => ({ ir_version: p.ir_version, policy: p.policy, version: p.version, default: p.default, on_missing: p.on_missing, facts: p.facts });
    expect(pick(ir)).toEqual(pick(fixture));
  });

  test('roles and sources are the same sets; the compiler lists them sorted by name', () => {
    expect(ir.roles).toEqual(byName(fixture.roles));
    expect(ir.sources).toEqual([...fixture.sources].sort());
  });

  test('rules are identical apart from the reasons the compiler writes itself', () => {
    const withoutReason = (p: PolicyIR) => p.rules.map(({ reason: _reason, ...rule }) => rule);
    expect(withoutReason(ir)).toEqual(withoutReason(fixture));
  });

  test('reasons given with `because` are identical; written reasons print the rule as written', () => {
    const reasons = Object.fromEntries(ir.rules.map((r) => [r.id, r.reason]));
    const expected = Object.fromEntries(fixture.rules.map((r) => [r.id, r.reason]));
    // The three rules without `because`: the only differences, all in how money is spelled.
    expect(reasons['very_high_value']).toBe('Refunds over $2,500 require 2 approvals from cfo');
    expect(expected['very_high_value']).toBe('Refunds over $2,500.00 require 2 approvals from cfo');
    expect(reasons['bot_limit']).toBe('Refunds from ai_agent or automation over $50 require support_lead');
    expect(expected['bot_limit']).toBe('Refunds from ai_agent or automation over $50.00 require support_lead');
    expect(reasons['serial_refunder']).toBe(expected['serial_refunder']);
    for (const id of ['high_value_refund_review', 'new_customer_large_refund', 'routine', 'over_charge']) {
      expect(reasons[id]).toBe(expected[id]);
    }
  });

  test('the hash is the sha256 of the canonical IR; the fixture holds a placeholder', () => {
    expect(ir.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ir.hash).toBe(hashIR(ir));
    expect(fixture.hash).toBe(`sha256:${'0'.repeat(64)}`);
  });

  test('both decide every example and boundary refund the same way', () => {
    const fromCompiler = loadPolicy(ir);
    const fromFixture = loadPolicy(fixture);
    const inputs = [
      { amount_cents: 22000, currency: 'usd', source: 'support_tool', customer_tenure_days: 9, reason: 'duplicate_charge' },
      { amount_cents: 6000, source: 'ai_agent', customer_tenure_days: 400 },
      { amount_cents: 2000, currency: 'eur', source: 'support_tool', customer_tenure_days: 100 },
      { amount_cents: 15000, source: 'support_tool', customer_tenure_days: 10, charge_amount_cents: 15000 },
      { amount_cents: 15001, source: 'support_tool', customer_tenure_days: 10, charge_amount_cents: 15000 },
      { amount_cents: 50001, source: 'automation', customer_tenure_days: 29 },
      { amount_cents: 250001, source: 'stripe_direct', customer_tenure_days: 30, charge_amount_cents: 300000 },
      { amount_cents: 100, source: 'support_tool', customer_refunds_last_30_days: 3 },
      { amount_cents: 100, source: 'support_tool', customer_refunds_last_30_days: 3, reason: 'duplicate_charge' },
      {},
    ];
    for (const input of inputs) {
      const { reason: _a, ...actual } = fromCompiler.decide(input);
      const { reason: _b, ...expected } = fromFixture.decide(input);
      expect(actual, JSON.stringify(input)).toEqual(expected);
    }
  });
});
