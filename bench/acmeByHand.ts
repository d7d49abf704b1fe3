// The acme policy (docs/language.md, "A whole file") written by hand in TypeScript: the
// ceiling for decide(). It gives the same outcome, reason, matched_rule, approver and matched
// rules as the runtime for every request; it does not list missing fields. A rule that lacks
// an input simply does not match, which gives the runtime's outcomes because acme has no
// `on missing` (but note `unless reason is duplicate_charge` needs a present reason).

import type { DecisionInput, Outcome } from '@axiru/runtime';

export interface HandDecision {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
  readonly approvals_required: number | null;
  readonly matched_rules: readonly string[];
}

function decision(outcome: Outcome, reason: string, rule: string | null, role: string | null, count: number | null, matched: string[]): HandDecision {
  return { outcome, reason, matched_rule: rule, approver_role: role, approvals_required: count, matched_rules: matched };
}

export function decideAcmeByHand(input: DecisionInput): HandDecision {
  const c = input.currency;
  const currency = typeof c !== 'string' ? 'USD' : c === 'usd' || c === 'USD' ? 'USD' : c.toUpperCase();
  const amount = input.amount_cents;
  const hasAmount = typeof amount === 'number' && Number.isSafeInteger(amount);
  const usd = currency === 'USD' && hasAmount;
  const cents = hasAmount ? amount : 0;
  const tenure = input.customer_tenure_days;
  const source = input.source;
  const count = input['customer_refunds_last_30_days'];
  const reason = input.reason;
  const charge = input.charge_amount_cents;

  const highValue = usd && cents > 15000;
  const veryHigh = usd && cents > 250000;
  const newCustomer = usd && cents > 50000 && typeof tenure === 'number' && tenure >= 0 && tenure < 30;
  const bot = (source === 'ai_agent' || source === 'automation') && usd && cents > 5000;
  const routine = usd && cents <= 15000;
  const serial = typeof count === 'number' && count >= 3 && typeof reason === 'string' && reason !== 'duplicate_charge';
  // 100% of the charge: amount * 100 > 100 * charge, i.e. amount > charge; in any currency.
  const overCharge = hasAmount && typeof charge === 'number' && Number.isSafeInteger(charge) && cents > charge;

  const matched: string[] = [];
  if (highValue) matched.push('high_value_refund_review');
  if (veryHigh) matched.push('very_high_value');
  if (newCustomer) matched.push('new_customer_large_refund');
  if (bot) matched.push('bot_limit');
  if (routine) matched.push('routine');
  if (serial) matched.push('serial_refunder');
  if (overCharge) matched.push('over_charge');

  if (newCustomer) return decision('block', 'Large refunds to new customers are blocked', 'new_customer_large_refund', null, null, matched);
  if (overCharge) return decision('block', 'A refund can never exceed what was charged', 'over_charge', null, null, matched);
  if (veryHigh) return decision('pending_approval', 'Refunds over $2,500 require 2 approvals from cfo', 'very_high_value', 'cfo', 2, matched);
  if (highValue) return decision('pending_approval', 'Refunds over $150 require approval', 'high_value_refund_review', 'finance_manager', 1, matched);
  if (bot) return decision('pending_approval', 'Refunds from ai_agent or automation over $50 require support_lead', 'bot_limit', 'support_lead', 1, matched);
  if (serial) return decision('flag', 'Flag refunds when customer refunds in last 30 days at least 3 unless reason is duplicate_charge', 'serial_refunder', null, null, matched);
  if (routine) return decision('allow', 'Routine refunds auto-allow', 'routine', null, null, matched);
  return decision('pending_approval', 'No rule matched; the policy requires support_lead', null, 'support_lead', 1, matched);
}
