// Money is integer minor units plus a lower-case ISO 4217 code; how many minor units make a
// major one comes from Intl (JPY 0, USD 2, BHD 3), never from a table of our own.

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  const code = currency.toUpperCase();
  let found = formatters.get(code);
  if (!found) {
    try {
      found = new Intl.NumberFormat('en-US', { style: 'currency', currency: code });
    } catch {
      found = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'XXX' });
    }
    formatters.set(code, found);
  }
  return found;
}

export function minorDigits(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** 22000 usd -> "$220.00"; 5000 jpy -> "¥5,000". */
export function formatMoney(minor: number, currency: string): string {
  return formatter(currency).format(minor / 10 ** minorDigits(currency));
}

/** Amounts grouped per currency: `{ usd: 1824000, jpy: 5000 }` -> "$18,240.00 · ¥5,000". */
export function formatAmounts(amounts: Readonly<Record<string, number>> | null | undefined): string {
  const entries = Object.entries(amounts ?? {}).filter(([, minor]) => minor !== 0);
  if (entries.length === 0) return formatMoney(0, 'usd');
  return entries.sort(([a], [b]) => a.localeCompare(b)).map(([currency, minor]) => formatMoney(minor, currency)).join(' · ');
}

const counts = new Intl.NumberFormat('en-US');
export function formatCount(value: number): string {
  return counts.format(value);
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: '2-digit' });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}

export const OUTCOME_LABELS: Record<string, string> = {
  allow: 'Allow', flag: 'Flag', pending_approval: 'Needs approval', block: 'Block',
};

export const STATUS_LABELS: Record<string, string> = {
  allowed: 'Allowed', pending_approval: 'Pending approval', approved: 'Approved', denied: 'Denied', blocked: 'Blocked',
  held: 'Held', executed: 'Executed', failed: 'Failed', expired: 'Expired', observed: 'Bypassed control',
};

/** `user:usr_…` / `api_key:key_…` / `cli` / `system` for people. */
export function formatActor(actor: string, names: ReadonlyMap<string, string> = new Map()): string {
  const [kind, id] = actor.split(':', 2) as [string, string | undefined];
  if (kind === 'user' && id) return names.get(id) ?? id;
  if (kind === 'api_key' && id) return `API key ${id}`;
  return actor;
}
