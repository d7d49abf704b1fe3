// What the sealing path reads facts from, kept in memory for generating a large ledger fast.
// sealDecisions keeps the intents view current inside its transaction (projection cursors, rows
// with six indexes) so that each decision's facts count every earlier one. A generator sealing a
// million decisions needs the same facts, not the same rows: this wraps a write transaction so
// that the intents view and its cursors live in memory (exact answers to the two fact queries),
// while the ledger records are written for real by the server's own sealDecisions and chain
// code. The intents table is then built from the ledger once, by the projection catch-up, as
// `axiru serve` or `axiru db rebuild` would.

/** Facts as the intents repository answers them, from the rows sealDecisions inserts. */
export class MemoryIntents {
  /** `${org}\0${customer}` → received_ms and status of each intent, in sealing order. */
  customers = new Map();
  /** `${org}\0${charge}\0${currency}` → received_ms, status and amount of each intent. */
  charges = new Map();
  cursors = new Map();

  async insert(row) {
    if (row.customer_id !== null) push(this.customers, `${row.org_id}\0${row.customer_id}`, { ms: row.received_ms, status: row.status });
    if (row.stripe_charge_id !== null) {
      push(this.charges, `${row.org_id}\0${row.stripe_charge_id}\0${row.currency}`, { ms: row.received_ms, status: row.status, amount: row.amount_cents });
    }
  }

  /** Intents of this customer with received_ms in (fromMs, toMs] and one of `statuses`. */
  async countForCustomer(orgId, customerId, fromMs, toMs, statuses) {
    const rows = this.customers.get(`${orgId}\0${customerId}`) ?? [];
    let count = 0;
    // Newest last: walk back until the window's start.
    for (let i = rows.length - 1; i >= 0; i -= 1) {
      const row = rows[i];
      if (row.ms <= fromMs) break;
      if (row.ms <= toMs && statuses.includes(row.status)) count += 1;
    }
    return count;
  }

  /** Sum of amount_cents on this charge in `currency`, received at or before toMs, with one of `statuses`. */
  async sumForCharge(orgId, chargeId, currency, toMs, statuses) {
    let sum = 0;
    for (const row of this.charges.get(`${orgId}\0${chargeId}\0${currency}`) ?? []) {
      if (row.ms <= toMs && statuses.includes(row.status)) sum += row.amount;
    }
    return sum;
  }

  async setStatus() {
    throw new Error('the generator seals decisions only; no status changes');
  }

  /** `tx` with the intents view and its projection cursors in memory; everything else real. */
  wrap(tx) {
    const cursors = this.cursors;
    return Object.assign(Object.create(tx), {
      intents: this,
      projections: {
        cursor: async (projection, orgId) => cursors.get(`${projection}\0${orgId}`) ?? 0,
        setCursor: async (projection, orgId, seq) => void cursors.set(`${projection}\0${orgId}`, seq),
        reset: async () => { throw new Error('not while generating'); },
        lag: async () => 0,
      },
    });
  }
}

function push(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
