// What a replay of history through one policy found, and how it is added up refund by refund.
// Amounts are integer minor units per lower-case currency: money in different currencies is
// never added together.

import { formatMoney, type Decision, type LoadedPolicy, type Outcome } from '@axiru/runtime';
import type { RefundRow } from './HistoryRefund.js';

export interface RuleHits {
  /** What the rule decides when it wins. */
  readonly outcome: Outcome;
  /** Refunds the rule matched (it is among `matched_rules`). */
  readonly matched: number;
  /** Refunds the rule decided (it is the `matched_rule`). */
  readonly decided: number;
  /** Minor units per lower-case currency, of the refunds it matched. */
  readonly amount: Readonly<Record<string, number>>;
}

export interface OutcomeTotals {
  readonly count: number;
  readonly amount: Readonly<Record<string, number>>;
}

export interface DriftExample {
  readonly id: string;
  readonly outcome: string;
  readonly rule: string | null;
  /** The refund's amount for people: `$220.00`, `¥5,000`. */
  readonly amount: string;
}

export interface BadRowReport {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface ReplayReport {
  readonly policy: string;
  readonly policy_version: string;
  readonly hash: string;
  /** Refunds replayed (inside --since/--until). */
  readonly refunds: number;
  /** First and last replayed refund time, ISO 8601. */
  readonly from: string | null;
  readonly to: string | null;
  readonly by_outcome: Readonly<Record<Outcome, OutcomeTotals>>;
  /** pending_approval refunds by approver_role. */
  readonly by_role: Readonly<Record<string, OutcomeTotals>>;
  /** Every rule of the policy, in file order, zeros included. */
  readonly rules: Readonly<Record<string, RuleHits>>;
  /**
   * Refunds that happened but that the policy would have blocked or held for approval, with one
   * example per deciding rule (blocked first, at most MAX_DRIFT_EXAMPLES).
   */
  readonly drift: { readonly blocked: OutcomeTotals; readonly held: OutcomeTotals; readonly examples: readonly DriftExample[] };
  /**
   * The four numbers a CFO asks about. `bypassed`: refunds that moved money without passing
   * through any control — in a replay of history that is every refund replayed.
   */
  readonly cfo: { readonly refunded: Record<string, number>; readonly needed_approval: Record<string, number>; readonly blocked: Record<string, number>; readonly bypassed: number };
  /** The first MAX_BAD_ROWS rows that could not be read; `bad_row_count` has them all. */
  readonly bad_rows: readonly BadRowReport[];
  readonly bad_row_count: number;
  /** Every decision, in replay order: only with `keepResults` (memory grows with the history). */
  readonly results?: readonly { id: string; decision: Decision }[];
}

export const OUTCOMES: readonly Outcome[] = ['allow', 'flag', 'pending_approval', 'block'];
export const MAX_BAD_ROWS = 100;
export const MAX_DRIFT_EXAMPLES = 8;

/** Adds minor units per currency; read out with sorted keys, so reports compare byte for byte. */
export class Amounts {
  private readonly byCurrency = new Map<string, number>();

  add(currency: string, minor: number): void {
    this.byCurrency.set(currency, (this.byCurrency.get(currency) ?? 0) + minor);
  }

  addAll(other: Readonly<Record<string, number>>): void {
    for (const [currency, minor] of Object.entries(other)) this.add(currency, minor);
  }

  toRecord(): Record<string, number> {
    const record: Record<string, number> = {};
    for (const currency of [...this.byCurrency.keys()].sort()) record[currency] = this.byCurrency.get(currency) as number;
    return record;
  }
}

class Totals {
  count = 0;
  readonly amount = new Amounts();

  add(currency: string, minor: number): void {
    this.count++;
    this.amount.add(currency, minor);
  }

  toJSON(): OutcomeTotals {
    return { count: this.count, amount: this.amount.toRecord() };
  }
}

class Hits {
  matched = 0;
  decided = 0;
  readonly amount = new Amounts();

  constructor(private readonly outcome: Outcome) {}

  toJSON(): RuleHits {
    return { outcome: this.outcome, matched: this.matched, decided: this.decided, amount: this.amount.toRecord() };
  }
}

/** Adds up one policy's decisions over the replayed refunds. */
export class ReportBuilder {
  private readonly outcomes = new Map<Outcome, Totals>(OUTCOMES.map((o) => [o, new Totals()]));
  private readonly roles = new Map<string, Totals>();
  private readonly rules: Map<string, Hits>;
  private readonly refunded = new Amounts();
  /** First example per (outcome, rule), in replay order. */
  private readonly examples = new Map<string, DriftExample>();
  private readonly results: { id: string; decision: Decision }[] | null;
  private count = 0;
  private first: string | null = null;
  private last: string | null = null;

  constructor(
    private readonly policy: LoadedPolicy,
    keepResults = false,
  ) {
    this.rules = new Map(policy.ir.rules.map((r) => [r.id, new Hits(r.outcome)]));
    this.results = keepResults ? [] : null;
  }

  add(row: RefundRow, decision: Decision): void {
    const { amount_cents: amount, currency, id, created } = row.refund;
    this.count++;
    this.first ??= created;
    this.last = created;
    this.refunded.add(currency, amount);
    (this.outcomes.get(decision.outcome) as Totals).add(currency, amount);
    if (decision.outcome === 'pending_approval' && decision.approver_role !== null) {
      let role = this.roles.get(decision.approver_role);
      if (role === undefined) this.roles.set(decision.approver_role, (role = new Totals()));
      role.add(currency, amount);
    }
    for (const rule of decision.matched_rules) {
      const hits = this.rules.get(rule);
      if (hits === undefined) continue;
      hits.matched++;
      hits.amount.add(currency, amount);
    }
    if (decision.matched_rule !== null) {
      const hits = this.rules.get(decision.matched_rule);
      if (hits !== undefined) hits.decided++;
    }
    if (decision.outcome === 'block' || decision.outcome === 'pending_approval') {
      const key = `${decision.outcome}\u0000${decision.matched_rule ?? ''}`;
      if (!this.examples.has(key)) {
        this.examples.set(key, { id, outcome: decision.outcome, rule: decision.matched_rule, amount: formatMoney(amount, currency) });
      }
    }
    this.results?.push({ id, decision });
  }

  finish(badRows: readonly BadRowReport[], badRowCount: number): ReplayReport {
    const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, (this.outcomes.get(o) as Totals).toJSON()])) as Record<Outcome, OutcomeTotals>;
    const byRole: Record<string, OutcomeTotals> = {};
    for (const role of [...this.roles.keys()].sort()) byRole[role] = (this.roles.get(role) as Totals).toJSON();
    const rules: Record<string, RuleHits> = {};
    for (const [id, hits] of this.rules) rules[id] = hits.toJSON();
    const examples = [...this.examples.values()];
    const drift = {
      blocked: byOutcome.block,
      held: byOutcome.pending_approval,
      examples: [...examples.filter((e) => e.outcome === 'block'), ...examples.filter((e) => e.outcome !== 'block')].slice(0, MAX_DRIFT_EXAMPLES),
    };
    const report: ReplayReport = {
      policy: this.policy.policy,
      policy_version: this.policy.policyVersion,
      hash: this.policy.hash,
      refunds: this.count,
      from: this.first,
      to: this.last,
      by_outcome: byOutcome,
      by_role: byRole,
      rules,
      drift,
      cfo: {
        refunded: this.refunded.toRecord(),
        needed_approval: { ...byOutcome.pending_approval.amount },
        blocked: { ...byOutcome.block.amount },
        bypassed: this.count,
      },
      bad_rows: badRows.slice(0, MAX_BAD_ROWS),
      bad_row_count: badRowCount,
    };
    return this.results === null ? report : { ...report, results: this.results };
  }
}
