// What each subject is: its type, the request field it reads, and how people say it.
// docs/language.md, "Subjects and their types".
import { WINDOWED_FIELDS, type Subject, type SubjectField } from '../ast.js';

export type ValueType = 'money' | 'duration' | 'count' | 'symbol' | 'text' | 'time';

export interface SubjectInfo {
  readonly type: ValueType;
  /** The request field (or computed fact) it reads. */
  readonly field: string;
  readonly description: string;
}

type Windowed = 'customer_refunds' | 'customer_refunded' | 'source_refunds' | 'source_refunded' | 'merchant_refunds' | 'merchant_refunded';

/** Velocity subjects: their type and what they count. docs/language.md, "Velocity facts". */
const WINDOWED: Readonly<Record<Windowed, { type: ValueType; description: string }>> = {
  customer_refunds: { type: 'count', description: "the customer's refunds in the window (computed by the server)" },
  customer_refunded: { type: 'money', description: 'the money refunded to the customer in the window, in the refund currency (computed by the server)' },
  source_refunds: { type: 'count', description: "the refunds from this refund's source in the window (computed by the server)" },
  source_refunded: { type: 'money', description: "the money refunded from this refund's source in the window, in the refund currency (computed by the server)" },
  merchant_refunds: { type: 'count', description: "the refunds of this refund's merchant in the window (computed by the server)" },
  merchant_refunded: { type: 'money', description: "the money refunded by this refund's merchant in the window, in the refund currency (computed by the server)" },
};

const INFO: Readonly<Record<Exclude<SubjectField, 'unknown' | Windowed | 'metadata'>, SubjectInfo>> = {
  amount: { type: 'money', field: 'amount_cents', description: 'the refund amount, in the refund currency' },
  charge_amount: { type: 'money', field: 'charge_amount_cents', description: 'the amount of the charge being refunded' },
  charge_refunded: { type: 'money', field: 'charge_refunded_cents', description: 'already refunded on this charge (computed by the server)' },
  customer_tenure: { type: 'duration', field: 'customer_tenure_days', description: "how long the customer has been a customer" },
  charge_age: { type: 'duration', field: 'charge_age_days', description: 'how long ago the charge was made' },
  reason: { type: 'symbol', field: 'reason', description: 'the refund reason' },
  source: { type: 'symbol', field: 'source', description: 'where the refund request comes from' },
  merchant: { type: 'symbol', field: 'stripe_account', description: 'the Stripe Connect account' },
  currency: { type: 'symbol', field: 'currency', description: 'the refund currency (ISO 4217, any case; USD when absent)' },
  customer: { type: 'symbol', field: 'customer_id', description: 'the Stripe customer the refund goes to' },
  requested_by: { type: 'symbol', field: 'requested_by', description: 'who asked for the refund' },
  local_time: { type: 'time', field: 'local_time', description: "the time of day the refund was received, in the policy's time zone (computed by the server)" },
  weekday: { type: 'symbol', field: 'weekday', description: "the day of the week the refund was received, in the policy's time zone (computed by the server)" },
};

export function subjectInfo(subject: Subject): SubjectInfo | null {
  switch (subject.field) {
    case 'unknown':
      return null;
    case 'customer_refunds':
    case 'customer_refunded':
    case 'source_refunds':
    case 'source_refunded':
    case 'merchant_refunds':
    case 'merchant_refunded':
      return {
        ...WINDOWED[subject.field],
        field: subject.window ? factName(subject.window.amount, subject.window.unit.text, subject.field) : subject.field,
      };
    case 'metadata':
      return { type: 'text', field: `metadata.${subject.key?.value ?? ''}`, description: 'a metadata value sent with the request' };
    default:
      return INFO[subject.field];
  }
}

/**
 * `customer refunds in last 30 days` reads the computed fact `customer_refunds_last_30_days`,
 * `source refunded in last 1 hour` reads `source_refunded_last_1_hours` (the unit in the plural).
 */
export function factName(amount: string, unit: string, field: SubjectField = 'customer_refunds'): string {
  const plural = unit.endsWith('s') ? unit : `${unit}s`;
  // `last 030 days` is `last 30 days`: one fact, and a name the runtime accepts.
  const number = /^\d+$/.test(amount) ? amount.replace(/^0+(?=\d)/, '') : amount;
  return `${field}_last_${number}_${plural}`;
}

export function isWindowed(field: SubjectField): field is Windowed {
  return WINDOWED_FIELDS.has(field);
}

/** Every subject phrase, for suggestions and completion. */
export const SUBJECT_PHRASES: readonly string[] = [
  'amount',
  'charge amount',
  'charge age',
  'charge refunded',
  'customer tenure',
  'customer refunds in last 30 days',
  'reason',
  'source',
  'merchant',
  'currency',
  'customer',
  'requested by',
  'local time',
  'weekday',
  'customer refunded in last 30 days',
  'source refunds in last 1 hour',
  'source refunded in last 1 hour',
  'merchant refunds in last 7 days',
  'merchant refunded in last 7 days',
  'metadata.KEY',
];
