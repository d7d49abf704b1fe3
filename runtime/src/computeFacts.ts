// The facts of IR version 2 that a request cannot carry: velocity facts (counts and sums of the
// organisation's earlier refunds in a window) and the local time and weekday of the moment the
// refund was received. One implementation for every caller — the decision server computes them
// in its sealing path and seals the result; `axiru replay` derives them from history the same
// way — so a replayed decision sees exactly what the live one saw.
//
// Nothing here reads a clock: the caller passes the instant (`received_at`) and the earlier
// refunds. Time zones come from Intl.DateTimeFormat (Node ships full ICU), which is part of the
// platform, not a dependency. docs/language.md, "Velocity facts" and "Time of day".

import type { FactIR, PolicyIR, VelocityScope } from './ir.js';
import { WEEKDAYS } from './fields.js';

/**
 * Intent statuses that count for facts, as for `customer refunds in last N days`: a refund that
 * was denied, blocked, cancelled or failed never counts (server/README.md, "Computed facts").
 */
export const COUNTED_STATUSES: ReadonlySet<string> = new Set(['allowed', 'pending_approval', 'approved', 'held', 'executed', 'observed']);

/** One earlier refund of the organisation, as the ledger knows it. */
export interface EarlierRefund {
  /** When it was received, in milliseconds since the Unix epoch. */
  readonly received_at_ms: number;
  readonly amount_cents: number;
  /** ISO 4217, any case. */
  readonly currency: string;
  /** Its intent status; only COUNTED_STATUSES count. */
  readonly status: string;
  readonly customer_id?: string | null;
  readonly source?: string | null;
  readonly stripe_account?: string | null;
}

/** The refund being decided: what scopes its facts. */
export interface RefundScope {
  readonly received_at_ms: number;
  /** ISO 4217, any case; USD when absent (as decide() reads it). */
  readonly currency?: string | null;
  readonly customer_id?: string | null;
  readonly source?: string | null;
  readonly stripe_account?: string | null;
}

export type VelocityFact = Extract<FactIR, { kind: 'velocity' }>;

const SCOPE_FIELD: Readonly<Record<VelocityScope, 'customer_id' | 'source' | 'stripe_account'>> = {
  customer: 'customer_id',
  source: 'source',
  merchant: 'stripe_account',
};

const HOUR_MS = 3_600_000;

/** The request field that scopes a velocity fact (`customer_id`, `source`, `stripe_account`). */
export function scopeField(scope: VelocityScope): 'customer_id' | 'source' | 'stripe_account' {
  return SCOPE_FIELD[scope];
}

/** The velocity facts a policy asks for, in name order. */
export function velocityFactsOf(ir: PolicyIR): VelocityFact[] {
  return ir.facts.filter((fact): fact is VelocityFact => fact.kind === 'velocity');
}

/**
 * The value of each velocity fact for `refund`, by fact name. `earlier` holds the
 * organisation's earlier refunds (any order, any scope; the refund being decided is not among
 * them). A refund counts when its status counts, its `received_at` lies in
 * `(received_at − window, received_at]`, and its scope field equals the refund's; sums add the
 * amount_cents of those in the refund's own currency. A fact whose scope field the refund lacks
 * is left out: the policy sees it as missing.
 */
export function computeVelocityFacts(
  facts: readonly VelocityFact[],
  refund: RefundScope,
  earlier: Iterable<EarlierRefund>,
): Record<string, number> {
  const out: Record<string, number> = {};
  const live = facts.filter((fact) => typeof refund[SCOPE_FIELD[fact.scope]] === 'string');
  if (live.length === 0) return out;
  for (const fact of live) out[fact.name] = 0;
  const currency = (typeof refund.currency === 'string' ? refund.currency : 'USD').toUpperCase();
  const now = refund.received_at_ms;
  for (const other of earlier) {
    if (!COUNTED_STATUSES.has(other.status) || other.received_at_ms > now) continue;
    const sameCurrency = other.currency.toUpperCase() === currency;
    for (const fact of live) {
      if (other.received_at_ms <= now - fact.window_hours * HOUR_MS) continue;
      const field = SCOPE_FIELD[fact.scope];
      if (other[field] !== refund[field]) continue;
      if (fact.measure === 'count') out[fact.name] = (out[fact.name] ?? 0) + 1;
      else if (sameCurrency) out[fact.name] = (out[fact.name] ?? 0) + other.amount_cents;
    }
  }
  return out;
}

/** The longest window among the velocity facts, in milliseconds (0 when there are none). */
export function longestWindowMs(facts: readonly VelocityFact[]): number {
  return facts.reduce((longest, fact) => Math.max(longest, fact.window_hours * HOUR_MS), 0);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // hourCycle h23: midnight is 00, never 24. The locale only fixes the names of the parts.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', weekday: 'long' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `zone` is an IANA time zone the platform knows (`Europe/Berlin`, `UTC`). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The platform's canonical spelling of a known zone (`europe/berlin` -> `Europe/Berlin`). */
export function canonicalTimeZone(zone: string): string {
  return formatterFor(zone).resolvedOptions().timeZone;
}

/**
 * `local_time` ("HH:MM", truncated to the minute) and `weekday` (monday ... sunday) of an
 * instant in an IANA time zone. Throws a RangeError for an unknown zone or an invalid instant.
 */
export function localTimeFacts(receivedAtMs: number, timeZone: string): { local_time: string; weekday: string } {
  if (!Number.isFinite(receivedAtMs)) throw new RangeError(`received_at is not a valid instant: ${String(receivedAtMs)}`);
  const parts = formatterFor(timeZone).formatToParts(new Date(receivedAtMs));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = part('weekday').toLowerCase();
  if (!WEEKDAYS.includes(weekday)) throw new RangeError(`unexpected weekday ${weekday} from Intl.DateTimeFormat`);
  return { local_time: `${part('hour')}:${part('minute')}`, weekday };
}

/**
 * Every version-2 fact `ir` asks for: the velocity facts over `earlier`, and `local_time` /
 * `weekday` in the policy's time zone when the policy reads them. The result is what the server
 * seals with the record and adds to the decision input.
 */
export function computeFacts(ir: PolicyIR, refund: RefundScope, earlier: Iterable<EarlierRefund>): Record<string, number | string> {
  const out: Record<string, number | string> = computeVelocityFacts(velocityFactsOf(ir), refund, earlier);
  if (ir.facts.some((fact) => fact.kind === 'local_time' || fact.kind === 'weekday')) {
    const local = localTimeFacts(refund.received_at_ms, ir.timezone ?? 'UTC');
    if (ir.facts.some((fact) => fact.kind === 'local_time')) out['local_time'] = local.local_time;
    if (ir.facts.some((fact) => fact.kind === 'weekday')) out['weekday'] = local.weekday;
  }
  return out;
}
