// The compiled policy format (IR): the stable public contract between the compiler,
// which emits it, and every service that evaluates it. It is plain JSON. Source
// positions never appear here (they live in the compiler's source map), so reformatting a
// policy or editing its comments never changes the IR or its hash.
//
// Language reference: docs/language.md (sections "IR" and "Precise rules").

/**
 * Bumped on any change that an older runtime could misread. Version 2 added lists, velocity
 * facts and the time of day; the compiler emits version 1 for a policy that uses none of them,
 * so policies written before round 2 keep their IR and hash, and runtimes that read only
 * version 1 still load them.
 */
export const IR_VERSION = 2;

/** Every version this runtime reads. */
export const IR_VERSIONS: readonly number[] = [1, 2];

export type Outcome = 'allow' | 'flag' | 'pending_approval' | 'block';

/** Severity order used by "most restrictive wins": a higher number wins. */
export const OUTCOME_RANK: Readonly<Record<Outcome, number>> = {
  allow: 0,
  flag: 1,
  pending_approval: 2,
  block: 3,
};

/** Who must approve: any of `roles` (or a role senior to one of them), `count` distinct people. */
export interface ApprovalIR {
  readonly roles: readonly string[];
  readonly count: number;
}

/** The outcome of `otherwise`, `on missing`, or a rule. `approval` is present iff outcome is pending_approval. */
export interface VerdictIR {
  readonly outcome: Outcome;
  readonly approval?: ApprovalIR;
}

export interface RoleIR {
  readonly name: string;
  /** Length of the longest chain of roles junior to this one (0 = most junior in its chain). */
  readonly rank: number;
  /** Every role strictly senior to this one (transitively closed), sorted by name. */
  readonly seniors: readonly string[];
}

/** Subjects a condition can test. Money fields are in the refund's currency. */
export type FieldIR =
  | { readonly kind: 'amount' }            // amount_cents + currency, money
  | { readonly kind: 'charge_amount' }     // charge_amount_cents, money in the refund's currency
  | { readonly kind: 'charge_refunded' }   // charge_refunded_cents (computed fact), money
  | { readonly kind: 'customer_tenure' }   // customer_tenure_days, duration
  | { readonly kind: 'charge_age' }        // charge_age_days, duration
  | { readonly kind: 'reason' }            // symbol
  | { readonly kind: 'source' }            // symbol
  | { readonly kind: 'merchant' }          // stripe_account, symbol
  | { readonly kind: 'currency' }          // symbol, upper-case ISO 4217; defaults to USD when absent
  | { readonly kind: 'customer_refunds'; readonly fact: string }  // count, a computed fact by name
  | { readonly kind: 'metadata'; readonly key: string }            // text
  // IR version 2:
  | { readonly kind: 'customer' }          // customer_id, symbol
  | { readonly kind: 'requested_by' }      // requested_by, symbol
  | { readonly kind: 'local_time' }        // local_time "HH:MM", time of day (minutes since midnight)
  | { readonly kind: 'weekday' }           // weekday, symbol: monday ... sunday
  | { readonly kind: VelocityFieldKind; readonly fact: string };   // a velocity fact by name

/** Velocity subjects: `refunds` are counts, `refunded` are money in the refund's currency. */
export type VelocityFieldKind =
  | 'customer_refunded'
  | 'source_refunds'
  | 'source_refunded'
  | 'merchant_refunds'
  | 'merchant_refunded';

export type FieldKind = FieldIR['kind'];

/**
 * Typed literal values. Money is integer minor units of its currency (JPY has none, KWD has
 * three); durations are whole hours; counts are integers; symbols are exact strings (currency
 * symbols upper-case); text is an exact string.
 */
export type ValueIR =
  | { readonly type: 'money'; readonly currency: string; readonly minor: number }
  | { readonly type: 'duration'; readonly hours: number }
  | { readonly type: 'count'; readonly value: number }
  | { readonly type: 'symbol'; readonly value: string }
  | { readonly type: 'text'; readonly value: string }
  /** A time of day at minute resolution: 0 (00:00) to 1439 (23:59). IR version 2. */
  | { readonly type: 'time'; readonly minutes: number };

export type CompareOp = 'gt' | 'lt' | 'ge' | 'le' | 'eq' | 'ne';

/** A normalized condition tree. A rule with no condition has `{ op: 'true' }`. */
export type ExprIR =
  | { readonly op: 'true' }
  | { readonly op: 'and'; readonly args: readonly ExprIR[] }
  | { readonly op: 'or'; readonly args: readonly ExprIR[] }
  | { readonly op: 'not'; readonly arg: ExprIR }
  /** field CMP value, e.g. amount over $150 -> { cmp: 'gt', value: money USD 15000 } */
  | { readonly op: 'cmp'; readonly field: FieldIR; readonly cmp: CompareOp; readonly value: ValueIR }
  /** low <= field <= high, both ends inclusive */
  | { readonly op: 'between'; readonly field: FieldIR; readonly low: ValueIR; readonly high: ValueIR }
  /** field equals one of values (`not in` is `not` around this) */
  | { readonly op: 'in'; readonly field: FieldIR; readonly values: readonly ValueIR[] }
  /**
   * field CMP percent% of other, compared exactly as `field * 100 CMP percent * other`.
   * Both fields are money in the refund's currency; percent is a whole number.
   */
  | { readonly op: 'ratio'; readonly field: FieldIR; readonly cmp: CompareOp; readonly percent: number; readonly of: FieldIR }
  /**
   * The field's value is a member of the caller's list `list` (exact string equality). Unknown
   * when the field or the list is missing; `not in list` is `not` around this. IR version 2.
   */
  | { readonly op: 'in_list'; readonly field: FieldIR; readonly list: string };

export interface RuleIR {
  /** The rule's name in the source; unique within a policy. */
  readonly id: string;
  readonly outcome: Outcome;
  /** Present iff outcome is pending_approval. */
  readonly approval?: ApprovalIR;
  /** The `because` text, or one the compiler wrote from the rule. */
  readonly reason: string;
  /** Qualifiers, `when`, and `not unless`, conjoined. */
  readonly condition: ExprIR;
}

/** Whose earlier refunds a velocity fact counts: the same customer_id, source or stripe_account. */
export type VelocityScope = 'customer' | 'source' | 'merchant';

/**
 * A value the server computes, because the request cannot carry it. Velocity facts and the
 * local time/weekday are computed by computeFacts.ts (one implementation for the server and
 * `axiru replay`).
 */
export type FactIR =
  | { readonly name: string; readonly kind: 'customer_refund_count'; readonly window_hours: number }
  | { readonly name: 'charge_refunded_cents'; readonly kind: 'charge_refunded' }
  /**
   * IR version 2. `count`: how many earlier refunds of the same scope in the window;
   * `sum`: their amount_cents in the refund's own currency. Named
   * `{scope}_refunds_last_{N}_{days|hours}` (count) or `{scope}_refunded_last_{N}_{days|hours}` (sum).
   */
  | {
      readonly name: string;
      readonly kind: 'velocity';
      readonly scope: VelocityScope;
      readonly measure: 'count' | 'sum';
      readonly window_hours: number;
    }
  /** IR version 2: `local_time` ("HH:MM") and `weekday` (monday ... sunday) in the policy's time zone. */
  | { readonly name: 'local_time'; readonly kind: 'local_time' }
  | { readonly name: 'weekday'; readonly kind: 'weekday' };

export interface PolicyIR {
  readonly ir_version: number;
  /** The policy's name from its header. */
  readonly policy: string;
  /** The header's version number; the decision API reports `v${version}`. */
  readonly version: number;
  /** `sha256:` + hex digest of the canonical IR without this field. */
  readonly hash: string;
  readonly roles: readonly RoleIR[];
  readonly sources: readonly string[];
  /** The `otherwise` verdict: applies when no rule matched. */
  readonly default: VerdictIR;
  /** The `on missing` verdict, or null: a candidate whenever some rule is undecided for lack of input. */
  readonly on_missing: VerdictIR | null;
  readonly rules: readonly RuleIR[];
  /** Computed facts the policy needs, sorted by name. */
  readonly facts: readonly FactIR[];
  /** IR version 2 (required there, absent in 1): the IANA zone of `local_time` and `weekday`. */
  readonly timezone?: string;
  /** IR version 2 (required there, absent in 1): the declared list names, sorted. */
  readonly lists?: readonly string[];
}

/**
 * The request fields a decision reads (the decision API's names). A field that is absent, null,
 * or of the wrong type or shape counts as missing: money must be a safe integer of minor units,
 * durations a finite number of days >= 0, counts a safe integer >= 0, symbols and metadata
 * values strings. The currency is never missing: absent (or not a string) means USD.
 */
export interface DecisionInput {
  readonly amount_cents?: number | null;
  readonly currency?: string | null;
  readonly source?: string | null;
  readonly reason?: string | null;
  readonly customer_tenure_days?: number | null;
  readonly stripe_account?: string | null;
  readonly charge_amount_cents?: number | null;
  readonly charge_age_days?: number | null;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  readonly customer_id?: string | null;
  readonly requested_by?: string | null;
  /** "HH:MM", 24-hour, in the policy's time zone (computeFacts.ts derives it from received_at). */
  readonly local_time?: string | null;
  /** monday ... sunday, in the policy's time zone. */
  readonly weekday?: string | null;
  /**
   * The organisation's lists by name. A ReadonlySet answers membership in O(1); an array is
   * turned into a Set once and remembered (by identity) for later decisions.
   */
  readonly lists?: Readonly<Record<string, ReadonlySet<string> | readonly string[]>> | null;
  /** Computed facts by their IR names: customer_refunds_last_30_days, charge_refunded_cents, ... */
  readonly [fact: string]: unknown;
}

/** What decide() returns. Decisions are frozen (deeply), and equal decisions may be one shared object. */
export interface Decision {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly policy_version: string;
  /** The rule that decided, or null when `otherwise` or `on missing` decided. */
  readonly matched_rule: string | null;
  /** First of the required roles when pending_approval, else null. */
  readonly approver_role: string | null;
  /** Every role listed by the deciding requirement (`require a or b`), else null. */
  readonly approver_roles: readonly string[] | null;
  /** Distinct approvers needed when pending_approval, else null. */
  readonly approvals_required: number | null;
  /** Every rule whose whole condition held, in file order. */
  readonly matched_rules: readonly string[];
  /** Sorted request fields that were absent and left some rule undecided. */
  readonly missing_fields: readonly string[];
}
