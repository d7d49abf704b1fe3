// The decision requests both server benchmarks send, as a support tool or an agent would:
// customers and charges vary so that the computed facts are realistic index lookups, not one
// ever-growing customer.

/** The n-th request body (n = 1, 2, ...), as an object. */
export function decisionRequest(n) {
  return {
    source: n % 5 === 0 ? 'ai_agent' : 'support_tool',
    action: 'refund',
    stripe_charge_id: `ch_${n % 50_000}`,
    amount_cents: 1_000 + ((n * 7919) % 40_000),
    customer_tenure_days: n % 400,
    reason: n % 3 === 0 ? 'duplicate_charge' : 'requested_by_customer',
    customer_id: `cus_${n % 10_000}`,
    charge_amount_cents: 50_000,
  };
}
