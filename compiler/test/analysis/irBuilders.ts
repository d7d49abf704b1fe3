// Small builders for hand-written IR in the analysis tests: `rule('r', 'block', and(over(usd(500)), ...))`.

import {
  IR_VERSION,
  type ApprovalIR,
  type CompareOp,
  type ExprIR,
  type FieldIR,
  type Outcome,
  type PolicyIR,
  type RoleIR,
  type RuleIR,
  type ValueIR,
  type VerdictIR,
} from '@axiru/runtime';
import { factsOf } from '../../src/analysis/probePolicy.js';

export const amount: FieldIR = { kind: 'amount' };
export const chargeAmount: FieldIR = { kind: 'charge_amount' };
export const chargeRefunded: FieldIR = { kind: 'charge_refunded' };
export const tenure: FieldIR = { kind: 'customer_tenure' };
export const chargeAge: FieldIR = { kind: 'charge_age' };
export const reason: FieldIR = { kind: 'reason' };
export const source: FieldIR = { kind: 'source' };
export const merchant: FieldIR = { kind: 'merchant' };
export const currency: FieldIR = { kind: 'currency' };
export const refunds = (days: number): FieldIR => ({ kind: 'customer_refunds', fact: `customer_refunds_last_${days}_days` });
export const metadata = (key: string): FieldIR => ({ kind: 'metadata', key });

/** Dollars to a USD money literal: usd(150.01) is 15001 cents. */
export const usd = (dollars: number): ValueIR => ({ type: 'money', currency: 'USD', minor: Math.round(dollars * 100) });
export const eur = (euros: number): ValueIR => ({ type: 'money', currency: 'EUR', minor: Math.round(euros * 100) });
export const hours = (n: number): ValueIR => ({ type: 'duration', hours: n });
export const days = (n: number): ValueIR => ({ type: 'duration', hours: n * 24 });
export const count = (n: number): ValueIR => ({ type: 'count', value: n });
export const sym = (value: string): ValueIR => ({ type: 'symbol', value });
export const text = (value: string): ValueIR => ({ type: 'text', value });

export const always: ExprIR = { op: 'true' };
export const cmp = (field: FieldIR, op: CompareOp, value: ValueIR): ExprIR => ({ op: 'cmp', field, cmp: op, value });
export const and = (...args: ExprIR[]): ExprIR => ({ op: 'and', args });
export const or = (...args: ExprIR[]): ExprIR => ({ op: 'or', args });
export const not = (arg: ExprIR): ExprIR => ({ op: 'not', arg });
export const between = (field: FieldIR, low: ValueIR, high: ValueIR): ExprIR => ({ op: 'between', field, low, high });
export const isIn = (field: FieldIR, ...values: ValueIR[]): ExprIR => ({ op: 'in', field, values });
export const ratio = (field: FieldIR, op: CompareOp, percent: number, of: FieldIR): ExprIR => ({ op: 'ratio', field, cmp: op, percent, of });

/** `amount over X` and friends, the most common atoms. */
export const over = (value: ValueIR, field: FieldIR = amount): ExprIR => cmp(field, 'gt', value);
export const under = (value: ValueIR, field: FieldIR = amount): ExprIR => cmp(field, 'lt', value);
export const atLeast = (value: ValueIR, field: FieldIR = amount): ExprIR => cmp(field, 'ge', value);
export const upTo = (value: ValueIR, field: FieldIR = amount): ExprIR => cmp(field, 'le', value);
export const from = (...sources: string[]): ExprIR => isIn(source, ...sources.map(sym));

export const ACME_ROLES: readonly RoleIR[] = [
  { name: 'support_lead', rank: 0, seniors: ['cfo', 'finance_manager'] },
  { name: 'finance_manager', rank: 1, seniors: ['cfo'] },
  { name: 'cfo', rank: 2, seniors: [] },
];

export const DEFAULT_SOURCES = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];

export const approval = (roles: string | string[], n = 1): ApprovalIR => ({ roles: Array.isArray(roles) ? roles : [roles], count: n });

export function rule(id: string, outcome: Outcome, condition: ExprIR, needs?: ApprovalIR): RuleIR {
  return {
    id,
    outcome,
    ...(outcome === 'pending_approval' ? { approval: needs ?? approval('support_lead') } : {}),
    reason: `rule ${id}`,
    condition,
  };
}

export const require_ = (id: string, condition: ExprIR, roles: string | string[], n = 1): RuleIR =>
  rule(id, 'pending_approval', condition, approval(roles, n));

export const verdict = (outcome: Outcome, needs?: ApprovalIR): VerdictIR =>
  outcome === 'pending_approval' ? { outcome, approval: needs ?? approval('support_lead') } : { outcome };

export interface PolicyParts {
  readonly rules: readonly RuleIR[];
  readonly otherwise?: VerdictIR;
  readonly onMissing?: VerdictIR | null;
  readonly sources?: readonly string[];
  readonly roles?: readonly RoleIR[];
}

/** A valid policy: facts are derived from the rules, roles default to acme's chain. */
/** Lists every test policy declares (declared lists may go unused). */
export const TEST_LISTS = ['trainees', 'vip'];

export function policy(parts: PolicyParts): PolicyIR {
  const facts = new Map<string, ReturnType<typeof factsOf>[number]>();
  for (const r of parts.rules) for (const fact of factsOf(r.condition)) facts.set(fact.name, fact);
  return {
    ir_version: IR_VERSION,
    timezone: 'UTC',
    lists: TEST_LISTS,
    policy: 'test',
    version: 1,
    hash: `sha256:${'0'.repeat(64)}`,
    roles: parts.roles ?? ACME_ROLES,
    sources: parts.sources ?? DEFAULT_SOURCES,
    default: parts.otherwise ?? { outcome: 'allow' },
    on_missing: parts.onMissing ?? null,
    rules: parts.rules,
    facts: [...facts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
