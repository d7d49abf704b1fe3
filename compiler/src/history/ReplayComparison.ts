// Two policies' decisions over the same history, side by side, like the shadow diff: how many
// refunds (and how much money) move from each outcome to another.

import type { Decision, Outcome } from '@axiru/runtime';
import type { RefundRow } from './HistoryRefund.js';
import { Amounts, type ReplayReport } from './ReplayReport.js';

export interface Transition {
  readonly from: Outcome;
  readonly to: Outcome;
  /** When the outcome stays pending_approval but who must approve changes: `support_lead -> 2 x cfo`. */
  readonly detail: string | null;
  readonly count: number;
  readonly amount: Readonly<Record<string, number>>;
  /** Refunds by the rule that decides them under the second policy (`(otherwise)` when none). */
  readonly by_rule: Readonly<Record<string, number>>;
  /** The first few refunds that change this way, in replay order. */
  readonly examples: readonly string[];
}

export interface ReplayComparison {
  readonly before: ReplayReport;
  readonly after: ReplayReport;
  readonly refunds: number;
  readonly changed: number;
  /** Largest first. */
  readonly transitions: readonly Transition[];
}

const MAX_EXAMPLES = 5;

function approval(d: Decision): string {
  return d.approvals_required !== null && d.approvals_required > 1 ? `${d.approvals_required} x ${d.approver_role ?? '?'}` : (d.approver_role ?? '?');
}

/** The label of a change, or null when both decisions come to the same thing. */
export function transitionOf(before: Decision, after: Decision): { from: Outcome; to: Outcome; detail: string | null } | null {
  if (before.outcome !== after.outcome) return { from: before.outcome, to: after.outcome, detail: null };
  if (before.outcome !== 'pending_approval') return null;
  const a = approval(before);
  const b = approval(after);
  return a === b ? null : { from: before.outcome, to: after.outcome, detail: `${a} -> ${b}` };
}

interface Tally {
  readonly from: Outcome;
  readonly to: Outcome;
  readonly detail: string | null;
  count: number;
  readonly amount: Amounts;
  readonly byRule: Map<string, number>;
  readonly examples: string[];
}

/** Counts transitions refund by refund. */
export class ComparisonBuilder {
  private readonly tallies = new Map<string, Tally>();
  private refunds = 0;
  private changed = 0;

  add(row: RefundRow, before: Decision, after: Decision): void {
    this.refunds++;
    const t = transitionOf(before, after);
    if (t === null) return;
    this.changed++;
    const key = `${t.from} -> ${t.to}${t.detail === null ? '' : ` (${t.detail})`}`;
    let tally = this.tallies.get(key);
    if (tally === undefined) {
      tally = { ...t, count: 0, amount: new Amounts(), byRule: new Map(), examples: [] };
      this.tallies.set(key, tally);
    }
    tally.count++;
    tally.amount.add(row.refund.currency, row.refund.amount_cents);
    const rule = after.matched_rule ?? '(otherwise)';
    tally.byRule.set(rule, (tally.byRule.get(rule) ?? 0) + 1);
    if (tally.examples.length < MAX_EXAMPLES) tally.examples.push(row.refund.id);
  }

  finish(before: ReplayReport, after: ReplayReport): ReplayComparison {
    const transitions = [...this.tallies.entries()]
      .sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([, t]): Transition => ({
        from: t.from,
        to: t.to,
        detail: t.detail,
        count: t.count,
        amount: t.amount.toRecord(),
        by_rule: Object.fromEntries([...t.byRule.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))),
        examples: t.examples,
      }));
    return { before, after, refunds: this.refunds, changed: this.changed, transitions };
  }
}
