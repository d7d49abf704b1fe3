// The facts a policy needs, derived from the history itself, the way the decision server derives
// them from its ledger (server/src/services/computeFacts.ts), so a replayed decision matches
// what Axiru would have decided live:
// - customer tenure: days from the customer's first payment seen anywhere in the history to the
//   refund. The first payment is a minimum, so it is known once every file has been read, and
//   every payment seen counts (it happened before the refund if it was the customer's first);
// - `customer_refunds_last_N_days`: the customer's earlier refunds with a time in
//   (refund time - window, refund time]; "earlier" is replay order (time, then input order), so a
//   refund never counts itself and of two at the same second the first counts for the second;
// - `charge_refunded_cents`: the amount refunded on the same charge, in the same currency, by
//   earlier refunds (partial refunds add up);
// - charge age: days from the charge's creation to the refund;
// - velocity facts (`source_refunded_last_1_hours`, ...): VelocityWindows.ts, with the runtime's
//   computeVelocityFacts(), as the server computes them;
// - `customer_id`, and `requested_by` from the refund's metadata.
// A fact whose key is unknown (no customer, no charge) is left out: the runtime treats it as missing.
//
// Memory: customers and charges are numbered by a StringIndex (about 40 bytes each, in typed
// arrays); per customer, the first payment and the latest refund are two numbers, and only
// customers with several refunds inside the longest window keep a list of times. Charges are
// numbered only when a policy asks for charge_refunded_cents.

import type { DecisionInput, FactIR } from '@axiru/runtime';
import type { RefundRow } from './HistoryRefund.js';
import { StringIndex } from './StringIndex.js';
import { VelocityWindows } from './VelocityWindows.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** How often (in refunds) customers with no refund left inside the longest window are forgotten. */
const SWEEP_EVERY = 50_000;

/** Index of the first element of the ascending `times` above `bound`. */
function firstAbove(times: readonly number[], bound: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) > bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A Float64Array of NaN ("none") that grows to hold any index. */
class NumberColumn {
  private values = new Float64Array(1024).fill(NaN);

  get(index: number): number {
    return index < this.values.length ? (this.values[index] as number) : NaN;
  }

  set(index: number, value: number): void {
    if (index >= this.values.length) {
      let size = this.values.length;
      while (size <= index) size *= 2;
      const bigger = new Float64Array(size).fill(NaN);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[index] = value;
  }
}

export class FactTracker {
  private readonly customers = new StringIndex();
  private readonly firstPayment = new NumberColumn();
  /** Per customer, the time of their latest refund so far. */
  private readonly lastRefund = new NumberColumn();
  /** Customers with two or more refunds inside the longest window: their times, ascending. */
  private readonly several = new Map<number, number[]>();
  private readonly windows: readonly { readonly name: string; readonly ms: number }[];
  private readonly longestWindow: number;
  private readonly charges: StringIndex | null;
  private readonly chargeRefunded = new NumberColumn();
  private readonly chargeRefundedName: string | null;
  private readonly velocity: VelocityWindows;
  private sinceSweep = 0;
  private lastTime = -Infinity;

  /** `facts`: every computed fact any of the replayed policies asks for. */
  constructor(facts: readonly FactIR[]) {
    this.windows = facts.flatMap((f) => (f.kind === 'customer_refund_count' ? [{ name: f.name, ms: f.window_hours * HOUR_MS }] : []));
    this.longestWindow = Math.max(0, ...this.windows.map((w) => w.ms));
    const charge = facts.find((f) => f.kind === 'charge_refunded');
    this.charges = charge ? new StringIndex() : null;
    this.chargeRefundedName = charge?.name ?? null;
    this.velocity = new VelocityWindows(facts);
  }

  /** A customer paid at `time`. Call for every payment before the first next(). */
  notePayment(customer: string, time: number): void {
    const index = this.customers.intern(customer);
    const first = this.firstPayment.get(index);
    if (!(first <= time)) this.firstPayment.set(index, time);
  }

  /**
   * The decision input for a refund as of just before it happened, after which the refund counts
   * for later ones. Refunds must come in replay order (time, then input order).
   */
  next(row: RefundRow): DecisionInput {
    const { refund, time } = row;
    if (time < this.lastTime) throw new Error('FactTracker.next: refunds must come in time order');
    this.lastTime = time;
    const customer = refund.customer_id === null ? -1 : this.windows.length > 0 ? this.customers.intern(refund.customer_id) : this.customers.get(refund.customer_id);
    const first = customer < 0 ? NaN : this.firstPayment.get(customer);
    const tenure = first <= time ? (time - first) / DAY_MS : null;
    const age = row.chargeTime === null || row.chargeTime > time ? null : (time - row.chargeTime) / DAY_MS;
    const input: Record<string, unknown> = {
      amount_cents: refund.amount_cents,
      currency: refund.currency,
      source: refund.source,
      reason: refund.reason,
      customer_tenure_days: tenure,
      stripe_account: refund.stripe_account,
      charge_amount_cents: refund.charge_amount_cents,
      charge_age_days: age,
      metadata: refund.metadata,
    };
    if (this.windows.length > 0 && customer >= 0) this.countRefunds(customer, time, input);
    if (this.charges !== null && refund.charge_id !== null) {
      const charge = this.charges.intern(`${refund.charge_id}\u0000${refund.currency}`);
      const before = this.chargeRefunded.get(charge);
      const refunded = Number.isNaN(before) ? 0 : before;
      input[this.chargeRefundedName as string] = refunded;
      this.chargeRefunded.set(charge, refunded + refund.amount_cents);
    }
    if (!this.velocity.empty) this.velocity.next(row, input);
    if (refund.customer_id !== null) input['customer_id'] = refund.customer_id;
    const requestedBy = refund.metadata['requested_by'];
    if (requestedBy !== undefined) input['requested_by'] = requestedBy;
    return input;
  }

  /** Sets each window's count of the customer's earlier refunds, then counts this one. */
  private countRefunds(customer: number, time: number, input: Record<string, unknown>): void {
    const cutoff = time - this.longestWindow;
    let times = this.several.get(customer);
    if (times !== undefined) {
      const expired = firstAbove(times, cutoff);
      if (expired > 0) times.splice(0, expired);
    } else {
      // Most customers refund once in a while: one number says all about them.
      const last = this.lastRefund.get(customer);
      times = last > cutoff ? [last] : [];
    }
    for (const window of this.windows) input[window.name] = times.length - firstAbove(times, time - window.ms);
    this.lastRefund.set(customer, time);
    if (times.length === 0) this.several.delete(customer);
    else {
      times.push(time);
      this.several.set(customer, times);
    }
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep(time);
  }

  /** Forgets the lists of customers whose refunds have all left the longest window. */
  private sweep(now: number): void {
    this.sinceSweep = 0;
    const cutoff = now - this.longestWindow;
    for (const [customer, times] of this.several) {
      if ((times[times.length - 1] as number) <= cutoff) this.several.delete(customer);
    }
  }
}
