// fast-check generators of valid policy IR and of decision requests (well-formed or not),
// shaped so that comparisons often land on, just below or just above their thresholds.

import fc from 'fast-check';
import type { CompareOp, ExprIR, FieldIR, Outcome, PolicyIR, RuleIR, ValueIR, VerdictIR } from '@axiru/runtime';
import { policy } from './helpers.js';

const ROLES = ['support_lead', 'finance_manager', 'cfo', 'risk'];
const SOURCES = ['support_tool', 'ai_agent', 'automation', 'stripe_direct'];
const REASONS = ['duplicate_charge', 'fraudulent', 'requested_by_customer'];
const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD'];
const MERCHANTS = ['acct_1', 'acct_2', 'acct_3'];
const METADATA_KEYS = ['ticket', 'order id'];
const AMOUNTS = [0, 1, 99, 100, 101, 5000, 15000, 15001, 250000];

const op = fc.constantFrom<CompareOp>('gt', 'lt', 'ge', 'le', 'eq', 'ne');
const equality = fc.constantFrom<CompareOp>('eq', 'ne');
const moneyValue = fc.record({ type: fc.constant('money' as const), currency: fc.constantFrom(...CURRENCIES), minor: fc.constantFrom(...AMOUNTS) });
const moneyField = fc.constantFrom<FieldIR>({ kind: 'amount' }, { kind: 'charge_amount' }, { kind: 'charge_refunded' });
const durationField = fc.constantFrom<FieldIR>({ kind: 'customer_tenure' }, { kind: 'charge_age' });
const duration = fc.constantFrom(0, 1, 12, 24, 36, 48, 720).map((hours): ValueIR => ({ type: 'duration', hours }));
const countField = fc.constantFrom<FieldIR>(
  { kind: 'customer_refunds', fact: 'customer_refunds_last_30_days' },
  { kind: 'customer_refunds', fact: 'customer_refunds_last_48_hours' },
);
const countValue = fc.integer({ min: 0, max: 4 }).map((value): ValueIR => ({ type: 'count', value }));
const symbolFor = (kind: 'reason' | 'source' | 'merchant' | 'currency'): fc.Arbitrary<ValueIR> =>
  fc
    .constantFrom(...{ reason: REASONS, source: SOURCES, merchant: MERCHANTS, currency: CURRENCIES }[kind])
    .map((value): ValueIR => ({ type: 'symbol', value }));
const symbolKind = fc.constantFrom('reason' as const, 'source' as const, 'merchant' as const, 'currency' as const);
const metadataField = fc.constantFrom(...METADATA_KEYS).map((key): FieldIR => ({ kind: 'metadata', key }));
const textValue = fc.constantFrom('Z-1', 'z-1', '').map((value): ValueIR => ({ type: 'text', value }));

// IR version 2: lists, velocity facts, time of day, customer and requester.
const LISTS = ['trainees', 'vip'];
const PEOPLE = ['ann', 'bob', 'cus_1'];
const DAYS = ['monday', 'tuesday', 'saturday', 'sunday'];
const MINUTES = [0, 1, 359, 360, 361, 1319, 1320, 1321, 1439];
const velocityCountField = fc.constantFrom<FieldIR>(
  { kind: 'source_refunds', fact: 'source_refunds_last_1_hours' },
  { kind: 'merchant_refunds', fact: 'merchant_refunds_last_7_days' },
);
const velocityMoneyField = fc.constantFrom<FieldIR>(
  { kind: 'customer_refunded', fact: 'customer_refunded_last_30_days' },
  { kind: 'source_refunded', fact: 'source_refunded_last_1_hours' },
  { kind: 'merchant_refunded', fact: 'merchant_refunded_last_7_days' },
);
const timeValue = fc.constantFrom(...MINUTES).map((minutes): ValueIR => ({ type: 'time', minutes }));
const listSubject = fc.constantFrom<FieldIR>({ kind: 'customer' }, { kind: 'requested_by' }, { kind: 'source' }, { kind: 'metadata', key: 'ticket' });
const personValue = fc.constantFrom(...PEOPLE).map((value): ValueIR => ({ type: 'symbol', value }));

const leafV2: fc.Arbitrary<ExprIR> = fc.oneof(
  fc.record({ op: fc.constant('cmp' as const), field: velocityCountField, cmp: op, value: countValue }),
  fc.record({ op: fc.constant('cmp' as const), field: velocityMoneyField, cmp: op, value: moneyValue }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant<FieldIR>({ kind: 'local_time' }), cmp: op, value: timeValue }),
  fc.tuple(timeValue, timeValue).map(([a, b]): ExprIR => {
    const [low, high] = a.type === 'time' && b.type === 'time' && a.minutes > b.minutes ? [b, a] : [a, b];
    return { op: 'between', field: { kind: 'local_time' }, low, high };
  }),
  fc.record({ op: fc.constant('in' as const), field: fc.constant<FieldIR>({ kind: 'weekday' }), values: fc.array(fc.constantFrom(...DAYS).map((value): ValueIR => ({ type: 'symbol', value })), { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constantFrom<FieldIR>({ kind: 'customer' }, { kind: 'requested_by' }), cmp: equality, value: personValue }),
  fc.record({ op: fc.constant('in_list' as const), field: listSubject, list: fc.constantFrom(...LISTS) }),
);

const leaf: fc.Arbitrary<ExprIR> = fc.oneof(
  fc.record({ op: fc.constant('cmp' as const), field: moneyField, cmp: op, value: moneyValue }),
  fc
    .tuple(moneyField, moneyValue, fc.constantFrom(...AMOUNTS))
    .map(([field, low, extra]): ExprIR => ({ op: 'between', field, low, high: { ...low, minor: low.minor + extra } })),
  fc.record({ op: fc.constant('in' as const), field: moneyField, values: fc.array(moneyValue, { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('cmp' as const), field: durationField, cmp: op, value: duration }),
  fc.tuple(durationField, duration, duration).map(([field, a, b]): ExprIR => {
    const [low, high] = a.type === 'duration' && b.type === 'duration' && a.hours > b.hours ? [b, a] : [a, b];
    return { op: 'between', field, low, high };
  }),
  fc.record({ op: fc.constant('cmp' as const), field: countField, cmp: op, value: countValue }),
  fc.record({ op: fc.constant('in' as const), field: countField, values: fc.array(countValue, { minLength: 1, maxLength: 12 }) }),
  symbolKind.chain((kind) => fc.record({ op: fc.constant('cmp' as const), field: fc.constant<FieldIR>({ kind }), cmp: equality, value: symbolFor(kind) })),
  symbolKind.chain((kind) =>
    fc.record({ op: fc.constant('in' as const), field: fc.constant<FieldIR>({ kind }), values: fc.array(symbolFor(kind), { minLength: 1, maxLength: 10 }) }),
  ),
  fc.record({ op: fc.constant('cmp' as const), field: metadataField, cmp: equality, value: textValue }),
  fc.record({ op: fc.constant('ratio' as const), field: moneyField, cmp: op, percent: fc.constantFrom(0, 50, 80, 100, 150), of: moneyField }),
  fc.constant<ExprIR>({ op: 'true' }),
  leafV2,
);

export const condition: fc.Arbitrary<ExprIR> = fc.letrec<{ expr: ExprIR }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constant('and' as const), args: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant('or' as const), args: fc.array(tie('expr'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant('not' as const), arg: tie('expr') }),
  ),
})).expr;

const approval = fc.record({
  roles: fc.shuffledSubarray(ROLES, { minLength: 1, maxLength: 3 }),
  count: fc.integer({ min: 1, max: 3 }),
});

const outcome = fc.constantFrom<Outcome>('allow', 'flag', 'pending_approval', 'block');

export const verdict: fc.Arbitrary<VerdictIR> = fc
  .tuple(outcome, approval)
  .map(([o, a]): VerdictIR => (o === 'pending_approval' ? { outcome: o, approval: a } : { outcome: o }));

export function rulesOf(minLength: number, maxLength: number): fc.Arbitrary<RuleIR[]> {
  return fc.array(fc.tuple(verdict, condition), { minLength, maxLength }).map((rules) =>
    rules.map(([v, c], i): RuleIR => ({ id: `rule_${i}`, ...v, reason: `Reason ${i}`, condition: c })),
  );
}

/** Facts of the generated policies: version 1's and the velocity and time ones, sorted by name. */
const V2_FACTS: PolicyIR['facts'] = [
  { name: 'charge_refunded_cents', kind: 'charge_refunded' },
  { name: 'customer_refunded_last_30_days', kind: 'velocity', scope: 'customer', measure: 'sum', window_hours: 720 },
  { name: 'customer_refunds_last_30_days', kind: 'customer_refund_count', window_hours: 720 },
  { name: 'customer_refunds_last_48_hours', kind: 'customer_refund_count', window_hours: 48 },
  { name: 'local_time', kind: 'local_time' },
  { name: 'merchant_refunded_last_7_days', kind: 'velocity', scope: 'merchant', measure: 'sum', window_hours: 168 },
  { name: 'merchant_refunds_last_7_days', kind: 'velocity', scope: 'merchant', measure: 'count', window_hours: 168 },
  { name: 'source_refunded_last_1_hours', kind: 'velocity', scope: 'source', measure: 'sum', window_hours: 1 },
  { name: 'source_refunds_last_1_hours', kind: 'velocity', scope: 'source', measure: 'count', window_hours: 1 },
  { name: 'weekday', kind: 'weekday' },
];

export function policyOf(minRules: number, maxRules: number): fc.Arbitrary<PolicyIR> {
  return fc.record({ rules: rulesOf(minRules, maxRules), otherwise: verdict, onMissing: fc.option(verdict, { nil: null }) }).map(({ rules, otherwise, onMissing }) =>
    policy(rules, {
      ir_version: 2,
      timezone: 'Europe/Berlin',
      lists: LISTS,
      facts: V2_FACTS,
      default: otherwise,
      on_missing: onMissing,
      roles: [
        { name: 'support_lead', rank: 0, seniors: ['cfo', 'finance_manager'] },
        { name: 'finance_manager', rank: 1, seniors: ['cfo'] },
        { name: 'cfo', rank: 2, seniors: [] },
        { name: 'risk', rank: 0, seniors: [] },
      ],
    }),
  );
}

/** Optional field: absent, null, a good value, or (rarely) a value of the wrong type. */
function field<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: good },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 3 }), fc.double(), fc.boolean(), fc.constant([1])) },
  );
}

const minor = fc.oneof(fc.constantFrom(...AMOUNTS), fc.integer({ min: 0, max: 300000 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1));
const daysValue = fc.oneof(fc.constantFrom(0, 0.5, 1, 1.5, 2, 30, 1 / 24, 29.999), fc.double({ min: 0, max: 100, noNaN: true }));

export const input: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    amount_cents: field(minor),
    currency: field(fc.constantFrom('usd', 'USD', 'eur', 'Eur', 'jpy', 'kwd', 'gbp')),
    source: field(fc.constantFrom(...SOURCES, 'unknown_source')),
    reason: field(fc.constantFrom(...REASONS, 'other')),
    customer_tenure_days: field(daysValue),
    charge_age_days: field(daysValue),
    stripe_account: field(fc.constantFrom(...MERCHANTS)),
    charge_amount_cents: field(minor),
    charge_refunded_cents: field(minor),
    customer_refunds_last_30_days: field(fc.integer({ min: 0, max: 5 })),
    customer_refunds_last_48_hours: field(fc.integer({ min: 0, max: 5 })),
    customer_id: field(fc.constantFrom(...PEOPLE)),
    requested_by: field(fc.constantFrom(...PEOPLE)),
    local_time: field(fc.oneof(fc.constantFrom('00:00', '05:59', '06:00', '06:01', '21:59', '22:00', '22:01', '23:59', '24:00', '7:5'), fc.string({ maxLength: 5 }))),
    weekday: field(fc.constantFrom(...DAYS, 'Monday', 'someday')),
    source_refunds_last_1_hours: field(fc.integer({ min: 0, max: 5 })),
    merchant_refunds_last_7_days: field(fc.integer({ min: 0, max: 5 })),
    customer_refunded_last_30_days: field(minor),
    source_refunded_last_1_hours: field(minor),
    merchant_refunded_last_7_days: field(minor),
    lists: field(
      fc.record(
        {
          vip: fc.oneof(fc.subarray(PEOPLE), fc.subarray(PEOPLE).map((values) => new Set(values))),
          trainees: fc.oneof(fc.subarray([...PEOPLE, 'Z-1']), fc.constant(['z-1']).map((values) => new Set(values))),
        },
        { requiredKeys: [] },
      ),
    ),
    metadata: field(fc.dictionary(fc.constantFrom(...METADATA_KEYS), fc.oneof(textValue.map((v) => (v.type === 'text' ? v.value : '')), fc.integer()))),
  },
  { requiredKeys: [] },
);
