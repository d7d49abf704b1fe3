// The one retry schedule of everything that delivers to a receiver (webhooks, SIEM exports):
// exponential from a base, capped, and never sooner than the receiver's own Retry-After
// (itself capped, so a receiver cannot park a delivery for days).

/** Longest wait a receiver's Retry-After can impose. */
const RETRY_AFTER_CAP_MS = 3_600_000;

/** The wait before attempt `attempts + 1` after `attempts` failures. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, retryAfterMs: number | null = null): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
  return Math.max(exponential, Math.min(retryAfterMs ?? 0, RETRY_AFTER_CAP_MS));
}

/** Retry-After in seconds or as an HTTP date, in ms (null when absent or unreadable). */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  if (/^\d{1,7}$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
