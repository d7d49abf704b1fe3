// Times in history files. CSV exports write UTC wall time, `2026-03-01 14:02:11` (older ones
// `2026-03-01 14:02`); JSON has Unix seconds. ISO 8601 with `T`, fractions and a `Z` or an offset
// is accepted too. Every time becomes epoch milliseconds.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2}| ?UTC)?$/i;

/** The number of `length` ASCII digits at `at`, or NaN. */
function digitsAt(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** `2026-03-01 14:02:11` exactly (every Payments export row has two): no regular expression. */
function exportDateTime(text: string): number | null {
  if (text.length !== 19 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  // NaN fails every comparison: a non-digit anywhere gives null.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return new Date(ms).getUTCDate() === day ? ms : null;
}

/** Epoch milliseconds of a date or date-time, UTC unless it names an offset; null if it is not one. */
export function parseTimestamp(text: string): number | null {
  const fast = exportDateTime(text);
  if (fast !== null) return fast;
  const trimmed = text.trim();
  // A bare number of 9 to 11 digits is Unix seconds (1973 to 5138).
  if (/^\d{9,11}$/.test(trimmed)) return Number(trimmed) * 1000;
  const m = DATE_TIME.exec(trimmed);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((s) => (s === undefined ? 0 : Number(s))) as [number, number, number, number, number, number];
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 31 February over into March: refuse days the month does not have.
  if (new Date(ms).getUTCDate() !== day) return null;
  const zone = m[8];
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** Beyond ±100,000,000 days from 1970 a Date is invalid (and toISOString throws). */
const MAX_TIME = 8.64e15;

/** Epoch milliseconds of a Unix time in seconds (a number or a string of digits); null otherwise. */
export function parseUnixSeconds(value: unknown): number | null {
  let ms: number | null = null;
  if (typeof value === 'number') ms = Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  else if (typeof value === 'string') ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : parseTimestamp(value);
  return ms !== null && Math.abs(ms) <= MAX_TIME ? ms : null;
}
