// The answer of POST /api/policies/impact: what a candidate policy would have done to an
// organisation's sealed decisions. The server builds it, `axiru impact` and the dashboard's
// editor read it; this is the one definition of its shape (arrays are plain arrays, as the
// route's response schema gives them).

import type { Outcome } from './ir.js';

/** One refund whose outcome would change. */
export interface ImpactRefund {
  readonly intent_id: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly received_at: string;
  readonly before_rule: string | null;
  readonly after_rule: string | null;
}

/** All the refunds that would go from one outcome to another. */
export interface ImpactTransition {
  readonly from: Outcome;
  readonly to: Outcome;
  readonly count: number;
  /** Per currency, in the currency's minor units. */
  readonly amounts: Array<{ readonly currency: string; readonly amount_cents: number }>;
  /** `allow → pending_approval: 12, $2,340.00` */
  readonly text: string;
  /** Newest first; a bounded sample of `count`. */
  readonly refunds: ImpactRefund[];
}

export interface RuleImpact {
  readonly name: string;
  /** Re-evaluated decisions whose request the rule matched. */
  readonly matched: number;
  /** Of those, how many it decided (it was the winning rule). */
  readonly decided: number;
}

/** The re-evaluation itself: what changes, and how often each rule of the candidate applies. */
export interface CandidateImpact {
  readonly evaluated: number;
  readonly changed: number;
  readonly transitions: ImpactTransition[];
  /** Every rule of the candidate, in policy order. */
  readonly rules: RuleImpact[];
  readonly summary: string[];
}

/** The whole answer: the re-evaluation, over which window, against what. */
export interface PolicyImpactReport extends CandidateImpact {
  readonly window: { readonly days: number; readonly since: string; readonly until: string };
  /** The published version compared with; null when compared with what was decided then. */
  readonly against: { readonly version: string; readonly ir_hash: string } | null;
  readonly candidate: { readonly ir_hash: string };
}
