// Reading literal values exactly: money to integer minor units (never through floating point),
// durations to whole hours, counts to integers. Each reader returns null with a reason
// instead of throwing, so checks can report and emission can trust what passed.
import { isKnownCurrency, minorUnits } from '@axiru/runtime';
import type { MoneyValue, NumberValue } from '../ast.js';

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string; help?: string };

/** Largest amount a literal may hold: the decision API's own ceiling for amount_cents. */
export const MAX_MINOR = 1_000_000_000_000;

export function readMoney(money: MoneyValue): Read<{ currency: string; minor: number }> {
  const currency = money.currency.toUpperCase();
  if (!isKnownCurrency(currency)) {
    return { ok: false, reason: `\`${money.currency}\` is not an ISO 4217 currency code` };
  }
  const digits = money.digits.replace(/,/g, '');
  const [whole = '', fraction = ''] = digits.split('.');
  const decimals = minorUnits(currency);
  if (fraction.length > decimals) {
    return {
      ok: false,
      reason: decimals === 0 ? `${currency} has no minor unit, so \`${money.digits}\` cannot have decimals` : `${currency} has ${decimals} decimals, \`${money.digits}\` has ${fraction.length}`,
    };
  }
  const minorText = whole + fraction.padEnd(decimals, '0');
  const minor = Number(minorText);
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) {
    return { ok: false, reason: `\`${money.digits}\` is larger than the largest refund amount (10^12 minor units)` };
  }
  return { ok: true, value: { currency, minor } };
}

const HOURS_PER: Readonly<Record<string, number>> = { day: 24, days: 24, hour: 1, hours: 1 };

export function isDurationUnit(unit: string): boolean {
  return unit in HOURS_PER;
}

export function readDuration(value: NumberValue): Read<number> {
  if (!value.unit) return { ok: false, reason: `\`${value.digits}\` needs a unit`, help: `write \`${value.digits} days\` or \`${value.digits} hours\`` };
  const per = HOURS_PER[value.unit.text];
  if (per === undefined) return { ok: false, reason: `\`${value.unit.text}\` is not a unit of time`, help: 'use `days` or `hours`' };
  const count = readWhole(value.digits);
  if (count === null) return { ok: false, reason: `\`${value.digits}\` must be a whole number of ${value.unit.text}` };
  if (!Number.isSafeInteger(count * per)) return { ok: false, reason: `\`${value.digits} ${value.unit.text}\` is too long a duration` };
  return { ok: true, value: count * per };
}

export function readCount(value: NumberValue): Read<number> {
  if (value.unit) return { ok: false, reason: `a count has no unit, found \`${value.unit.text}\`` };
  const count = readWhole(value.digits);
  if (count === null) return { ok: false, reason: `\`${value.digits}\` must be a whole number` };
  return { ok: true, value: count };
}

export function readPercent(digits: string): Read<number> {
  const value = readWhole(digits);
  if (value === null) return { ok: false, reason: `\`${digits}%\` must be a whole percentage`, help: 'percentages compare exactly, so they are whole numbers' };
  return { ok: true, value };
}

const TIME_OF_DAY = /^(\d\d):(\d\d)$/;

/** `HH:MM`, two digits each, 00:00 to 23:59, as minutes since midnight. */
export function readTimeOfDay(text: string): Read<number> {
  const match = TIME_OF_DAY.exec(text);
  if (match === null) return { ok: false, reason: `\`${text}\` is not a time of day`, help: 'write times as `HH:MM` on the 24-hour clock, like `06:00` or `22:30`' };
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) {
    return { ok: false, reason: `\`${text}\` is not a time of day (00:00 to 23:59)`, help: hours === 24 && minutes === 0 ? 'midnight is `00:00`' : 'hours run from 00 to 23, minutes from 00 to 59' };
  }
  return { ok: true, value: hours * 60 + minutes };
}

/** A whole number without grouping commas or decimals, within the safe integer range. */
export function readWhole(digits: string): number | null {
  if (!/^\d+$/.test(digits)) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}
