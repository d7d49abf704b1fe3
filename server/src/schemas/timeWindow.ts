import { Type } from 'typebox';
import { ApiError } from '../errors.js';
import { IMPACT_WINDOW_MS } from '../services/policyImpact.js';
import type { Window } from '../services/ShadowService.js';

const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

/** `since` (inclusive) and `until` (exclusive) query parameters: the last 30 days by default. */
export const WindowQuery = {
  since: Type.Optional(Type.String({ pattern: ISO_INSTANT, description: 'an ISO 8601 date-time with a time zone, e.g. 2026-04-01T00:00:00Z (inclusive; default: 30 days before until)' })),
  until: Type.Optional(Type.String({ pattern: ISO_INSTANT, description: 'an ISO 8601 date-time with a time zone, e.g. 2026-05-01T00:00:00Z (exclusive; default: now)' })),
};

function instant(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError(400, 'invalid_field', `"${field}" is not a valid date-time: ${JSON.stringify(value)}.`, field);
  return ms;
}

export function parseWindow(query: { since?: string | undefined; until?: string | undefined }, now: Date): Window {
  const untilMs = query.until === undefined ? now.getTime() : instant(query.until, 'until');
  const sinceMs = query.since === undefined ? untilMs - IMPACT_WINDOW_MS : instant(query.since, 'since');
  if (sinceMs >= untilMs) {
    throw new ApiError(400, 'invalid_field', `"since" must be before "until" (${new Date(untilMs).toISOString()}).`, 'since');
  }
  return { sinceMs, untilMs };
}
