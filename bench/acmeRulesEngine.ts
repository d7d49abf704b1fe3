// The acme policy expressed for json-rules-engine, the usual JavaScript rules engine: the
// comparison point for "over 100x faster". Its format has no currencies, three-valued logic
// or outcome ranking, so, as a user of it would, this adds a `refund_currency` fact (USD by
// default), a `present` operator (for `unless reason is ...`, which must not hold when the
// reason is absent) and picks the most restrictive matched rule itself, in the same order as
// the runtime. Missing facts are allowed and simply fail the comparisons that read them.

import { Engine, type Almanac, type RuleProperties } from 'json-rules-engine';
import type { DecisionInput, Outcome } from '@axiru/runtime';

interface AcmeEvent {
  readonly outcome: Outcome;
  readonly reason: string;
}

const usd = { fact: 'refund_currency', operator: 'equal', value: 'USD' };
const amountOver = (cents: number) => ({ fact: 'amount_cents', operator: 'greaterThan', value: cents });

const RULES: readonly RuleProperties[] = [
  {
    name: 'high_value_refund_review',
    conditions: { all: [usd, amountOver(15000)] },
    event: { type: 'pending_approval', params: { reason: 'Refunds over $150 require approval' } },
  },
  {
    name: 'very_high_value',
    conditions: { all: [usd, amountOver(250000)] },
    event: { type: 'pending_approval', params: { reason: 'Refunds over $2,500 require 2 approvals from cfo' } },
  },
  {
    name: 'new_customer_large_refund',
    conditions: { all: [usd, amountOver(50000), { fact: 'customer_tenure_days', operator: 'lessThan', value: 30 }] },
    event: { type: 'block', params: { reason: 'Large refunds to new customers are blocked' } },
  },
  {
    name: 'bot_limit',
    conditions: { all: [{ fact: 'source', operator: 'in', value: ['ai_agent', 'automation'] }, usd, amountOver(5000)] },
    event: { type: 'pending_approval', params: { reason: 'Refunds from ai_agent or automation over $50 require support_lead' } },
  },
  {
    name: 'routine',
    conditions: { all: [usd, { fact: 'amount_cents', operator: 'lessThanInclusive', value: 15000 }] },
    event: { type: 'allow', params: { reason: 'Routine refunds auto-allow' } },
  },
  {
    name: 'serial_refunder',
    conditions: {
      all: [
        { fact: 'customer_refunds_last_30_days', operator: 'greaterThanInclusive', value: 3 },
        { fact: 'reason', operator: 'present', value: true },
        { not: { fact: 'reason', operator: 'equal', value: 'duplicate_charge' } },
      ],
    },
    event: { type: 'flag', params: { reason: 'Flag refunds when customer refunds in last 30 days at least 3 unless reason is duplicate_charge' } },
  },
  {
    name: 'over_charge',
    conditions: { all: [{ fact: 'amount_cents', operator: 'greaterThan', value: { fact: 'charge_amount_cents' } }] },
    event: { type: 'block', params: { reason: 'A refund can never exceed what was charged' } },
  },
];

/** Strongest first, as the runtime ranks them: block, then approvals by strictness, flag, allow. */
const PRIORITY = ['new_customer_large_refund', 'over_charge', 'very_high_value', 'high_value_refund_review', 'bot_limit', 'serial_refunder', 'routine'];
const FILE_ORDER = RULES.map((rule) => rule.name ?? '');

export interface EngineDecision {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly matched_rule: string | null;
  readonly matched_rules: readonly string[];
}

export function createAcmeEngine(): (input: DecisionInput) => Promise<EngineDecision> {
  const engine = new Engine([...RULES], { allowUndefinedFacts: true });
  engine.addOperator('present', (value: unknown) => value !== undefined && value !== null);
  engine.addFact('refund_currency', async (_params: Record<string, unknown>, almanac: Almanac) => {
    const currency = await almanac.factValue<unknown>('currency');
    return typeof currency === 'string' ? currency.toUpperCase() : 'USD';
  });
  return async (input) => {
    const { results } = await engine.run({ ...input });
    const matched = new Set(results.map((result) => result.name as string));
    const winner = PRIORITY.find((name) => matched.has(name));
    const rule = RULES.find((candidate) => candidate.name === winner);
    const event = rule?.event.params as AcmeEvent | undefined;
    return {
      outcome: winner === undefined ? 'pending_approval' : (rule?.event.type as Outcome),
      reason: event?.reason ?? 'No rule matched; the policy requires support_lead',
      matched_rule: winner ?? null,
      matched_rules: FILE_ORDER.filter((name) => matched.has(name)),
    };
  };
}
