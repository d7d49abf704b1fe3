// JSON Lines of Stripe Refund objects (https://docs.stripe.com/api/refunds/object), as
// `refunds.list` returns them, ideally with `expand: ['data.charge']`. `amount` is already in
// minor units and `created` in Unix seconds. An expanded charge gives the charge amount, when it
// was created, the customer and the Connect account (`on_behalf_of`, `transfer_data.destination`
// or the legacy `destination`); a top-level `account` (Connect events carry one) wins over them.
// Metadata is the charge's overlaid by the refund's. Refunds with status `failed` or `canceled`
// moved no money and are skipped. A line holding an event whose `data.object` is a refund is
// read as that refund.

import { isKnownCurrency } from '@axiru/runtime';
import { firstMetadata, REASON_METADATA_KEYS, SOURCE_METADATA_KEYS, VOID_REFUND_STATUSES, type HistoryRecord } from './HistoryRefund.js';
import { parseUnixSeconds } from './parseTimestamp.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An id field that may be expanded into an object: `"cus_1"` or `{ "id": "cus_1", ... }`. */
function idOf(value: unknown): string | null {
  return isObject(value) ? text(value['id']) : text(value);
}

function stringMetadata(value: unknown, into: Record<string, string>): void {
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') into[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') into[key] = String(v);
  }
}

/** Reads one line of a JSON Lines file into `out`. Blank lines are skipped. */
export function readRefundLine(line: string, lineNumber: number, file: string, out: HistoryRecord[]): void {
  if (line.trim() === '') return;
  const bad = (reason: string) => void out.push({ kind: 'error', file, line: lineNumber, reason });
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return bad(`not JSON (${(error as Error).message})`);
  }
  if (isObject(value) && value['object'] === 'event' && isObject(value['data']) && isObject(value['data']['object'])) {
    const account = value['account'];
    value = { ...value['data']['object'], ...(typeof account === 'string' ? { account } : {}) };
  }
  if (!isObject(value)) return bad('not a JSON object');
  const r = value;
  if (r['object'] !== undefined && r['object'] !== 'refund') return bad(`a \`${String(r['object'])}\`, not a refund`);
  if (typeof r['status'] === 'string' && VOID_REFUND_STATUSES.has(r['status'])) return;
  const amount = r['amount'];
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return bad(`amount \`${JSON.stringify(amount)}\` is not a positive integer of minor units`);
  const currency = typeof r['currency'] === 'string' ? r['currency'].toLowerCase() : '';
  if (!isKnownCurrency(currency)) return bad(`currency \`${String(r['currency'])}\` is not an ISO 4217 code`);
  const time = parseUnixSeconds(r['created']);
  if (time === null) return bad(`created \`${JSON.stringify(r['created'])}\` is not a Unix time`);

  const charge = isObject(r['charge']) ? r['charge'] : null;
  let chargeAmount: number | null = null;
  let chargeTime: number | null = null;
  let customer: string | null = null;
  let account = text(r['account']);
  const metadata: Record<string, string> = {};
  if (charge !== null) {
    const a = charge['amount'];
    if (typeof a === 'number' && Number.isSafeInteger(a) && a >= 0) chargeAmount = a;
    if (charge['created'] !== undefined) chargeTime = parseUnixSeconds(charge['created']);
    customer = idOf(charge['customer']);
    const transfer = isObject(charge['transfer_data']) ? charge['transfer_data'] : null;
    account ??= idOf(charge['on_behalf_of']) ?? idOf(transfer?.['destination']) ?? idOf(charge['destination']);
    stringMetadata(charge['metadata'], metadata);
  }
  stringMetadata(r['metadata'], metadata);
  if (customer !== null && chargeTime !== null) out.push({ kind: 'payment', customer, time: chargeTime });
  out.push({
    kind: 'refund',
    line: lineNumber,
    time,
    chargeTime,
    refund: {
      id: text(r['id']) ?? `${file}:${lineNumber}`,
      created: new Date(time).toISOString(),
      charge_id: idOf(r['charge']),
      amount_cents: amount,
      currency,
      customer_id: customer,
      stripe_account: account,
      source: firstMetadata(metadata, SOURCE_METADATA_KEYS),
      reason: text(r['reason']) ?? firstMetadata(metadata, REASON_METADATA_KEYS),
      charge_amount_cents: chargeAmount,
      charge_created: chargeTime === null ? null : new Date(chargeTime).toISOString(),
      metadata,
    },
  });
}
