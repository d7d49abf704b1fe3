// Velocity facts over a history, derived as the decision server derives them: the runtime's
// computeVelocityFacts() (one implementation for both) over the earlier refunds of the same
// customer, source or merchant. Refunds of a history happened, so each counts as `executed`.
// Per scope value only the refunds inside the longest window are kept, so memory follows the
// busiest window, not the history.

import { computeVelocityFacts, longestWindowMs, scopeField, type EarlierRefund, type FactIR, type VelocityFact, type VelocityScope } from '@axiru/runtime';
import type { RefundRow } from './HistoryRefund.js';

const SCOPES: readonly VelocityScope[] = ['customer', 'source', 'merchant'];

export class VelocityWindows {
  private readonly byScope: readonly { readonly scope: VelocityScope; readonly facts: readonly VelocityFact[]; readonly earlier: Map<string, EarlierRefund[]> }[];
  private readonly longest: number;

  constructor(facts: readonly FactIR[]) {
    const velocity = facts.filter((fact): fact is VelocityFact => fact.kind === 'velocity');
    this.longest = longestWindowMs(velocity);
    this.byScope = SCOPES.map((scope) => ({ scope, facts: velocity.filter((fact) => fact.scope === scope), earlier: new Map<string, EarlierRefund[]>() })).filter((s) => s.facts.length > 0);
  }

  get empty(): boolean {
    return this.byScope.length === 0;
  }

  /** Adds the velocity facts of `row` (as of just before it) to `input`, then counts it for later refunds. */
  next(row: RefundRow, input: Record<string, unknown>): void {
    const { refund, time } = row;
    const current: EarlierRefund = {
      received_at_ms: time,
      amount_cents: refund.amount_cents,
      currency: refund.currency,
      status: 'executed',
      customer_id: refund.customer_id,
      source: refund.source,
      stripe_account: refund.stripe_account,
    };
    for (const { scope, facts, earlier } of this.byScope) {
      const key = current[scopeField(scope)];
      if (typeof key !== 'string') continue;
      let list = earlier.get(key);
      if (list !== undefined) {
        // Forget refunds that have left the longest window: they never count again.
        const cutoff = time - this.longest;
        let drop = 0;
        while (drop < list.length && (list[drop] as EarlierRefund).received_at_ms <= cutoff) drop++;
        if (drop > 0) list.splice(0, drop);
      }
      Object.assign(input, computeVelocityFacts(facts, current, list ?? []));
      if (list === undefined) earlier.set(key, (list = []));
      list.push(current);
    }
  }
}
