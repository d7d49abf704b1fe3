// The shapes of the server's answers that the views read (server/README.md is the contract).

export type Amounts = Readonly<Record<string, number>>;

export interface Page<T> {
  readonly data: readonly T[];
  readonly next_cursor: string | null;
}

export interface IntentSummary {
  readonly intent_id: string;
  readonly received_at: string;
  readonly source: string;
  readonly outcome: string;
  readonly status: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly customer_id: string | null;
  readonly stripe_account: string | null;
  readonly stripe_charge_id: string | null;
  readonly policy_version: string;
  readonly matched_rule: string | null;
  readonly seq: number;
}

export interface DecisionJson {
  readonly outcome: string;
  readonly reason: string;
  readonly policy_version: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
  readonly approver_roles?: readonly string[] | null;
  readonly approvals_required?: number | null;
  readonly matched_rules?: readonly string[];
  readonly missing_fields?: readonly string[];
  readonly control?: { kind: string; scope: string; reason: string; actor: string; seq: number; since: string };
  readonly shadow?: ReadonlyArray<DecisionJson & { policy_version: string }>;
  readonly enforced?: boolean;
  readonly would_be?: DecisionJson;
}

export interface LedgerEvent {
  readonly seq: number;
  readonly kind: string;
  readonly time: string;
  readonly actor: string;
  readonly body: Record<string, unknown>;
  readonly hash: string;
}

export interface IntentDetail {
  readonly intent_id: string;
  readonly received_at: string;
  readonly status: string;
  readonly requested_by: string | null;
  readonly request: Record<string, unknown>;
  readonly facts: Record<string, unknown>;
  readonly decision: DecisionJson;
  readonly policy: { name: string; version: string; ir_hash: string };
  readonly record: { seq: number; kind: string; time: string; actor: string; prev_hash: string; hash: string };
  readonly events: readonly LedgerEvent[];
}

export interface ApprovalRequest {
  readonly intent_id: string;
  readonly status: string;
  readonly received_at: string;
  readonly expires_at: string | null;
  readonly source: string;
  readonly amount_cents: number;
  readonly currency: string;
  readonly customer_id: string | null;
  readonly stripe_charge_id: string | null;
  readonly stripe_account: string | null;
  readonly requested_by: string | null;
  readonly approver_roles: readonly string[];
  readonly approvals_required: number;
  readonly approvals: ReadonlyArray<{ user_id: string; verdict: string; role: string; time: string; seq: number }>;
  readonly matched_rule: string | null;
  readonly reason: string;
  readonly matched_rules: readonly string[];
  readonly facts: Record<string, unknown>;
  readonly refund: { stripe_charge_id: string | null; amount_cents: number; currency: string; stripe_account: string | null };
  readonly decision: DecisionJson;
}

export interface PolicyRole {
  readonly name: string;
  readonly rank: number;
  readonly seniors: readonly string[];
}

export interface PolicySummary {
  /** e.g. `v3`. */
  readonly policy_version: string;
  readonly version: number;
  readonly name: string;
  readonly hash: string;
  readonly created_at: string;
  readonly created_by?: string;
  readonly live: boolean;
  readonly shadow?: boolean;
}

export interface PolicyDetail extends PolicySummary {
  readonly source: string;
  readonly ir: { roles: readonly PolicyRole[]; sources: readonly string[]; rules: ReadonlyArray<{ id: string; outcome: string }> };
}

export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly amounts: Amounts;
  readonly text: string;
}

export interface ShadowDiff {
  readonly policy_version: string;
  readonly live_policy_version: string;
  readonly since: string | null;
  readonly until: string | null;
  readonly compared: number;
  readonly differing: number;
  readonly transitions: readonly Transition[];
  readonly rules: ReadonlyArray<{ rule: string; side: 'live' | 'shadow'; count: number; amounts: Amounts }>;
  readonly intents: Page<{
    intent_id: string; received_at: string; amount_cents: number; currency: string;
    live: { outcome: string; matched_rule: string | null }; shadow: { outcome: string; matched_rule: string | null };
  }>;
}

export interface PromoteImpact {
  readonly since: string | null;
  readonly until: string | null;
  readonly evaluated: number;
  readonly changes: readonly Transition[];
  readonly summary: readonly string[];
}

export interface OrgJson {
  readonly id: string;
  readonly name: string;
  readonly default_currency: string;
  readonly mode?: 'observe' | 'enforce';
  readonly live_policy_version: string | number | null;
}

export interface CountAmounts {
  readonly count: number;
  readonly amounts: Amounts;
}

export interface NumbersJson {
  readonly since: string;
  readonly until: string;
  readonly refunded: CountAmounts;
  readonly needed_approval: CountAmounts;
  readonly blocked: CountAmounts;
  readonly bypassed: CountAmounts;
  readonly decisions?: Readonly<Record<string, number>>;
}

export interface UserJson {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
}
