// What each subject is: its type, the request field it reads, and how people say it.
// docs/language.md, "Subjects and their types".
import type { Subject, SubjectField } from '../ast.js';

export type ValueType = 'money' | 'duration' | 'count' | 'symbol' | 'text';

export interface SubjectInfo {
  readonly type: ValueType;
  /** The request field (or computed fact) it reads. */
  readonly field: string;
  readonly description: string;
}

const INFO: Readonly<Record<Exclude<SubjectField, 'unknown' | 'customer_refunds' | 'metadata'>, SubjectInfo>> = {
  amount: { type: 'money', field: 'amount_cents', description: 'the refund amount, in the refund currency' },
  charge_amount: { type: 'money', field: 'charge_amount_cents', description: 'the amount of the charge being refunded' },
  charge_refunded: { type: 'money', field: 'charge_refunded_cents', description: 'already refunded on this charge (computed by the server)' },
  customer_tenure: { type: 'duration', field: 'customer_tenure_days', description: "how long the customer has been a customer" },
  charge_age: { type: 'duration', field: 'charge_age_days', description: 'how long ago the charge was made' },
  reason: { type: 'symbol', field: 'reason', description: 'the refund reason' },
  source: { type: 'symbol', field: 'source', description: 'where the refund request comes from' },
  merchant: { type: 'symbol', field: 'stripe_account', description: 'the Stripe Connect account' },
  currency: { type: 'symbol', field: 'currency', description: 'the refund currency (ISO 4217, any case; USD when absent)' },
};

export function subjectInfo(subject: Subject): SubjectInfo | null {
  switch (subject.field) {
    case 'unknown':
      return null;
    case 'customer_refunds':
      return {
        type: 'count',
        field: subject.window ? factName(subject.window.amount, subject.window.unit.text) : 'customer_refunds',
        description: "the customer's refunds in the window (computed by the server)",
      };
    case 'metadata':
      return { type: 'text', field: `metadata.${subject.key?.value ?? ''}`, description: 'a metadata value sent with the request' };
    default:
      return INFO[subject.field];
  }
}

/** `customer refunds in last 30 days` reads the computed fact `customer_refunds_last_30_days`. */
export function factName(amount: string, unit: string): string {
  const plural = unit.endsWith('s') ? unit : `${unit}s`;
  // `last 030 days` is `last 30 days`: one fact, and a name the runtime accepts.
  const number = /^\d+$/.test(amount) ? amount.replace(/^0+(?=\d)/, '') : amount;
  return `customer_refunds_last_${number}_${plural}`;
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
  'metadata.KEY',
];
