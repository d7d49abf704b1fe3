// The words every approval channel (Slack, email) uses for an approval request's event data,
// so that a request reads the same wherever it is seen.

import type { JsonValue } from '@axiru/runtime';

export type EventData = { readonly [key: string]: JsonValue };

/** A value as shown to a person: an em dash for nothing. */
export function shown(value: JsonValue | undefined): string {
  return value === null || value === undefined ? '—' : String(value);
}

/** `220.00 USD` */
export function money(amountCents: number, currency: string): string {
  return `${(amountCents / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

/** The request's amount, from its event data. */
export function requestAmount(data: EventData): string {
  return money(Number(data['amount_cents']), String(data['currency']));
}

/** What approving would let execute: `refund 220.00 USD on ch_… (acct_…)`. */
export function wouldExecute(data: EventData): string {
  const refund = (data['refund'] ?? {}) as EventData;
  const account = refund['stripe_account'] ? ` (${shown(refund['stripe_account'])})` : '';
  return `refund ${requestAmount(data)} on ${shown(refund['stripe_charge_id'])}${account}`;
}
