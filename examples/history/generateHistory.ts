// A seeded generator of realistic Stripe refund history, for trying `axiru replay` in one command.
//
// It writes, for the same refunds:
// - `unified_payments.csv`: Stripe's Payments export. One row per charge: refunded charges carry
//   their total `Amount Refunded` and the date of their last refund, and every customer's first
//   payment plus some other unrefunded payments are there too (tenure comes from them).
// - `refunds.jsonl`: one Stripe Refund object per line, with the charge expanded
//   (`expand: ['data.charge']`), oldest first.
// A charge refunded in several parts is one row of the Payments export but several Refund objects,
// so the export holds fewer refunds than the JSON Lines file.
//
// Realism, in numbers: six currencies (JPY zero-decimal, KWD three-decimal), a third of charges
// on Connect accounts, 1.5% of customers refunding often, duplicate charges refunded as
// `duplicate`, partial and multi-part refunds, stale charges, refunds from `ai_agent`,
// `support_tool`, `automation` and `stripe_direct` (in metadata `source`), customers whose first
// payment was days or years ago.
//
// Memory stays flat: days are generated in order and written as they are made; only a few numbers
// per customer (17 bytes) and the scheduled follow-up refunds stay in memory.

import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { minorUnits } from '@axiru/runtime';
import { Prng } from './Prng.js';

export interface GenerateOptions {
  /** Refund objects to write (the JSON Lines file has exactly this many). */
  readonly refunds: number;
  /** Days of history, ending at `end`. */
  readonly days: number;
  readonly seed: number;
  readonly outDir: string;
  /** End of the history (exclusive), ISO 8601. A fixed default keeps the output independent of the clock. */
  readonly end?: string;
  /** Unrefunded payments written per refund episode, besides each customer's first payment. */
  readonly extraPayments?: number;
  /** Called after each generated day with the refunds written so far (for a progress bar). */
  readonly onProgress?: (written: number, total: number) => void;
}

export interface GenerateSummary {
  readonly refunds: number;
  readonly refundedCharges: number;
  readonly paymentRows: number;
  readonly customers: number;
  readonly from: string;
  readonly to: string;
  readonly files: { readonly payments: string; readonly refunds: string };
}

export const DEFAULT_END = '2026-04-01T00:00:00Z';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Currencies with their share of charges and a rough price in units of the currency per US dollar. */
const CURRENCIES: readonly (readonly [code: string, weight: number, perDollar: number])[] = [
  ['usd', 60, 1],
  ['eur', 14, 0.92],
  ['gbp', 8, 0.79],
  ['cad', 6, 1.36],
  ['jpy', 9, 150],
  ['kwd', 3, 0.31],
];

/** Charge amounts in US dollars: ranges and their weights. */
const CHARGE_DOLLARS = [
  [5, 40, 30],
  [40, 150, 34],
  [150, 600, 22],
  [600, 2_500, 10],
  [2_500, 12_000, 4],
] as const;

const SOURCES: readonly (readonly [string | null, number])[] = [
  ['support_tool', 40],
  ['ai_agent', 30],
  ['automation', 15],
  ['stripe_direct', 5],
  [null, 10],
];

type EpisodeKind = 'full' | 'partial' | 'multi' | 'duplicate' | 'fraud' | 'stale';
const EPISODES: readonly (readonly [EpisodeKind, number])[] = [
  ['full', 48],
  ['partial', 20],
  ['multi', 9],
  ['duplicate', 10],
  ['fraud', 4],
  ['stale', 9],
];

/**
 * Connect accounts, the busiest first. Fixed (not drawn from the seed) so that example policies
 * can name them: examples/pack/connect-merchant-limits.axiru watches the last two.
 */
export const CONNECT_ACCOUNTS = [
  'acct_1NxBazaarShoes7', 'acct_1NxWatchHouse42', 'acct_1NxKettleCoffee', 'acct_1NxTinyTeaShop3',
  'acct_1NxNorthFitness', 'acct_1NxPixelPrints9', 'acct_1NxGreenGrocer5', 'acct_1NxCityBikes212',
  'acct_1NxBookNookLtd8', 'acct_1NxAudioWorks31', 'acct_1NxGadgetFlip99', 'acct_1NxNewSeller001',
] as const;

/** Activity by weekday (Sunday first): fewer refunds at the weekend. */
const WEEKDAY = [0.7, 1.1, 1.1, 1.05, 1.05, 1.0, 0.8] as const;

const PAYMENT_COLUMNS = [
  'id', 'Description', 'Seller Message', 'Created date (UTC)', 'Amount', 'Amount Refunded', 'Currency',
  'Converted Amount', 'Converted Amount Refunded', 'Fee', 'Taxes On Fee', 'Converted Currency', 'Mode', 'Status',
  'Statement Descriptor', 'Customer ID', 'Customer Description', 'Customer Email', 'Captured', 'Card ID',
  'Card Last4', 'Card Brand', 'Card Funding', 'Card Exp Month', 'Card Exp Year', 'Card Address Country',
  'Disputed Amount', 'Dispute Status', 'Invoice ID', 'Payment Source Type', 'Destination', 'Transfer',
  'PaymentIntent ID', 'Refunded date (UTC)', 'source (metadata)', 'ticket (metadata)',
  'refund_reason (metadata)', 'order_id (metadata)',
] as const;

const FIRST_NAMES = ['Ada', 'Ben', 'Chloé', 'Dev', 'Eva', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemi', 'Lars', 'Mia', 'Noor', 'Omar', 'Priya'];
const LAST_NAMES = ['Okafor', 'Smith', 'Müller', 'Tanaka', 'Rossi', 'García', 'Nguyen', 'Kowalski', 'Haddad', 'Johansson', "O'Brien", 'Silva'];
const BRANDS: readonly (readonly [string, number])[] = [['Visa', 55], ['MasterCard', 30], ['American Express', 10], ['Discover', 5]];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'CA', 'KW', 'NL', 'ES'];

interface Customer {
  readonly index: number;
  readonly id: string;
  /** Time of the first payment (ms). */
  readonly joined: number;
  readonly name: string;
  readonly email: string;
  readonly country: string;
}

interface Charge {
  readonly id: string;
  readonly created: number;
  readonly amount: number;
  readonly currency: string;
  readonly customer: Customer;
  readonly account: string | null;
  readonly source: string | null;
  readonly ticket: string | null;
  readonly description: string;
}

interface Refund {
  readonly id: string;
  readonly created: number;
  readonly amount: number;
  readonly reason: string | null;
  readonly charge: Charge;
  /** Total refunded on the charge once every part is done (what an export shows). */
  readonly chargeRefundedTotal: number;
}

/** Minor units as the major-unit decimal Stripe's exports print: 1234.56, 5000, 1.250. */
export function majorUnits(minor: number, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** `2026-03-01 14:02:11`: the UTC format of Stripe's CSV exports. */
export function exportDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A write stream with a string buffer, honouring backpressure. */
class Output {
  private buffer = '';
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  write(text: string): void {
    this.buffer += text;
  }

  /** Writes the buffer once it holds 64 KB (or when forced), waiting while the file catches up. */
  async flush(force = false): Promise<void> {
    if (this.buffer.length < 1 << 16 && !force) return;
    const ok = this.stream.write(this.buffer);
    this.buffer = '';
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush(true);
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** A binary min-heap of refunds by (created, id): follow-up parts waiting for their day. */
class RefundHeap {
  private readonly items: Refund[] = [];

  get size(): number {
    return this.items.length;
  }

  private less(a: Refund, b: Refund): boolean {
    return a.created < b.created || (a.created === b.created && a.id < b.id);
  }

  push(refund: Refund): void {
    const items = this.items;
    items.push(refund);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i] as Refund, items[parent] as Refund)) break;
      [items[i], items[parent]] = [items[parent] as Refund, items[i] as Refund];
      i = parent;
    }
  }

  peek(): Refund | undefined {
    return this.items[0];
  }

  pop(): Refund | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(items[l] as Refund, items[m] as Refund)) m = l;
        if (r < items.length && this.less(items[r] as Refund, items[m] as Refund)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as Refund, items[i] as Refund];
        i = m;
      }
    }
    return top;
  }
}

export async function generateHistory(options: GenerateOptions): Promise<GenerateSummary> {
  const { refunds: total, days, seed, outDir } = options;
  if (!Number.isSafeInteger(total) || total < 1) throw new Error('--refunds must be a positive integer');
  if (!Number.isSafeInteger(days) || days < 1) throw new Error('--days must be a positive integer');
  const end = Date.parse(options.end ?? DEFAULT_END);
  if (Number.isNaN(end)) throw new Error(`--end ${options.end}: not a date`);
  const start = end - days * DAY;
  const extraPayments = options.extraPayments ?? 0.5;

  const rng = new Prng(seed);
  mkdirSync(outDir, { recursive: true });
  const files = { payments: join(outDir, 'unified_payments.csv'), refunds: join(outDir, 'refunds.jsonl') };
  const payments = new Output(files.payments);
  const refundsOut = new Output(files.refunds);
  payments.write(`${PAYMENT_COLUMNS.join(',')}\n`);

  const accountWeights = CONNECT_ACCOUNTS.map((a, i) => [a, 1 / (i + 1)] as const);

  // Customers: when they first paid, and how often they refund (1.5% refund often, making about
  // a fifth of all refunds; most others refund once or twice). Only numbers
  // are kept per customer; ids and names are derived from the customer's index when needed.
  const customerCount = Math.max(20, Math.floor(total * 1.2));
  const joined = new Float64Array(customerCount);
  const introduced = new Uint8Array(customerCount);
  const cumulative = new Float64Array(customerCount);
  let weightSum = 0;
  for (let i = 0; i < customerCount; i++) {
    const daysBefore = i === 0 ? 1_000 : rng.inRanges([[0, days, 22], [days, days + 60, 10], [days + 60, 730, 45], [730, 2_200, 23]]);
    joined[i] = Math.floor(end - daysBefore * DAY);
    weightSum += rng.chance(0.015) ? 15 : 1;
    cumulative[i] = weightSum;
  }

  function customerAt(index: number): Customer {
    const own = new Prng((seed * 2_654_435_761 + index) >>> 0);
    const first = own.pick(FIRST_NAMES);
    const last = own.pick(LAST_NAMES);
    return {
      index,
      id: `cus_${own.id(14)}`,
      joined: joined[index] as number,
      // Some exports list people surname first, with a comma: the CSV must quote it.
      name: own.chance(0.2) ? `${last}, ${first}` : `${first} ${last}`,
      email: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${index}@example.com`,
      country: own.pick(COUNTRIES),
    };
  }

  function pickCustomer(before: number): Customer {
    for (let attempt = 0; attempt < 50; attempt++) {
      const x = rng.float() * weightSum;
      let lo = 0;
      let hi = customerCount - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) > x) hi = mid;
        else lo = mid + 1;
      }
      if ((joined[lo] as number) < before) return customerAt(lo);
    }
    return customerAt(0);
  }

  let paymentRows = 0;
  let refundedCharges = 0;

  function newChargeId(): string {
    return `ch_3${rng.id(24)}`;
  }

  function chargeAmount(currency: string, perDollar: number): number {
    const dollars = rng.inRanges(CHARGE_DOLLARS);
    const digits = minorUnits(currency);
    const raw = Math.round(dollars * perDollar * 10 ** digits);
    // Prices end in round numbers: whole tens of yen, five fils, whole cents.
    const step = digits === 0 ? 10 : digits === 3 ? 5 : 1;
    return Math.max(step, Math.round(raw / step) * step);
  }

  function writePayment(charge: Charge, refunded: number, refundedAt: number | null, reason: string | null): void {
    const c = charge.customer;
    const fee = Math.round((charge.amount * 29) / 1000) + (minorUnits(charge.currency) === 0 ? 40 : 30);
    const status = refunded === 0 ? 'Paid' : refunded >= charge.amount ? 'Refunded' : 'Partially Refunded';
    const converted = (minor: number): string => {
      const perDollar = CURRENCIES.find(([code]) => code === charge.currency)?.[2] ?? 1;
      const cents = Math.round((minor / 10 ** minorUnits(charge.currency) / perDollar) * 100);
      return majorUnits(cents, 'usd');
    };
    const row = [
      charge.id,
      charge.description,
      'Payment complete.',
      exportDate(charge.created),
      majorUnits(charge.amount, charge.currency),
      majorUnits(refunded, charge.currency),
      charge.currency,
      converted(charge.amount),
      converted(refunded),
      majorUnits(fee, charge.currency),
      '0.00',
      'usd',
      'Live',
      status,
      'ACME*STORE',
      c.id,
      c.name,
      c.email,
      'true',
      `card_1${rng.id(23)}`,
      String(rng.between(1000, 9999)),
      rng.weighted(BRANDS),
      rng.chance(0.7) ? 'credit' : 'debit',
      String(rng.between(1, 12)),
      String(rng.between(2026, 2031)),
      c.country,
      '',
      '',
      rng.chance(0.3) ? `in_1${rng.id(23)}` : '',
      'card',
      charge.account ?? '',
      charge.account ? `tr_1${rng.id(23)}` : '',
      `pi_3${rng.id(24)}`,
      refundedAt === null ? '' : exportDate(refundedAt),
      charge.source ?? '',
      charge.ticket ?? '',
      reason ?? '',
      `ord_${rng.id(10)}`,
    ];
    payments.write(`${row.map(csvField).join(',')}\n`);
    paymentRows++;
  }

  function newCharge(customer: Customer, created: number, source: string | null, amount?: number, currency?: string): Charge {
    const [code, , perDollar] = currency ? (CURRENCIES.find(([c]) => c === currency) as (typeof CURRENCIES)[number]) : rng.weighted(CURRENCIES.map((c) => [c, c[1]] as const));
    return {
      id: newChargeId(),
      created,
      amount: amount ?? chargeAmount(code, perDollar),
      currency: code,
      customer,
      account: rng.chance(0.33) ? rng.weighted(accountWeights) : null,
      source,
      ticket: source === 'ai_agent' || source === 'support_tool' ? `Z-${rng.between(10000, 99999)}` : null,
      description: `Order ${rng.between(100000, 999999)}`,
    };
  }

  /** A customer's first payment (unrefunded), written the first time they appear. */
  function introduce(customer: Customer): void {
    if (introduced[customer.index] === 1) return;
    introduced[customer.index] = 1;
    writePayment(newCharge(customer, customer.joined, null), 0, null, null);
  }

  function newRefund(charge: Charge, created: number, amount: number, reason: string | null, totalRefunded: number): Refund {
    return { id: `re_3${rng.id(24)}`, created, amount, reason, charge, chargeRefundedTotal: totalRefunded };
  }

  /**
   * One refund episode with its first refund at `at`: the charge, its payment row, and every
   * refund of it (at most `budget`). Follow-up parts come at least a day later and before `end`.
   */
  function episode(at: number, budget: number): Refund[] {
    const kind = rng.weighted(EPISODES);
    const source = rng.weighted(SOURCES);
    const customer = kind === 'fraud' ? pickCustomer(at - 2 * DAY) : pickCustomer(at - 10 * MINUTE);
    introduce(customer);
    const reasonFor = (): string | null => rng.weighted([['requested_by_customer', 70], [null, 25], ['duplicate', 5]]);

    if (kind === 'duplicate') {
      // The customer was charged twice within minutes; the second charge is refunded in full.
      const dupCreated = Math.max(customer.joined + MINUTE, at - rng.inRanges([[10 * MINUTE, 6 * 60 * MINUTE, 70], [6 * 60 * MINUTE, 3 * DAY, 30]]));
      const original = newCharge(customer, Math.max(customer.joined, dupCreated - rng.between(30, 600) * 1000), source);
      writePayment(original, 0, null, null);
      const duplicate: Charge = { ...original, id: newChargeId(), created: dupCreated };
      const refund = newRefund(duplicate, at, duplicate.amount, 'duplicate', duplicate.amount);
      writePayment(duplicate, duplicate.amount, at, 'duplicate');
      refundedCharges++;
      return [refund];
    }

    const ageDays = kind === 'stale' ? rng.inRanges([[120, 400, 1]]) : rng.inRanges([[0.02, 3, 40], [3, 30, 42], [30, 110, 18]]);
    const created = Math.max(customer.joined, Math.floor(at - ageDays * DAY));
    const charge = newCharge(customer, created, source);
    const parts: { at: number; amount: number; reason: string | null }[] = [];
    if (kind === 'partial') {
      const share = rng.inRanges([[0.1, 0.9, 1]]);
      parts.push({ at, amount: Math.max(1, Math.floor(charge.amount * share)), reason: reasonFor() });
    } else if (kind === 'multi') {
      // Two or three parts days apart; the last may take the rest of the charge.
      const count = rng.chance(0.6) ? 2 : 3;
      let left = charge.amount;
      let time = at;
      for (let i = 0; i < count && time < end && left > 0; i++) {
        const amount = i === count - 1 && rng.chance(0.5) ? left : Math.max(1, Math.floor(left * rng.inRanges([[0.2, 0.5, 1]])));
        parts.push({ at: time, amount, reason: reasonFor() });
        left -= amount;
        time += Math.floor(rng.inRanges([[1, 20, 1]]) * DAY);
      }
    } else {
      parts.push({ at, amount: charge.amount, reason: kind === 'fraud' ? 'fraudulent' : reasonFor() });
    }
    const kept = parts.slice(0, Math.max(1, budget));
    const refunded = kept.reduce((sum, p) => sum + p.amount, 0);
    const last = kept[kept.length - 1] as (typeof kept)[number];
    writePayment(charge, refunded, last.at, last.reason);
    refundedCharges++;
    return kept.map((p) => newRefund(charge, p.at, p.amount, p.reason, refunded));
  }

  function refundJson(r: Refund): string {
    const c = r.charge;
    const metadata: Record<string, string> = {};
    if (c.source !== null) metadata['source'] = c.source;
    if (c.ticket !== null) metadata['ticket'] = c.ticket;
    return JSON.stringify({
      id: r.id,
      object: 'refund',
      amount: r.amount,
      balance_transaction: `txn_3${rng.id(24)}`,
      charge: {
        id: c.id,
        object: 'charge',
        amount: c.amount,
        amount_refunded: r.chargeRefundedTotal,
        created: Math.floor(c.created / 1000),
        currency: c.currency,
        customer: c.customer.id,
        description: c.description,
        metadata: c.ticket === null ? {} : { ticket: c.ticket },
        on_behalf_of: null,
        refunded: r.chargeRefundedTotal >= c.amount,
        transfer_data: c.account === null ? null : { amount: null, destination: c.account },
      },
      created: Math.floor(r.created / 1000),
      currency: c.currency,
      metadata,
      payment_intent: `pi_3${rng.id(24)}`,
      reason: r.reason,
      receipt_number: null,
      status: 'succeeded',
    });
  }

  // Cumulative daily targets, so exactly `total` refunds come out however the days are weighted.
  const weights = Array.from({ length: days }, (_, d) => WEEKDAY[new Date(start + d * DAY).getUTCDay()] as number);
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const followUps = new RefundHeap();
  let committed = 0;
  let written = 0;
  let first: number | null = null;
  let lastAt = start;
  let cumulativeWeight = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY;
    const dayEnd = dayStart + DAY;
    cumulativeWeight += weights[d] as number;
    const target = d === days - 1 ? total : Math.min(total, Math.round((total * cumulativeWeight) / weightTotal));
    const today: Refund[] = [];
    while (committed < target) {
      await payments.flush();
      const parts = episode(dayStart + rng.int(DAY / 1000) * 1000, total - committed);
      committed += parts.length;
      today.push(parts[0] as Refund);
      for (const part of parts.slice(1)) followUps.push(part);
      // A few other payments, refunded never: other customers' purchases over the period.
      if (rng.chance(extraPayments)) {
        const at = dayStart - rng.int(180) * DAY + rng.int(DAY / 1000) * 1000;
        const customer = pickCustomer(at);
        introduce(customer);
        writePayment(newCharge(customer, Math.max(at, customer.joined), null), 0, null, null);
      }
    }
    while ((followUps.peek()?.created ?? Infinity) < dayEnd) today.push(followUps.pop() as Refund);
    today.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const refund of today) {
      refundsOut.write(`${refundJson(refund)}\n`);
      await refundsOut.flush();
      first ??= refund.created;
      lastAt = refund.created;
      written++;
    }
    options.onProgress?.(written, total);
  }
  if (followUps.size > 0 || written !== total) throw new Error(`internal: wrote ${written} of ${total} refunds`);
  await payments.close();
  await refundsOut.close();
  return {
    refunds: written,
    refundedCharges,
    paymentRows,
    customers: introduced.reduce((n, x) => n + x, 0),
    from: new Date(first ?? start).toISOString(),
    to: new Date(lastAt).toISOString(),
    files,
  };
}
