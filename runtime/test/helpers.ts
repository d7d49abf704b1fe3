// Small builders for policy IR in tests, and a loader that runs every decision through both
// engines (generated code and the reference interpreter) and insists they agree.

import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  loadPolicy,
  type CompareOp,
  type Decision,
  type DecisionInput,
  type ExprIR,
  type FieldIR,
  type LoadedPolicy,
  type Outcome,
  type PolicyIR,
  type RuleIR,
  type ValueIR,
  type VerdictIR,
} from '@axiru/runtime';

/** A request with values of the wrong types, as an untrusted caller may send. */
export const untyped = (value: unknown): DecisionInput => value as DecisionInput;

export function acmeIR(): PolicyIR {
  return JSON.parse(readFileSync(new URL('./fixtures/acme.ir.json', import.meta.url), 'utf8')) as PolicyIR;
}

export const usd = (minor: number): ValueIR => ({ type: 'money', currency: 'USD', minor });
export const money = (currency: string, minor: number): ValueIR => ({ type: 'money', currency, minor });
export const hours = (value: number): ValueIR => ({ type: 'duration', hours: value });
export const days = (value: number): ValueIR => ({ type: 'duration', hours: value * 24 });
export const count = (value: number): ValueIR => ({ type: 'count', value });
export const sym = (value: string): ValueIR => ({ type: 'symbol', value });
export const text = (value: string): ValueIR => ({ type: 'text', value });

export const F = {
  amount: { kind: 'amount' },
  chargeAmount: { kind: 'charge_amount' },
  chargeRefunded: { kind: 'charge_refunded' },
  tenure: { kind: 'customer_tenure' },
  chargeAge: { kind: 'charge_age' },
  reason: { kind: 'reason' },
  source: { kind: 'source' },
  merchant: { kind: 'merchant' },
  currency: { kind: 'currency' },
  refunds30: { kind: 'customer_refunds', fact: 'customer_refunds_last_30_days' },
  refunds48h: { kind: 'customer_refunds', fact: 'customer_refunds_last_48_hours' },
  meta: (key: string): FieldIR => ({ kind: 'metadata', key }),
} as const satisfies Record<string, FieldIR | ((key: string) => FieldIR)>;

export const cmp = (field: FieldIR, op: CompareOp, value: ValueIR): ExprIR => ({ op: 'cmp', field, cmp: op, value });
export const between = (field: FieldIR, low: ValueIR, high: ValueIR): ExprIR => ({ op: 'between', field, low, high });
export const isIn = (field: FieldIR, values: readonly ValueIR[]): ExprIR => ({ op: 'in', field, values });
export const ratio = (field: FieldIR, op: CompareOp, percent: number, of: FieldIR): ExprIR => ({ op: 'ratio', field, cmp: op, percent, of });
export const and = (...args: ExprIR[]): ExprIR => ({ op: 'and', args });
export const or = (...args: ExprIR[]): ExprIR => ({ op: 'or', args });
export const not = (arg: ExprIR): ExprIR => ({ op: 'not', arg });
export const always: ExprIR = { op: 'true' };

export function rule(id: string, outcome: Outcome, condition: ExprIR, approval?: { roles: string[]; count?: number }): RuleIR {
  const base = { id, outcome, reason: `reason of ${id}`, condition };
  return approval === undefined ? base : { ...base, approval: { roles: approval.roles, count: approval.count ?? 1 } };
}

export const requireRole = (roles: string[], count = 1): VerdictIR => ({ outcome: 'pending_approval', approval: { roles, count } });

/** A valid policy around the given rules: acme's roles, sources and facts, `otherwise allow`. */
export function policy(rules: readonly RuleIR[], overrides: Partial<PolicyIR> = {}): PolicyIR {
  return {
    ir_version: 1,
    policy: 'test-policy',
    version: 7,
    hash: `sha256:${'0'.repeat(64)}`,
    roles: [
      { name: 'support_lead', rank: 0, seniors: ['cfo', 'finance_manager'] },
      { name: 'finance_manager', rank: 1, seniors: ['cfo'] },
      { name: 'cfo', rank: 2, seniors: [] },
    ],
    sources: ['support_tool', 'ai_agent', 'automation', 'stripe_direct'],
    default: { outcome: 'allow' },
    on_missing: null,
    rules,
    facts: [
      { name: 'charge_refunded_cents', kind: 'charge_refunded' },
      { name: 'customer_refunds_last_30_days', kind: 'customer_refund_count', window_hours: 720 },
      { name: 'customer_refunds_last_48_hours', kind: 'customer_refund_count', window_hours: 48 },
    ],
    ...overrides,
  };
}

export interface BothEngines {
  readonly generated: LoadedPolicy;
  readonly interpreted: LoadedPolicy;
  /** Decides with both engines, checks they agree, returns the decision. */
  decide(input: DecisionInput): Decision;
}

export function loadBoth(ir: unknown): BothEngines {
  const generated = loadPolicy(ir);
  const interpreted = loadPolicy(ir, { generateCode: false });
  expect(generated.engine).toBe('generated');
  expect(interpreted.engine).toBe('interpreted');
  return {
    generated,
    interpreted,
    decide(input) {
      const decision = generated.decide(input);
      expect(interpreted.decide(input)).toEqual(decision);
      return decision;
    },
  };
}

/**
 * Whether a single-rule policy's rule matches, is undecided, or does not match an input. The
 * otherwise verdict (flag) and on missing verdict (block) tell the three apart.
 */
export function statusOf(condition: ExprIR, input: DecisionInput): 'matched' | 'undecided' | 'not_matched' {
  const both = loadBoth(policy([rule('r', 'allow', condition)], { default: { outcome: 'flag' }, on_missing: { outcome: 'block' } }));
  const decision = both.decide(input);
  const status = decision.matched_rules.includes('r') ? 'matched' : decision.outcome === 'block' ? 'undecided' : 'not_matched';
  expect(both.generated.explain(input).rules[0]?.status).toBe(status);
  return status;
}
