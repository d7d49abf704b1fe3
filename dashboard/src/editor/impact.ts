// `POST /api/policies/impact`: what a policy text would have done to the organisation's sealed
// decisions of the last 7, 30 or 90 days, against the live policy (or `against`).
import { request } from '../api';

export type ImpactDays = 7 | 30 | 90;

export interface ImpactRefund {
  readonly intent_id: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly received_at: string;
  readonly before_rule: string | null;
  readonly after_rule: string | null;
}

export interface ImpactTransition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly amounts: ReadonlyArray<{ readonly currency: string; readonly amount_cents: number }>;
  /** "allow → pending_approval: 12, $2,340.00" */
  readonly text: string;
  readonly refunds: readonly ImpactRefund[];
}

export interface PolicyImpact {
  readonly window: { readonly days: ImpactDays; readonly since: string; readonly until: string };
  readonly against: { readonly version: string; readonly ir_hash: string } | null;
  readonly candidate: { readonly ir_hash: string };
  readonly evaluated: number;
  readonly changed: number;
  readonly transitions: readonly ImpactTransition[];
  readonly rules: ReadonlyArray<{ readonly name: string; readonly matched: number; readonly decided: number }>;
  readonly summary: readonly string[];
}

export function fetchImpact(source: string, days: ImpactDays, signal: AbortSignal, against?: string): Promise<PolicyImpact> {
  return request<PolicyImpact>('POST', '/api/policies/impact', { body: { source, days, ...(against ? { against } : {}) }, signal });
}
