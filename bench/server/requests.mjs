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

let sent = 0;

/** The next request body, as JSON: each call in the process a new n. */
export function decisionBody() {
  sent += 1;
  return JSON.stringify(decisionRequest(sent));
}

/**
 * The durable-append baseline's requests (autocannon's `requests`), and the count of those
 * acknowledged with 200 so far: every appended record must be one of them.
 */
export function appendRequests() {
  const counted = { acknowledged: 0 };
  const requests = Array.from({ length: 500 }, () => ({
    method: 'POST', path: '/append', headers: { 'content-type': 'application/json' }, body: decisionBody(),
    onResponse: (status) => { if (status === 200) counted.acknowledged += 1; },
  }));
  return { requests, counted };
}
