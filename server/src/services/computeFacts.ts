// Computed facts: values a policy asks for that a single request cannot carry, derived from the
// organisation's earlier intents as of the request's received_at. They are computed inside the
// sealing transaction (so earlier requests of the same batch are already visible) and recorded
// in the sealed decision, so a re-evaluation never needs to recompute them.

import type { FactIR } from '@axiru/runtime';
import type { IntentRepository, IntentStatus } from '../repositories/types.js';
import type { DecisionRequest } from './decisionRequest.js';

/**
 * Intents that count as refunds for facts: everything that was let through or may still move
 * money without another policy decision. An approval does not re-run the policy, so pending
 * and held refunds must count, or two requests awaiting approval could together exceed what
 * a rule allows. Denied, blocked, failed and expired intents moved no money and never will.
 */
export const COUNTED_STATUSES: readonly IntentStatus[] = [
  'allowed', 'pending_approval', 'approved', 'held', 'executed', 'observed',
];

const HOUR_MS = 3_600_000;

export type Facts = Record<string, number>;

/**
 * The values of `facts` for one request. A fact whose key field is absent (no customer_id, no
 * stripe_charge_id) is left out, which the runtime treats as missing.
 */
export async function computeFacts(
  intents: IntentRepository,
  orgId: string,
  facts: readonly FactIR[],
  request: DecisionRequest,
  receivedMs: number,
): Promise<Facts> {
  const values: Facts = {};
  for (const fact of facts) {
    switch (fact.kind) {
      case 'customer_refund_count':
        // Earlier refunds of this customer with received_at in (received_at - window, received_at].
        if (request.customer_id !== undefined) {
          values[fact.name] = await intents.countForCustomer(
            orgId, request.customer_id, receivedMs - fact.window_hours * HOUR_MS, receivedMs, COUNTED_STATUSES);
        }
        break;
      case 'charge_refunded':
        // Already refunded (or on its way) on this charge, in the refund's currency: a charge has
        // one currency, so amounts in another one cannot belong to it.
        if (request.stripe_charge_id !== undefined) {
          values[fact.name] = await intents.sumForCharge(
            orgId, request.stripe_charge_id, request.currency, receivedMs, COUNTED_STATUSES);
        }
        break;
    }
  }
  return values;
}
