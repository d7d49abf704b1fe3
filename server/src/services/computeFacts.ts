// Computed facts: values a policy asks for that a single request cannot carry, derived from the
// organisation's earlier intents. They are computed inside the sealing transaction (so earlier
// requests of the same batch are already visible) and recorded in the sealed decision, so a
// re-evaluation never needs to recompute them.
//
// "Earlier" is the chain's order: when sealing, every intent the view holds was sealed before
// this one, and all of them count if they were received within the window that ends at this
// one's received_at, whatever their own received_at. On one SQLite server the two orders agree
// (an organisation's requests are sealed in arrival order). Several servers on PostgreSQL
// receive on their own clocks, and two batches of one server can take the organisation's lock
// in either order; counting by received_at up to this one's would then let two refunds sealed
// one after the other each miss the other, and a velocity rule be passed by speed.

import { localTimeFacts, scopeField, type FactIR } from '@axiru/runtime';
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

export type Facts = Record<string, number | string>;

/** The upper bound of a window when sealing: everything sealed before, received when it may. */
export const SEALED_BEFORE = Number.MAX_SAFE_INTEGER;

/**
 * The values of `facts` for one request, counting the intents received in (received_at - window,
 * `untilMs`]: SEALED_BEFORE when sealing, received_at when re-deriving a past decision's facts
 * from a view that also holds what came after it. A fact whose key field is absent (no customer_id, no
 * stripe_charge_id, no stripe_account) is left out, which the runtime treats as missing.
 * `local_time` and `weekday` are those of received_at in `timeZone` (the policy's zone), from
 * the runtime's one implementation, so `axiru replay` derives the same values.
 */
export async function computeFacts(
  intents: IntentRepository,
  orgId: string,
  facts: readonly FactIR[],
  request: DecisionRequest,
  receivedMs: number,
  timeZone: string,
  untilMs: number,
): Promise<Facts> {
  const values: Facts = {};
  // Velocity facts of one scope and window share one query: its count and its sum.
  const windows = new Map<string, { count: number; sum: number } | null>();
  for (const fact of facts) {
    switch (fact.kind) {
      case 'customer_refund_count':
        // Earlier refunds of this customer with received_at in (received_at - window, untilMs].
        if (request.customer_id !== undefined) {
          values[fact.name] = await intents.countForCustomer(
            orgId, request.customer_id, receivedMs - fact.window_hours * HOUR_MS, untilMs, COUNTED_STATUSES);
        }
        break;
      case 'charge_refunded':
        // Already refunded (or on its way) on this charge, in the refund's currency: a charge has
        // one currency, so amounts in another one cannot belong to it.
        if (request.stripe_charge_id !== undefined) {
          values[fact.name] = await intents.sumForCharge(
            orgId, request.stripe_charge_id, request.currency, untilMs, COUNTED_STATUSES);
        }
        break;
      case 'velocity': {
        // Earlier refunds of the same customer / source / Connect account with received_at in
        // (received_at - window, untilMs]; sums in the refund's own currency only.
        const column = scopeField(fact.scope);
        const value = request[column];
        if (typeof value !== 'string') break;
        const key = `${column}:${fact.window_hours}`;
        let window = windows.get(key);
        if (window === undefined) {
          window = await intents.velocity(
            orgId, column, value, request.currency, receivedMs - fact.window_hours * HOUR_MS, untilMs, COUNTED_STATUSES);
          windows.set(key, window);
        }
        if (window) values[fact.name] = fact.measure === 'count' ? window.count : window.sum;
        break;
      }
      case 'local_time':
      case 'weekday':
        Object.assign(values, computeLocalFacts([fact], receivedMs, timeZone));
        break;
    }
  }
  return values;
}

/** `local_time` and/or `weekday` of received_at in `timeZone`: the facts that need no history. */
export function computeLocalFacts(facts: readonly FactIR[], receivedMs: number, timeZone: string): Facts {
  const values: Facts = {};
  const local = localTimeFacts(receivedMs, timeZone);
  for (const fact of facts) {
    if (fact.kind === 'local_time') values[fact.name] = local.local_time;
    else if (fact.kind === 'weekday') values[fact.name] = local.weekday;
  }
  return values;
}
