// What each condition subject reads from a decision request, and what type of value it holds.
// This table is the single place where the language's field names meet the decision API's
// request names (docs/language.md, "Subjects and their types"); the validator, the evaluator,
// the code generator and the explanation all read it.

import type { FieldIR, FieldKind, VelocityFieldKind } from './ir.js';

export type FieldType = 'money' | 'duration' | 'count' | 'symbol' | 'text' | 'time';

export const FIELD_TYPES: Readonly<Record<FieldKind, FieldType>> = {
  amount: 'money',
  charge_amount: 'money',
  charge_refunded: 'money',
  customer_tenure: 'duration',
  charge_age: 'duration',
  reason: 'symbol',
  source: 'symbol',
  merchant: 'symbol',
  currency: 'symbol',
  customer_refunds: 'count',
  metadata: 'text',
  customer: 'symbol',
  requested_by: 'symbol',
  local_time: 'time',
  weekday: 'symbol',
  customer_refunded: 'money',
  source_refunds: 'count',
  source_refunded: 'money',
  merchant_refunds: 'count',
  merchant_refunded: 'money',
};

/** Fields that read a computed fact named in the field itself. */
export type FactFieldKind = 'customer_refunds' | VelocityFieldKind;

export function isFactField(field: FieldIR): field is Extract<FieldIR, { readonly fact: string }> {
  return 'fact' in field;
}

/** The day names `weekday` takes, Monday first (ISO 8601 order). */
export const WEEKDAYS: readonly string[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Request keys of the fields with a fixed name (customer_refunds and metadata name theirs). */
export const FIXED_INPUT_NAMES = {
  amount: 'amount_cents',
  charge_amount: 'charge_amount_cents',
  charge_refunded: 'charge_refunded_cents',
  customer_tenure: 'customer_tenure_days',
  charge_age: 'charge_age_days',
  reason: 'reason',
  source: 'source',
  merchant: 'stripe_account',
  currency: 'currency',
  customer: 'customer_id',
  requested_by: 'requested_by',
  local_time: 'local_time',
  weekday: 'weekday',
} as const;

const PLAIN_METADATA_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * The request field a subject reads, as `missing_fields` and explanations name it:
 * `amount_cents`, `customer_refunds_last_30_days`, `metadata.ticket`, `metadata["order id"]`.
 * Two subjects share a name exactly when they read the same request value.
 */
export function inputNameOf(field: FieldIR): string {
  if (isFactField(field)) return field.fact;
  switch (field.kind) {
    case 'metadata':
      return PLAIN_METADATA_KEY.test(field.key) ? `metadata.${field.key}` : `metadata[${JSON.stringify(field.key)}]`;
    default:
      return FIXED_INPUT_NAMES[field.kind];
  }
}

/** Whether a field's type has an order (over/under/between make sense; before/after for time). */
export function isOrdered(type: FieldType): boolean {
  return type === 'money' || type === 'duration' || type === 'count' || type === 'time';
}

/** The missing-field name of a list the caller did not pass: `lists.vip_customers`. */
export function listInputName(list: string): string {
  return `lists.${list}`;
}
