// How history hit counts read in a code lens and a hover:
// "matched 82 of 4,310 refunds in the last 90 days · $18,240 · would decide 61".
// The report has the shape of the replay engine's ReplayReport (compiler/src/history); only the
// fields the editor shows are named here, so a richer report passes through unchanged.
import { formatMoney } from '@axiru/runtime';

export interface RuleHits {
  /** Refunds whose every condition of the rule held. */
  readonly matched: number;
  /** Refunds where this rule decided the outcome (it won over every other matching rule). */
  readonly decided: number;
  /** Amount matched, in minor units per currency. */
  readonly amount: Readonly<Record<string, number>>;
}

export interface HitReport {
  /** Refunds replayed. */
  readonly refunds: number;
  /** ISO times of the first and last refund replayed. */
  readonly from: string | null;
  readonly to: string | null;
  readonly rules: Readonly<Record<string, RuleHits>>;
}

/** What the editor knows about history for one policy. */
export type HistoryView =
  /** The settings are not read yet: nothing to say. */
  | { readonly state: 'starting' }
  | { readonly state: 'unconfigured' }
  | { readonly state: 'pending' }
  /** The history could not be read: the lens points to the setting. */
  | { readonly state: 'failed'; readonly message: string }
  /** Nothing to replay yet (the policy has never compiled): the lens says why. */
  | { readonly state: 'unavailable'; readonly message: string }
  /** `stale`: computed for an earlier version of the policy (the current one does not compile). */
  | { readonly state: 'ready'; readonly report: HitReport; readonly stale: boolean };

const DAY_MS = 86_400_000;

export function hitsText(report: HitReport, ruleId: string): string {
  const hits = report.rules[ruleId] ?? { matched: 0, decided: 0, amount: {} };
  const parts = [`matched ${grouped(hits.matched)} of ${grouped(report.refunds)} refund${report.refunds === 1 ? '' : 's'}${periodText(report)}`];
  const money = moneyText(hits.amount);
  if (money) parts.push(money);
  parts.push(`would decide ${grouped(hits.decided)}`);
  return parts.join(' · ');
}

/** ` in the last 90 days`, measured from the first refund replayed to the last. */
export function periodText(report: Pick<HitReport, 'from' | 'to'>): string {
  if (!report.from || !report.to) return '';
  const span = Date.parse(report.to) - Date.parse(report.from);
  if (!Number.isFinite(span)) return '';
  const days = Math.max(1, Math.ceil(span / DAY_MS));
  return ` in the last ${days === 1 ? 'day' : `${grouped(days)} days`}`;
}

/**
 * `€310.50 + $18,240`: currencies are never added up, so each stands apart, in alphabetical
 * order of code as `axiru replay` lists them; whole amounts drop their `.00`.
 */
export function moneyText(amount: Readonly<Record<string, number>>): string {
  return Object.entries(amount)
    .filter(([, minor]) => minor !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, minor]) => formatMoney(minor, currency).replace(/\.0+(?=$| )/, ''))
    .join(' + ');
}

export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
