// The server's JSON, as the client sees it. Field names are the API contract (snake_case).

export type Outcome = 'allow' | 'flag' | 'pending_approval' | 'block';

export type IntentStatus =
  | 'allowed' | 'pending_approval' | 'approved' | 'denied' | 'blocked' | 'held'
  | 'executed' | 'failed' | 'expired' | 'observed';

/** `POST /api/decision` body: a refund about to be made. Amounts in minor units. */
export interface DecisionRequest {
  readonly source: string;
  readonly action?: 'refund';
  readonly amount_cents: number;
  readonly currency?: string | null;
  readonly stripe_charge_id?: string | null;
  readonly customer_id?: string | null;
  readonly stripe_account?: string | null;
  readonly reason?: string | null;
  readonly customer_tenure_days?: number | null;
  readonly charge_amount_cents?: number | null;
  readonly charge_age_days?: number | null;
  readonly requested_by?: string | null;
  readonly metadata?: Readonly<Record<string, string>> | null;
}

/** The control (kill switch or freeze) that blocked a request at intake. */
export interface ControlView {
  readonly kind: string;
  readonly scope: string;
  readonly reason: string;
  readonly actor: string;
  readonly seq: number;
  readonly since: string;
}

export interface Decision {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly policy_version: string;
  readonly matched_rule: string | null;
  readonly approver_role: string | null;
  readonly approver_roles: readonly string[] | null;
  readonly approvals_required: number | null;
  readonly matched_rules: readonly string[];
  readonly missing_fields: readonly string[];
  readonly control?: ControlView;
  /** Decisions of shadow policies, recorded but never enforced. */
  readonly shadow?: readonly unknown[];
  /** `false` when the organisation is in observe mode: `outcome` is then always `allow`. */
  readonly enforced?: boolean;
  /** In observe mode, what the policy would have decided. */
  readonly would_be?: Readonly<Record<string, unknown>>;
}

export interface DecisionResponse {
  readonly decision: Decision;
  readonly intent_id: string;
  readonly received_at: string;
  /** True when the server answered from its idempotency store (the same key and body were decided before). */
  readonly replayed: boolean;
}

export interface IntentEvent {
  readonly seq: number;
  readonly kind: string;
  readonly time: string;
  readonly actor: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly hash: string;
}

/** `GET /api/intents/:id`: the sealed decision and every later record about the intent. */
export interface Intent {
  readonly intent_id: string;
  readonly received_at: string;
  readonly status: IntentStatus;
  readonly requested_by: string | null;
  readonly request: DecisionRequest & { readonly currency: string };
  readonly facts: Readonly<Record<string, unknown>>;
  readonly decision: Decision;
  readonly policy: { readonly name: string; readonly version: string; readonly ir_hash: string };
  readonly record: { readonly seq: number; readonly kind: string; readonly time: string; readonly actor: string; readonly prev_hash: string; readonly hash: string };
  readonly events: readonly IntentEvent[];
}

/** `POST /api/intents/:id/executed` answer. */
export interface ExecutionReport {
  readonly intent_id: string;
  readonly status: IntentStatus;
  readonly approvals: number;
  readonly approvals_required: number | null;
  readonly record: { readonly seq: number; readonly kind: string; readonly hash: string };
}

/** The body of one of Axiru's own webhook deliveries. */
export interface AxiruWebhookEvent {
  readonly id: string;
  readonly type: string;
  readonly created: string;
  readonly data: Readonly<Record<string, unknown>> & { readonly intent_id?: string | null };
}
