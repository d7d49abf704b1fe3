// fast-check generators for the property tests: small conditions, policies and requests over a
// vocabulary chosen so that thresholds, currencies and missing fields collide often.

import fc from 'fast-check';
import type { DecisionInput, ExprIR, FieldIR, Outcome, PolicyIR, RuleIR, ValueIR, VerdictIR } from '@axiru/runtime';
import {
  amount,
  approval,
  chargeAge,
  chargeAmount,
  chargeRefunded,
  currency,
  DEFAULT_SOURCES,
  metadata,
  policy,
  reason,
  refunds,
  source,
  tenure,
} from './irBuilders.js';

const cmpOp = fc.constantFrom('gt', 'lt', 'ge', 'le', 'eq', 'ne' as const);
const eqOp = fc.constantFrom('eq', 'ne' as const);

const money: fc.Arbitrary<ValueIR> = fc.record({
  type: fc.constant('money' as const),
  currency: fc.constantFrom('USD', 'EUR'),
  minor: fc.constantFrom(0, 1, 5000, 10000, 15000),
});
const moneyField = fc.constantFrom(amount, chargeAmount, chargeRefunded);
const localTime: FieldIR = { kind: 'local_time' };
const weekday: FieldIR = { kind: 'weekday' };
const customer: FieldIR = { kind: 'customer' };
const sourceRefunded: FieldIR = { kind: 'source_refunded', fact: 'source_refunded_last_1_hours' };
const merchantRefunds: FieldIR = { kind: 'merchant_refunds', fact: 'merchant_refunds_last_7_days' };
const time: fc.Arbitrary<ValueIR> = fc.constantFrom(0, 359, 360, 1320, 1439).map((minutes) => ({ type: 'time' as const, minutes }));
const durationField = fc.constantFrom(tenure, chargeAge);
const duration: fc.Arbitrary<ValueIR> = fc.constantFrom(0, 12, 36, 48, 720).map((hours) => ({ type: 'duration' as const, hours }));

const atom: fc.Arbitrary<ExprIR> = fc.oneof(
  fc.record({ op: fc.constant('cmp' as const), field: moneyField, cmp: cmpOp, value: money }),
  fc
    .tuple(moneyField, fc.constantFrom('USD', 'EUR'), fc.constantFrom(1, 5000, 10000), fc.constantFrom(0, 1, 5000))
    .map(([field, code, low, extra]): ExprIR => ({
      op: 'between',
      field,
      low: { type: 'money', currency: code, minor: low },
      high: { type: 'money', currency: code, minor: low + extra },
    })),
  fc.record({ op: fc.constant('in' as const), field: moneyField, values: fc.array(money, { minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constant('cmp' as const), field: durationField, cmp: cmpOp, value: duration }),
  fc.record({
    op: fc.constant('cmp' as const),
    field: fc.constant(refunds(30)),
    cmp: cmpOp,
    value: fc.constantFrom(0, 2, 3).map((value) => ({ type: 'count' as const, value })),
  }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(reason), cmp: eqOp, value: fc.constantFrom('a', 'b').map((value) => ({ type: 'symbol' as const, value })) }),
  fc.record({
    op: fc.constant('in' as const),
    field: fc.constant(source),
    values: fc.subarray(DEFAULT_SOURCES, { minLength: 1 }).map((vs) => vs.map((value) => ({ type: 'symbol' as const, value }))),
  }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(currency), cmp: eqOp, value: fc.constantFrom('USD', 'EUR').map((value) => ({ type: 'symbol' as const, value })) }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(metadata('k')), cmp: eqOp, value: fc.constantFrom('x', 'y').map((value) => ({ type: 'text' as const, value })) }),
  fc
    .tuple(fc.constantFrom([amount, chargeAmount], [chargeRefunded, chargeAmount], [amount, chargeRefunded], [chargeAmount, chargeAmount]), cmpOp, fc.constantFrom(0, 50, 100, 150))
    .map(([[field, of], op, percent]): ExprIR => ({ op: 'ratio', field: field!, cmp: op, percent, of: of! })),
  // IR version 2: time of day (wrapped ranges are unions), weekday, customer, lists, velocity.
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(localTime), cmp: cmpOp, value: time }),
  fc.tuple(time, time).map(([a, b]): ExprIR => ({ op: 'or', args: [{ op: 'cmp', field: localTime, cmp: 'ge', value: a }, { op: 'cmp', field: localTime, cmp: 'le', value: b }] })),
  fc.record({ op: fc.constant('in' as const), field: fc.constant(weekday), values: fc.subarray(['saturday', 'sunday', 'monday'], { minLength: 1 }).map((vs) => vs.map((value) => ({ type: 'symbol' as const, value }))) }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(customer), cmp: eqOp, value: fc.constantFrom('ann', 'bob').map((value) => ({ type: 'symbol' as const, value })) }),
  fc.record({ op: fc.constant('in_list' as const), field: fc.constantFrom(customer, metadata('k'), source), list: fc.constantFrom('vip', 'trainees') }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(sourceRefunded), cmp: cmpOp, value: money }),
  fc.record({ op: fc.constant('cmp' as const), field: fc.constant(merchantRefunds), cmp: cmpOp, value: fc.constantFrom(0, 2, 3).map((value) => ({ type: 'count' as const, value })) }),
);

export const expr: fc.Arbitrary<ExprIR> = fc.letrec<{ node: ExprIR }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((args): ExprIR => ({ op: 'and', args })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((args): ExprIR => ({ op: 'or', args })),
    tie('node').map((arg): ExprIR => ({ op: 'not', arg })),
  ),
})).node;

const maybe = <T>(values: readonly T[]): fc.Arbitrary<T | undefined> => fc.option(fc.constantFrom(...values), { nil: undefined });

/** Requests the server would accept: declared sources, amounts of at least one cent, durations exact in binary. */
export const input: fc.Arbitrary<DecisionInput> = fc
  .record({
    amount_cents: maybe([1, 4999, 5000, 5001, 7500, 9999, 10000, 10001, 15000, 1e12]),
    currency: maybe(['USD', 'usd', 'EUR', 'GBP']),
    charge_amount_cents: maybe([1, 5000, 7500, 10000, 20000]),
    charge_refunded_cents: maybe([0, 2500, 5000, 10000]),
    customer_tenure_days: maybe([0, 0.5, 1.5, 1.75, 2, 30, 31]),
    charge_age_days: maybe([0, 1.5, 2, 30]),
    customer_refunds_last_30_days: maybe([0, 2, 3, 5]),
    reason: maybe(['a', 'b', 'c']),
    source: maybe(DEFAULT_SOURCES),
    metadata: maybe([{ k: 'x' }, { k: 'y' }, { k: 'z' }, { k: 'ann' }, {}]),
    local_time: maybe(['00:00', '05:59', '06:00', '21:59', '22:00', '23:59']),
    weekday: maybe(['monday', 'saturday', 'sunday', 'friday']),
    customer_id: maybe(['ann', 'bob', 'cy']),
    source_refunded_last_1_hours: maybe([0, 5000, 10000, 15001]),
    merchant_refunds_last_7_days: maybe([0, 2, 3, 9]),
    lists: maybe([{}, { vip: ['ann', 'x'] }, { vip: ['bob', 'ai_agent'], trainees: [] }, { trainees: ['ann', 'y', 'support_tool'] }]),
  })
  .map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as DecisionInput);

const ROLES = ['support_lead', 'finance_manager', 'cfo'];

const outcome = fc.constantFrom<Outcome>('allow', 'flag', 'pending_approval', 'block');

const verdict: fc.Arbitrary<VerdictIR> = fc
  .tuple(outcome, fc.subarray(ROLES, { minLength: 1, maxLength: 2 }), fc.constantFrom(1, 2))
  .map(([o, roles, n]) => (o === 'pending_approval' ? { outcome: o, approval: approval(roles, n) } : { outcome: o }));

const ruleOf = (id: string): fc.Arbitrary<RuleIR> =>
  fc.tuple(verdict, expr).map(([v, condition]) => ({ id, ...v, reason: `rule ${id}`, condition }));

export const smallPolicy: fc.Arbitrary<PolicyIR> = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleOf(`r${i}`)))),
    verdict,
    fc.option(verdict, { nil: null }),
  )
  .map(([rules, otherwise, onMissing]) => policy({ rules, otherwise, onMissing }));

/**
 * A policy of 4 to 8 rules without `on missing`, and the same policy after one edit (a rule
 * replaced, inserted or removed, or none): the shape of two versions `axiru diff` compares.
 */
export const editedPolicyPair: fc.Arbitrary<readonly [PolicyIR, PolicyIR]> = fc
  .tuple(
    fc.integer({ min: 4, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleOf(`r${i}`)))),
    verdict,
    ruleOf('edited'),
    fc.constantFrom('replace', 'insert', 'remove', 'none'),
    fc.nat(),
  )
  .map(([rules, otherwise, fresh, edit, at]) => {
    const place = at % rules.length;
    const edited = [...rules];
    if (edit === 'replace') edited[place] = { ...fresh, id: rules[place]!.id };
    else if (edit === 'insert') edited.splice(place, 0, fresh);
    else if (edit === 'remove') edited.splice(place, 1);
    return [policy({ rules, otherwise, onMissing: null }), policy({ rules: edited, otherwise, onMissing: null })] as const;
  });

/**
 * A policy and the same policy with `block` and `flag` swapped on one or two of its rules: the
 * weakened rules fall under the stronger rules they used to beat, the hard case of the diff's
 * changed-rule shortcut. Rules are given `block` or `flag` often enough for a swap to exist.
 */
export const swappedPolicyPair: fc.Arbitrary<readonly [PolicyIR, PolicyIR]> = fc
  .tuple(
    fc.integer({ min: 8, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fc.tuple(ruleOf(`r${i}`), fc.constantFrom('block', 'flag', 'keep'))))),
    verdict,
    fc.nat(),
    fc.nat(),
  )
  .map(([drawn, otherwise, first, second]) => {
    const rules = drawn.map(([rule, outcome]): RuleIR => (outcome === 'keep' ? rule : { id: rule.id, outcome, reason: rule.reason, condition: rule.condition }));
    const swap = new Set([first % rules.length, second % rules.length]);
    const swapped = rules.map((rule, i): RuleIR =>
      swap.has(i) && (rule.outcome === 'block' || rule.outcome === 'flag') ? { ...rule, outcome: rule.outcome === 'block' ? 'flag' : 'block' } : rule,
    );
    return [policy({ rules, otherwise, onMissing: null }), policy({ rules: swapped, otherwise, onMissing: null })] as const;
  });
