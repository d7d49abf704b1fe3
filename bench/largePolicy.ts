// A generated policy of many rules over every kind of comparison, for measuring how decide()
// scales with policy size. Seeded, so every run measures the same policy.

import { type ExprIR, type Outcome, type PolicyIR, type RuleIR, type ValueIR } from '@axiru/runtime';
import { integer, mulberry32, pick, type Random } from './inputs.js';

const SOURCES = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];
const REASONS = ['duplicate_charge', 'fraudulent', 'requested_by_customer', 'product_not_received'];
const ROLES = ['support_lead', 'finance_manager', 'cfo'];

function money(random: Random): ValueIR {
  const roll = random();
  if (roll < 0.7) return { type: 'money', currency: 'USD', minor: integer(random, 10, 5000) * 100 };
  if (roll < 0.9) return { type: 'money', currency: 'EUR', minor: integer(random, 10, 5000) * 100 };
  return { type: 'money', currency: 'JPY', minor: integer(random, 10, 5000) * 100 };
}

function leaf(random: Random): ExprIR {
  const roll = random();
  const cmp = pick(random, ['gt', 'lt', 'ge', 'le'] as const);
  if (roll < 0.35) return { op: 'cmp', field: { kind: 'amount' }, cmp, value: money(random) };
  if (roll < 0.45) {
    const low = money(random);
    const high = low.type === 'money' ? { ...low, minor: low.minor + integer(random, 1, 1000) * 100 } : low;
    return { op: 'between', field: { kind: 'amount' }, low, high };
  }
  if (roll < 0.6) {
    const values = SOURCES.filter(() => random() < 0.5).map((value): ValueIR => ({ type: 'symbol', value }));
    return { op: 'in', field: { kind: 'source' }, values: values.length > 0 ? values : [{ type: 'symbol', value: 'ai_agent' }] };
  }
  if (roll < 0.7) return { op: 'cmp', field: { kind: 'customer_tenure' }, cmp, value: { type: 'duration', hours: integer(random, 1, 90) * 24 } };
  if (roll < 0.8) return { op: 'cmp', field: { kind: 'reason' }, cmp: random() < 0.7 ? 'eq' : 'ne', value: { type: 'symbol', value: pick(random, REASONS) } };
  if (roll < 0.88) {
    return { op: 'cmp', field: { kind: 'customer_refunds', fact: 'customer_refunds_last_30_days' }, cmp, value: { type: 'count', value: integer(random, 1, 5) } };
  }
  if (roll < 0.93) return { op: 'cmp', field: { kind: 'currency' }, cmp: 'eq', value: { type: 'symbol', value: pick(random, ['EUR', 'GBP', 'JPY']) } };
  if (roll < 0.97) return { op: 'ratio', field: { kind: 'amount' }, cmp: 'gt', percent: integer(random, 50, 120), of: { kind: 'charge_amount' } };
  return { op: 'in', field: { kind: 'merchant' }, values: [{ type: 'symbol', value: `acct_${integer(random, 1, 40)}` }] };
}

function condition(random: Random): ExprIR {
  const args = Array.from({ length: integer(random, 1, 3) }, () => leaf(random));
  if (random() < 0.2) args.push({ op: 'not', arg: leaf(random) });
  return args.length === 1 && args[0] !== undefined ? args[0] : { op: 'and', args };
}

function rule(random: Random, index: number): RuleIR {
  const outcome = pick<Outcome>(random, ['allow', 'allow', 'flag', 'pending_approval', 'pending_approval', 'block']);
  const base = { id: `rule_${index}`, outcome, reason: `Generated rule ${index}`, condition: condition(random) };
  return outcome === 'pending_approval' ? { ...base, approval: { roles: [pick(random, ROLES)], count: integer(random, 1, 2) } } : base;
}

export function generateLargePolicy(ruleCount: number, seed: number): PolicyIR {
  const random = mulberry32(seed);
  return {
    ir_version: 1,
    policy: `generated-${ruleCount}`,
    version: 1,
    hash: `sha256:${'0'.repeat(64)}`,
    roles: [
      { name: 'support_lead', rank: 0, seniors: ['cfo', 'finance_manager'] },
      { name: 'finance_manager', rank: 1, seniors: ['cfo'] },
      { name: 'cfo', rank: 2, seniors: [] },
    ],
    sources: SOURCES,
    default: { outcome: 'allow' },
    on_missing: null,
    rules: Array.from({ length: ruleCount }, (_, index) => rule(random, index)),
    facts: [{ name: 'customer_refunds_last_30_days', kind: 'customer_refund_count', window_hours: 720 }],
  };
}
