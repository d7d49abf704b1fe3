// Amounts in Stripe's CSV exports are decimals in the currency's major unit ("1234.56" USD,
// "5000" JPY, "1.250" KWD). They become integer minor units by moving the decimal point as text,
// never through floating point, so "0.29" is 29 and not 28.999999999999996.

import { minorUnits } from '@axiru/runtime';

const DECIMAL = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

/**
 * Minor units of `currency` for a major-unit decimal, or the reason it is not one. Accepts an
 * optional minus sign, grouping commas in threes (`1,234.56`) and surrounding spaces; extra
 * decimals are accepted only when they are zeros (`5000.00` JPY is 5000).
 */
export function majorToMinor(text: string, currency: string): number | string {
  const trimmed = text.trim();
  const match = DECIMAL.exec(trimmed);
  if (match === null || (match[2] === undefined && !match[3])) return `\`${text}\` is not an amount`;
  const digits = minorUnits(currency);
  const whole = (match[2] ?? '0').replace(/,/g, '');
  let fraction = match[3] ?? '';
  if (fraction.length > digits) {
    if (!/^0*$/.test(fraction.slice(digits))) {
      return `\`${text}\` has more decimals than ${currency.toUpperCase()} has (${digits})`;
    }
    fraction = fraction.slice(0, digits);
  }
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return `\`${text}\` is too large`;
  return match[1] === '-' && minor !== 0 ? -minor : minor;
}
