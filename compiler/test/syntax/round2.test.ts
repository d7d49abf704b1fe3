// Every example of LANGUAGE.md's "Round 2 additions" (docs/language.md: lists, velocity, time of
// day, who asked), and the boundaries of every new comparator, through the whole pipeline:
// source -> compile -> IR -> both runtime engines.
import { describe, expect, test } from 'vitest';
import { loadPolicy, type DecisionInput, type PolicyIR } from '@axiru/runtime';
import { compile, formatPolicy } from '@axiru/compiler';

/** The whole file of the language reference's round 2 section, verbatim. */
const GUARDRAILS = `policy "agent-guardrails" version 1
timezone "Europe/Berlin"

roles support_lead < finance_manager < cfo
lists vip_customers, merchants_under_review, trainees

rule merchant_review:
  block refunds when merchant in list merchants_under_review
  because "Merchant is under review"

rule bot_breaker:
  block refunds from ai_agent when source refunded in last 1 hour over $5,000
  because "The refund bot has refunded $5,000 in the last hour"

rule monthly_cap:
  refunds when customer refunded in last 30 days at least $1,000 require finance_manager
  unless customer in list vip_customers

rule night_shift:
  flag refunds when local time between 22:00 and 06:00 or weekday in [saturday, sunday]

rule trainee_review:
  refunds over $50 when requested by in list trainees require support_lead

example "a trainee's $60 refund on a Tuesday afternoon" {
  amount: $60, source: support_tool, requested_by: ann, local_time: 14:30, weekday: tuesday,
  lists.trainees: [ann, bob]
} expect pending_approval by trainee_review
`;

function irOf(text: string): PolicyIR {
  const result = compile(text, { analysis: false });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return result.ir!;
}

function codesOf(text: string): string[] {
  return compile(text, { analysis: false }).diagnostics.map((d) => d.code);
}

function messagesOf(text: string): string[] {
  return compile(text, { analysis: false }).diagnostics.map((d) => `${d.code} ${d.message}`);
}

/** A policy of one rule `r` with `otherwise allow` and `on missing block`. */
function oneRule(statement: string, declarations = ''): string {
  return `policy "t" version 1\n${declarations}\nrule r: ${statement}\non missing block\n`;
}

/** Decides with both engines, insisting they agree. */
function decide(ir: PolicyIR, input: DecisionInput) {
  const decision = loadPolicy(ir).decide(input);
  expect(loadPolicy(ir, { generateCode: false }).decide(input)).toEqual(decision);
  return decision;
}

/** Whether rule r matched, did not, or was undecided. */
function statusOf(ir: PolicyIR, input: DecisionInput): 'matched' | 'not_matched' | 'undecided' {
  const decision = decide(ir, input);
  if (decision.matched_rules.includes('r')) return 'matched';
  return decision.missing_fields.length > 0 ? 'undecided' : 'not_matched';
}

describe('the whole round 2 file of the language reference', () => {
  test('compiles, its example passes, and it carries version 2, its zone, its lists and its facts', () => {
    const result = compile(GUARDRAILS);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.examples.map((e) => e.passed)).toEqual([true]);
    const ir = result.ir!;
    expect(ir.ir_version).toBe(2);
    expect(ir.timezone).toBe('Europe/Berlin');
    expect(ir.lists).toEqual(['merchants_under_review', 'trainees', 'vip_customers']);
    expect(ir.facts).toEqual([
      { name: 'customer_refunded_last_30_days', kind: 'velocity', scope: 'customer', measure: 'sum', window_hours: 720 },
      { name: 'local_time', kind: 'local_time' },
      { name: 'source_refunded_last_1_hours', kind: 'velocity', scope: 'source', measure: 'sum', window_hours: 1 },
      { name: 'weekday', kind: 'weekday' },
    ]);
  });

  test('decides as the prose says', () => {
    const ir = irOf(GUARDRAILS);
    const base = { amount_cents: 2000, source: 'support_tool', customer_id: 'cus_1', requested_by: 'eve', stripe_account: 'acct_1', local_time: '14:30', weekday: 'tuesday', customer_refunded_last_30_days: 0, source_refunded_last_1_hours: 0, lists: { vip_customers: [], merchants_under_review: [], trainees: [] } };
    expect(decide(ir, base)).toMatchObject({ outcome: 'allow', matched_rule: null, missing_fields: [] });
    expect(decide(ir, { ...base, lists: { ...base.lists, merchants_under_review: ['acct_1'] } })).toMatchObject({ outcome: 'block', matched_rule: 'merchant_review' });
    expect(decide(ir, { ...base, source: 'ai_agent', source_refunded_last_1_hours: 500_001 })).toMatchObject({ outcome: 'block', matched_rule: 'bot_breaker' });
    expect(decide(ir, { ...base, customer_refunded_last_30_days: 100_000 })).toMatchObject({ outcome: 'pending_approval', matched_rule: 'monthly_cap' });
    expect(decide(ir, { ...base, customer_refunded_last_30_days: 100_000, lists: { ...base.lists, vip_customers: ['cus_1'] } })).toMatchObject({ outcome: 'allow' });
    expect(decide(ir, { ...base, local_time: '03:00' })).toMatchObject({ outcome: 'flag', matched_rule: 'night_shift' });
    expect(decide(ir, { ...base, weekday: 'sunday' })).toMatchObject({ outcome: 'flag', matched_rule: 'night_shift' });
  });

  test('formats idempotently without changing the IR hash', () => {
    const once = formatPolicy(GUARDRAILS).text!;
    expect(formatPolicy(once).text).toBe(once);
    expect(compile(once).ir!.hash).toBe(compile(GUARDRAILS).ir!.hash);
  });

  test('a policy using nothing of round 2 keeps IR version 1 and no zone or lists', () => {
    const ir = irOf(oneRule('block refunds over $5'));
    expect(ir.ir_version).toBe(1);
    expect('timezone' in ir || 'lists' in ir).toBe(false);
  });
});

describe('declarations', () => {
  test('several `lists` lines add up; an undeclared list is an error with a suggestion', () => {
    const ir = irOf(oneRule('block refunds when customer in list b', 'lists a\nlists b, c'));
    expect(ir.lists).toEqual(['a', 'b', 'c']);
    expect(messagesOf(oneRule('block refunds when customer in list vip_customer', 'lists vip_customers'))).toEqual(['AX1027 unknown list `vip_customer` — did you mean `vip_customers`?']);
    expect(codesOf(oneRule('block refunds', 'lists a, a'))).toEqual(['AX1018']);
  });

  test('timezone: at most one, a known IANA name, UTC by default', () => {
    expect(irOf(oneRule('flag refunds when local time after 22:00')).timezone).toBe('UTC');
    expect(irOf(oneRule('flag refunds when local time after 22:00', 'timezone "Europe/Berlin"')).timezone).toBe('Europe/Berlin');
    expect(codesOf(oneRule('block refunds', 'timezone "Europe/Berlin"\ntimezone "UTC"'))).toEqual(['AX1007']);
    expect(codesOf(oneRule('block refunds', 'timezone "Mars/Olympus"'))).toEqual(['AX1028']);
  });
});

describe('new subjects read their input fields', () => {
  const cases: [string, string, unknown][] = [
    ['customer is cus_1', 'customer_id', { kind: 'customer' }],
    ['requested by is ann', 'requested_by', { kind: 'requested_by' }],
    ['local time before 06:00', 'local_time', { kind: 'local_time' }],
    ['weekday is saturday', 'weekday', { kind: 'weekday' }],
    ['customer refunded in last 30 days over $10', 'customer_refunded_last_30_days', { kind: 'customer_refunded', fact: 'customer_refunded_last_30_days' }],
    ['source refunds in last 2 hours over 3', 'source_refunds_last_2_hours', { kind: 'source_refunds', fact: 'source_refunds_last_2_hours' }],
    ['source refunded in last 1 hour over $5,000', 'source_refunded_last_1_hours', { kind: 'source_refunded', fact: 'source_refunded_last_1_hours' }],
    ['merchant refunds in last 7 days over 3', 'merchant_refunds_last_7_days', { kind: 'merchant_refunds', fact: 'merchant_refunds_last_7_days' }],
    ['merchant refunded in last 1 day over $10', 'merchant_refunded_last_1_days', { kind: 'merchant_refunded', fact: 'merchant_refunded_last_1_days' }],
    ['customer refunds in last 30 days over 3', 'customer_refunds_last_30_days', { kind: 'customer_refunds', fact: 'customer_refunds_last_30_days' }],
  ];
  test.each(cases)('`%s` reads %s', (condition, input, field) => {
    const ir = irOf(oneRule(`flag refunds when ${condition}`));
    expect(ir.rules[0]!.condition).toMatchObject({ field });
    expect(decide(ir, {}).missing_fields).toEqual([input]);
  });

  test('velocity windows take days or hours only, in whole numbers', () => {
    expect(codesOf(oneRule('flag refunds when source refunds in last 2 weeks over 3'))).toEqual(['AX1019']);
    expect(codesOf(oneRule('flag refunds when merchant refunded in last 0 days over $3'))).toEqual(['AX1021']);
  });

  test('types are checked: counts take numbers, sums take money, local time takes times', () => {
    expect(codesOf(oneRule('flag refunds when source refunds in last 1 hour over $5'))).toEqual(['AX1009']);
    expect(codesOf(oneRule('flag refunds when source refunded in last 1 hour over 5'))).toEqual(['AX1009']);
    expect(codesOf(oneRule('flag refunds when local time over 22:00'))).toEqual(['AX1009']);
    expect(codesOf(oneRule('flag refunds when amount before 22:00'))).toEqual(['AX1009']);
    expect(codesOf(oneRule('flag refunds when local time before $5'))).toEqual(['AX1009']);
  });
});

describe('lists', () => {
  const subjects: [string, DecisionInput][] = [
    ['customer', { customer_id: 'x' }],
    ['merchant', { stripe_account: 'x' }],
    ['source', { source: 'x' }],
    ['reason', { reason: 'x' }],
    ['requested by', { requested_by: 'x' }],
    ['metadata.ticket', { metadata: { ticket: 'x' } }],
  ];
  test.each(subjects)('`%s in list` and `not in list`: exact, case-sensitive membership', (subject, input) => {
    const declarations = 'lists l\nsources x, y';
    const member = irOf(oneRule(`flag refunds when ${subject} in list l`, declarations));
    const outsider = irOf(oneRule(`flag refunds when ${subject} not in list l`, declarations));
    expect(statusOf(member, { ...input, lists: { l: ['x'] } })).toBe('matched');
    expect(statusOf(member, { ...input, lists: { l: ['X', 'y'] } })).toBe('not_matched');
    expect(statusOf(outsider, { ...input, lists: { l: ['X', 'y'] } })).toBe('matched');
    expect(statusOf(outsider, { ...input, lists: { l: ['x'] } })).toBe('not_matched');
  });

  test('a list absent from the input is unknown and named lists.NAME; an absent subject names its field', () => {
    const ir = irOf(oneRule('flag refunds when customer not in list vip', 'lists vip'));
    expect(decide(ir, { customer_id: 'x' })).toMatchObject({ outcome: 'block', missing_fields: ['lists.vip'] });
    expect(decide(ir, { lists: { vip: [] } })).toMatchObject({ outcome: 'block', missing_fields: ['customer_id'] });
  });

  test('only symbol subjects and metadata can be in a list', () => {
    expect(codesOf(oneRule('flag refunds when amount in list l', 'lists l'))).toEqual(['AX1009']);
    expect(codesOf(oneRule('flag refunds when weekday in list l', 'lists l'))).toEqual(['AX1009']);
    expect(codesOf(oneRule('flag refunds when local time in list l', 'lists l'))).toEqual(['AX1009']);
  });

  test('examples give lists as `lists.NAME: [...]`, with names or quoted text', () => {
    const text = `${oneRule('flag refunds when metadata.ticket in list l', 'lists l')}
example "listed" { amount: $5, metadata: { ticket: "T 1" }, lists.l: ["T 1", other] } expect flag by r
example "not listed" { amount: $5, metadata: { ticket: "T 2" }, lists.l: ["T 1"] } expect allow
example "no list" { amount: $5, metadata: { ticket: "T 2" } } expect block`;
    expect(compile(text).examples.map((e) => e.passed)).toEqual([true, true, true]);
    expect(codesOf(`${oneRule('flag refunds', 'lists l')}\nexample "bad" { lists.l: ann } expect flag`)).toEqual(['AX1022']);
  });
});

describe('time of day', () => {
  test('literals run from 00:00 to 23:59; 24:00, 7:5 and 25:00 are errors', () => {
    for (const ok of ['00:00', '23:59', '12:30']) expect(codesOf(oneRule(`flag refunds when local time at ${ok}`))).toEqual([]);
    for (const bad of ['24:00', '7:5', '25:00', '12:60', '7:05']) expect(codesOf(oneRule(`flag refunds when local time at ${bad}`))).toEqual(['AX1029']);
  });

  const at = (time: string): DecisionInput => ({ local_time: time });
  const boundaries: [string, [string, string][]][] = [
    ['before 06:00', [['05:59', 'matched'], ['06:00', 'not_matched'], ['00:00', 'matched']]],
    ['after 22:00', [['22:00', 'not_matched'], ['22:01', 'matched'], ['23:59', 'matched']]],
    ['at 12:00', [['11:59', 'not_matched'], ['12:00', 'matched'], ['12:01', 'not_matched']]],
    ['between 09:00 and 17:00', [['08:59', 'not_matched'], ['09:00', 'matched'], ['17:00', 'matched'], ['17:01', 'not_matched']]],
    ['between 22:00 and 06:00', [['21:59', 'not_matched'], ['22:00', 'matched'], ['23:59', 'matched'], ['00:00', 'matched'], ['06:00', 'matched'], ['06:01', 'not_matched']]],
    ['between 12:00 and 12:00', [['11:59', 'not_matched'], ['12:00', 'matched'], ['12:01', 'not_matched']]],
    ['between 23:59 and 00:00', [['23:58', 'not_matched'], ['23:59', 'matched'], ['00:00', 'matched'], ['00:01', 'not_matched']]],
  ];
  test.each(boundaries)('local time %s', (comparator, cases) => {
    const ir = irOf(oneRule(`flag refunds when local time ${comparator}`));
    for (const [time, expected] of cases) expect(statusOf(ir, at(time)), `${comparator} at ${time}`).toBe(expected);
    expect(statusOf(ir, {})).toBe('undecided');
  });

  test('a wrapped range is the union of its two ends in the IR', () => {
    expect(irOf(oneRule('flag refunds when local time between 22:00 and 06:00')).rules[0]!.condition).toEqual({
      op: 'or',
      args: [
        { op: 'cmp', field: { kind: 'local_time' }, cmp: 'ge', value: { type: 'time', minutes: 1320 } },
        { op: 'cmp', field: { kind: 'local_time' }, cmp: 'le', value: { type: 'time', minutes: 360 } },
      ],
    });
  });

  test('weekday takes day names only: `is`, `in [...]`, with a suggestion otherwise', () => {
    const weekend = irOf(oneRule('flag refunds when weekday in [saturday, sunday]'));
    expect(statusOf(weekend, { weekday: 'saturday' })).toBe('matched');
    expect(statusOf(weekend, { weekday: 'friday' })).toBe('not_matched');
    expect(statusOf(irOf(oneRule('flag refunds when weekday is not monday')), { weekday: 'monday' })).toBe('not_matched');
    expect(messagesOf(oneRule('flag refunds when weekday is saturdy'))).toEqual(['AX1030 `saturdy` is not a day of the week — did you mean `saturday`?']);
    expect(codesOf(oneRule('flag refunds when weekday is holiday'))).toEqual(['AX1030']);
  });
});

describe('velocity comparators at their thresholds', () => {
  const cases: [string, string, [number, string][]][] = [
    ['source refunded in last 1 hour over $5,000', 'source_refunded_last_1_hours', [[500_000, 'not_matched'], [500_001, 'matched']]],
    ['customer refunded in last 30 days at least $1,000', 'customer_refunded_last_30_days', [[99_999, 'not_matched'], [100_000, 'matched']]],
    ['merchant refunded in last 24 hours under $10', 'merchant_refunded_last_24_hours', [[999, 'matched'], [1_000, 'not_matched']]],
    ['merchant refunded in last 7 days up to $10', 'merchant_refunded_last_7_days', [[1_000, 'matched'], [1_001, 'not_matched']]],
    ['source refunds in last 1 hour at most 20', 'source_refunds_last_1_hours', [[20, 'matched'], [21, 'not_matched']]],
    ['merchant refunds in last 7 days between 3 and 5', 'merchant_refunds_last_7_days', [[2, 'not_matched'], [3, 'matched'], [5, 'matched'], [6, 'not_matched']]],
    ['source refunds in last 2 days is 0', 'source_refunds_last_2_days', [[0, 'matched'], [1, 'not_matched']]],
  ];
  test.each(cases)('%s', (condition, fact, points) => {
    const ir = irOf(oneRule(`flag refunds when ${condition}`));
    for (const [value, expected] of points) expect(statusOf(ir, { [fact]: value }), `${fact} = ${value}`).toBe(expected);
  });

  test('money sums never hold in another currency than their threshold', () => {
    const ir = irOf(oneRule('flag refunds when source refunded in last 1 hour over $5,000'));
    expect(statusOf(ir, { currency: 'eur', source_refunded_last_1_hours: 900_000 })).toBe('not_matched');
  });

  test('examples give sums as money and counts as numbers', () => {
    const text = `${oneRule('block refunds when source refunded in last 1 hour over $5,000 and source refunds in last 1 hour at least 3')}
example "over" { amount: $5, source_refunded_last_1_hours: $5,000.01, source_refunds_last_1_hours: 3 } expect block by r
example "at" { amount: $5, source_refunded_last_1_hours: 500000, source_refunds_last_1_hours: 3 } expect allow`;
    expect(compile(text).examples.map((e) => e.passed)).toEqual([true, true]);
  });
});
