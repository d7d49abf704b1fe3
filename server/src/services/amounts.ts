// Money grouped per currency, as every report of the API shows it: `{ "usd": 1824000, "jpy": 5000 }`
// in minor units, and in words as `$18,240.00 + ¥5,000`.

import { formatMoney } from '@axiru/runtime';

export type Amounts = Record<string, number>;

export function addAmount(amounts: Amounts, currency: string, minor: number): void {
  amounts[currency] = (amounts[currency] ?? 0) + minor;
}

/** The same amounts with currencies in alphabetical order (stable JSON and text). */
export function sortedAmounts(amounts: Amounts): Amounts {
  return Object.fromEntries(Object.keys(amounts).sort().map((currency) => [currency, amounts[currency]!]));
}

/** `$18,240.00 + ¥5,000`: each currency in its own minor units. */
export function amountsText(amounts: Amounts): string {
  const currencies = Object.keys(amounts).sort();
  if (currencies.length === 0) return formatMoney(0, 'usd');
  return currencies.map((currency) => formatMoney(amounts[currency]!, currency)).join(' + ');
}

/** `allow -> pending_approval: 82, $18,240.00` */
export function transitionText(from: string, to: string, count: number, amounts: Amounts): string {
  return `${from} -> ${to}: ${count}, ${amountsText(amounts)}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${count === 1 ? word : `${word}s`}`;
}
