// IR version 2 in the runtime: lists, velocity facts, local time and weekday, customer and
// requester (docs/language.md, "Round 2 additions"). Every decision runs through both engines.

import { describe, expect, it } from 'vitest';
import { validateIR, type DecisionInput, type ExprIR, type FieldIR, type PolicyIR, type RuleIR, type ValueIR } from '@axiru/runtime';
import { and, cmp, count, isIn, loadBoth, not, or, policy, rule, sym, usd } from './helpers.js';

const FACTS: PolicyIR['facts'] = [
  { name: 'local_time', kind: 'local_time' },
  { name: 'source_refunded_last_1_hours', kind: 'velocity', scope: 'source', measure: 'sum', window_hours: 1 },
  { name: 'source_refunds_last_1_hours', kind: 'velocity', scope: 'source', measure: 'count', window_hours: 1 },
  { name: 'weekday', kind: 'weekday' },
];

function policyV2(rules: readonly RuleIR[], overrides: Partial<PolicyIR> = {}): PolicyIR {
  return policy(rules, { ir_version: 2, timezone: 'Europe/Berlin', lists: ['trainees', 'vip'], facts: FACTS, ...overrides });
}

/** matched / undecided / not_matched, told apart by `otherwise flag` and `on missing block`. */
function statusOf(condition: ExprIR, input: DecisionInput): { status: string; missing: readonly string[] } {
  const both = loadBoth(policyV2([rule('r', 'allow', condition)], { default: { outcome: 'flag' }, on_missing: { outcome: 'block' } }));
  const decision = both.decide(input);
  const status = decision.matched_rules.includes('r') ? 'matched' : decision.outcome === 'block' ? 'undecided' : 'not_matched';
  expect(both.generated.explain(input).rules[0]?.status).toBe(status);
  return { status, missing: decision.missing_fields };
}

const time = (minutes: number): ValueIR => ({ type: 'time', minutes });
const customer: FieldIR = { kind: 'customer' };
const localTime: FieldIR = { kind: 'local_time' };
const inList = (field: FieldIR, list: string): ExprIR => ({ op: 'in_list', field, list });

describe('list membership', () => {
  it('is true for a member, false for another value, with Sets or arrays', () => {
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'ann', lists: { vip: ['ann'] } }).status).toBe('matched');
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'ann', lists: { vip: new Set(['ann']) } }).status).toBe('matched');
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'bob', lists: { vip: ['ann'] } }).status).toBe('not_matched');
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'bob', lists: { vip: [] } }).status).toBe('not_matched');
  });

  it('is exact, case-sensitive string equality', () => {
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'Ann', lists: { vip: ['ann'] } }).status).toBe('not_matched');
    expect(statusOf(inList({ kind: 'metadata', key: 'ticket' }, 'vip'), { metadata: { ticket: 'Z-1' }, lists: { vip: ['Z-1'] } }).status).toBe('matched');
  });

  it('is unknown without the list, naming lists.NAME, and without the subject, naming its field', () => {
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'ann' })).toEqual({ status: 'undecided', missing: ['lists.vip'] });
    expect(statusOf(inList(customer, 'vip'), { customer_id: 'ann', lists: { trainees: ['ann'] } })).toEqual({ status: 'undecided', missing: ['lists.vip'] });
    expect(statusOf(inList(customer, 'vip'), { lists: { vip: ['ann'] } })).toEqual({ status: 'undecided', missing: ['customer_id'] });
    expect(statusOf(inList(customer, 'vip'), {})).toEqual({ status: 'undecided', missing: ['customer_id', 'lists.vip'] });
  });

  it('`not in list` is the Kleene negation', () => {
    expect(statusOf(not(inList(customer, 'vip')), { customer_id: 'bob', lists: { vip: ['ann'] } }).status).toBe('matched');
    expect(statusOf(not(inList(customer, 'vip')), { customer_id: 'ann', lists: { vip: ['ann'] } }).status).toBe('not_matched');
    expect(statusOf(not(inList(customer, 'vip')), { customer_id: 'ann' }).status).toBe('undecided');
    // false and unknown is false: the missing list is not reported then.
    expect(statusOf(and(cmp(customer, 'eq', sym('zed')), inList(customer, 'vip')), { customer_id: 'ann' })).toEqual({ status: 'not_matched', missing: [] });
  });

  it('reads the same array once into a Set (later decisions reuse it)', () => {
    const both = loadBoth(policyV2([rule('r', 'block', inList(customer, 'vip'))]));
    const vip = Array.from({ length: 100_000 }, (_, i) => `cus_${i}`);
    for (let i = 0; i < 50; i++) expect(both.decide({ customer_id: `cus_${i * 1999}`, lists: { vip } }).outcome).toBe('block');
    expect(both.decide({ customer_id: 'cus_x', lists: { vip } }).outcome).toBe('allow');
  });

  it('explains what it saw', () => {
    const loaded = loadBoth(policyV2([rule('r', 'block', not(inList(customer, 'vip')))])).generated;
    const trace = loaded.explain({ customer_id: 'ann', lists: { vip: ['bob', 'cy'] } }).rules[0]?.conditions[0];
    expect(trace?.text).toBe('customer not in list vip');
    expect(trace?.kind === 'not' ? trace.condition : undefined).toMatchObject({ text: 'customer in list vip', actual: 'customer is ann; the list vip has 2 values' });
  });
});

describe('local time', () => {
  const at = (hhmm: string) => ({ local_time: hhmm });
  it('before is <, after is >, at is =, at minute resolution', () => {
    expect(statusOf(cmp(localTime, 'lt', time(360)), at('05:59')).status).toBe('matched');
    expect(statusOf(cmp(localTime, 'lt', time(360)), at('06:00')).status).toBe('not_matched');
    expect(statusOf(cmp(localTime, 'gt', time(1320)), at('22:00')).status).toBe('not_matched');
    expect(statusOf(cmp(localTime, 'gt', time(1320)), at('22:01')).status).toBe('matched');
    expect(statusOf(cmp(localTime, 'eq', time(0)), at('00:00')).status).toBe('matched');
    expect(statusOf(cmp(localTime, 'eq', time(0)), at('00:01')).status).toBe('not_matched');
  });

  it('a wrapped range is a union: 22:00 ... 23:59 and 00:00 ... 06:00', () => {
    const night = or(cmp(localTime, 'ge', time(1320)), cmp(localTime, 'le', time(360)));
    for (const inside of ['22:00', '23:59', '00:00', '06:00']) expect(statusOf(night, at(inside)).status).toBe('matched');
    for (const outside of ['21:59', '06:01', '12:00']) expect(statusOf(night, at(outside)).status).toBe('not_matched');
  });

  it('anything but HH:MM from 00:00 to 23:59 is missing', () => {
    for (const bad of ['24:00', '7:05', '07:5', '25:00', '12:60', ' 12:00', 720, null]) {
      expect(statusOf(cmp(localTime, 'lt', time(720)), { local_time: bad } as DecisionInput)).toEqual({ status: 'undecided', missing: ['local_time'] });
    }
  });
});

describe('weekday, customer, requested by', () => {
  it('weekday takes only lower-case day names', () => {
    const weekend = isIn({ kind: 'weekday' }, [sym('saturday'), sym('sunday')]);
    expect(statusOf(weekend, { weekday: 'sunday' }).status).toBe('matched');
    expect(statusOf(weekend, { weekday: 'monday' }).status).toBe('not_matched');
    expect(statusOf(weekend, { weekday: 'Sunday' })).toEqual({ status: 'undecided', missing: ['weekday'] });
  });

  it('requested_by and customer_id are symbols', () => {
    expect(statusOf(cmp({ kind: 'requested_by' }, 'eq', sym('ann')), { requested_by: 'ann' }).status).toBe('matched');
    expect(statusOf(cmp(customer, 'ne', sym('ann')), { customer_id: 'bob' }).status).toBe('matched');
    expect(statusOf(cmp(customer, 'ne', sym('ann')), {})).toEqual({ status: 'undecided', missing: ['customer_id'] });
  });
});

describe('velocity facts', () => {
  const refunded: FieldIR = { kind: 'source_refunded', fact: 'source_refunded_last_1_hours' };
  const refunds: FieldIR = { kind: 'source_refunds', fact: 'source_refunds_last_1_hours' };
  it('sums are money in the refund currency: over $5,000 is over 500000 cents, never in another currency', () => {
    expect(statusOf(cmp(refunded, 'gt', usd(500_000)), { source_refunded_last_1_hours: 500_001 }).status).toBe('matched');
    expect(statusOf(cmp(refunded, 'gt', usd(500_000)), { source_refunded_last_1_hours: 500_000 }).status).toBe('not_matched');
    expect(statusOf(cmp(refunded, 'gt', usd(500_000)), { source_refunded_last_1_hours: 900_000, currency: 'eur' }).status).toBe('not_matched');
    expect(statusOf(cmp(refunded, 'gt', usd(500_000)), {})).toEqual({ status: 'undecided', missing: ['source_refunded_last_1_hours'] });
  });

  it('counts compare as counts', () => {
    expect(statusOf(cmp(refunds, 'ge', count(3)), { source_refunds_last_1_hours: 3 }).status).toBe('matched');
    expect(statusOf(cmp(refunds, 'ge', count(3)), { source_refunds_last_1_hours: 2 }).status).toBe('not_matched');
    expect(statusOf(cmp(refunds, 'ge', count(3)), { source_refunds_last_1_hours: -1 })).toEqual({ status: 'undecided', missing: ['source_refunds_last_1_hours'] });
  });

  it('explains the fact in the language', () => {
    const loaded = loadBoth(policyV2([rule('r', 'block', cmp(refunded, 'gt', usd(500_000)))])).generated;
    expect(loaded.explain({ source_refunded_last_1_hours: 420_000 }).rules[0]?.conditions[0]).toMatchObject({
      text: 'source refunded in last 1 hour over $5,000.00',
      actual: 'source refunded in last 1 hour is $4,200.00',
    });
  });
});

describe('validating version 2 IR', () => {
  const errorsOf = (ir: unknown): readonly string[] => {
    const result = validateIR(ir);
    return result.ok ? [] : result.errors;
  };

  it('accepts a well-formed policy', () => {
    expect(errorsOf(policyV2([rule('r', 'block', inList(customer, 'vip'))]))).toEqual([]);
  });

  it('refuses version-2 constructs in version 1 IR', () => {
    expect(errorsOf(policy([rule('r', 'block', cmp(customer, 'eq', sym('a')))]))).toEqual(['rules[0].condition.field.kind: the field customer needs ir_version 2']);
    expect(errorsOf(policy([rule('r', 'block', inList({ kind: 'reason' }, 'vip'))]))[0]).toMatch(/^rules\[0\]\.condition\.op: expected one of true, and, or, not, cmp, between, in, ratio, got/);
  });

  it('refuses undeclared lists, unknown zones, bad times and day names, and mismatched facts', () => {
    expect(errorsOf(policyV2([rule('r', 'block', inList(customer, 'nope'))]))).toEqual(['rules[0].condition.list: list "nope" is not declared in lists']);
    expect(errorsOf(policyV2([], { timezone: 'Mars/Olympus' }))).toEqual(['timezone: unknown IANA time zone string "Mars/Olympus"']);
    expect(errorsOf(policyV2([rule('r', 'block', cmp(localTime, 'lt', time(1440)))]))).toEqual(['rules[0].condition.value.minutes: expected minutes since midnight, 0 to 1439, got 1440']);
    expect(errorsOf(policyV2([rule('r', 'block', cmp({ kind: 'weekday' }, 'eq', sym('funday')))]))[0]).toMatch(/^rules\[0\]\.condition\.value\.value: expected a day name/);
    expect(errorsOf(policyV2([rule('r', 'block', inList({ kind: 'currency' }, 'vip'))]))[0]).toMatch(/list membership tests customer/);
    expect(errorsOf(policyV2([rule('r', 'block', cmp({ kind: 'merchant_refunds', fact: 'source_refunds_last_1_hours' }, 'gt', count(1)))]))).toEqual([
      'rules[0].condition.field.fact: the fact "source_refunds_last_1_hours" is not declared in facts as a velocity fact (merchant, count)',
    ]);
    const badFact = { name: 'source_refunds_last_2_hours', kind: 'velocity', scope: 'merchant', measure: 'sum', window_hours: 1 };
    expect(errorsOf(policyV2([], { facts: [badFact as never] }))).toEqual([
      'facts[0].scope: expected "source" for the fact "source_refunds_last_2_hours", got string "merchant"',
      'facts[0].measure: expected "count" for the fact "source_refunds_last_2_hours", got string "sum"',
      'facts[0].window_hours: expected 2 for the fact "source_refunds_last_2_hours", got 1',
    ]);
    expect(errorsOf({ ...policyV2([]), lists: undefined })).toEqual(['lists: missing (expected an array of list names)']);
  });

  it('keeps text values of lists of metadata exact', () => {
    expect(statusOf(inList({ kind: 'metadata', key: 'ticket' }, 'vip'), { metadata: { ticket: 'z-1' }, lists: { vip: ['Z-1'] } }).status).toBe('not_matched');
  });
});
