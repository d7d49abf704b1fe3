// What the editor says about the words of the language: one line of documentation per keyword,
// subject and comparator (from docs/language.md), and the names a policy can use without
// declaring them. Completion and hover read the same entries, so they never disagree.
import type { SubjectField, ValueType } from '@axiru/compiler';

export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  policy: 'The header, first in the file: `policy "NAME" version N`.',
  version: 'The policy version, a positive integer; decisions report it as `vN`.',
  roles: 'Declares approver roles. `a < b < c` also orders seniority: a senior role may approve for a junior one.',
  sources: 'Declares refund sources. Without it: `support_tool, ai_agent, automation, stripe_direct`.',
  rule: '`rule NAME:` then one statement, then an optional `because "..."`.',
  example: 'A policy test: `example "NAME" { field: value, ... } expect OUTCOME [by RULE]`.',
  expect: 'The outcome the example must get: `allow`, `flag`, `pending_approval` or `block`.',
  by: 'The rule that must decide the example.',
  otherwise: 'The verdict when no rule matches (default `allow`).',
  on: '`on missing VERDICT`: a verdict that joins whenever some rule could not be decided for lack of input.',
  missing: '`on missing VERDICT`: fail closed when a rule needs an input the request lacks.',
  because: 'The reason people read in decisions and approvals. Without it, the compiler writes one from the rule.',
  when: 'The condition under which the rule applies.',
  unless: 'An exemption: the rule does not apply when this holds. At most one per rule.',
  require: 'Holds matching refunds for approval: `require ROLE`, `require a or b`, `require N approvals from ROLE`.',
  requires: 'Same as `require`.',
  approval: '`approval from ROLE`: one approval from the role or a more senior one.',
  approvals: '`N approvals from ROLE`: N distinct approvers, none of them the requester.',
  refunds: 'The refunds a rule selects, followed by qualifiers (`over $150`, `from ai_agent`, `in EUR`).',
  allow: 'Outcome `allow`: decides only where no stronger rule matches.',
  flag: 'Outcome `flag`: the refund goes ahead and is marked for review.',
  block: 'Outcome `block`: the strongest outcome; no `allow` can undo it.',
  and: 'Both conditions must hold (binds tighter than `or`).',
  or: 'Either condition holds; in lists, any of the names.',
  not: 'Negates the condition after it (binds tightest).',
  from: 'The refund sources: `from ai_agent or automation`.',
  for: 'Stripe Connect accounts: `for merchant acct_1`, `for merchants acct_1, acct_2`.',
  merchant: 'A Stripe Connect account (`stripe_account`).',
  merchants: 'Stripe Connect accounts (`stripe_account`).',
  in: 'Currencies (`in EUR, GBP`) as a qualifier; membership (`in [a, b]`) in a condition.',
  of: '`P% of SUBJECT`: compares two money values of the same refund exactly.',
  last: '`customer refunds in last N days|hours`, `source refunded in last 1 hour`, ...: velocity facts the server computes from the ledger.',
  lists: "Declares the organisation's lists the policy reads: `lists vip_customers, trainees`. Their values live on the server (`PUT /api/lists/NAME`), not in the policy.",
  list: '`SUBJECT in list NAME` / `not in list NAME`: exact, case-sensitive membership in a declared list; unknown when the list is not given.',
  timezone: 'The IANA time zone of `local time` and `weekday`: `timezone "Europe/Berlin"` (default `"UTC"`).',
  before: '`local time before 06:00`: earlier than (`<`), at minute resolution.',
  after: '`local time after 22:00`: later than (`>`), at minute resolution.',
  at: '`local time at 12:00`: that minute (`=`); also `at least` / `at most`.',
};

export interface ComparatorDoc {
  readonly label: string;
  readonly insert: string;
  readonly doc: string;
  readonly snippet?: boolean;
}

export const COMPARATORS: readonly ComparatorDoc[] = [
  { label: 'over', insert: 'over', doc: 'Greater than (`>`).' },
  { label: 'under', insert: 'under', doc: 'Less than (`<`).' },
  { label: 'at least', insert: 'at least', doc: 'Greater than or equal (`>=`).' },
  { label: 'at most', insert: 'at most', doc: 'Less than or equal (`<=`).' },
  { label: 'up to', insert: 'up to', doc: 'Less than or equal (`<=`), like `at most`.' },
  { label: 'between', insert: 'between ${1:low} and ${2:high}', doc: 'Inclusive at both ends: `between $10 and $100`.', snippet: true },
  { label: 'is', insert: 'is', doc: 'Equal.' },
  { label: 'is not', insert: 'is not', doc: 'Not equal. For money, false for a refund in another currency.' },
  { label: 'in', insert: 'in [${1}]', doc: 'One of a list: `in [a, b]`.', snippet: true },
  { label: 'not in', insert: 'not in [${1}]', doc: 'None of a list: `not in [a, b]`.', snippet: true },
  { label: 'in list', insert: 'in list ${1:name}', doc: "A member of one of the organisation's lists (declared with `lists`).", snippet: true },
  { label: 'not in list', insert: 'not in list ${1:name}', doc: "Not a member of one of the organisation's lists; unknown when the list is not given.", snippet: true },
  { label: 'before', insert: 'before ${1:06:00}', doc: 'A time of day earlier than this (`<`): `local time before 06:00`.', snippet: true },
  { label: 'after', insert: 'after ${1:22:00}', doc: 'A time of day later than this (`>`): `local time after 22:00`.', snippet: true },
  { label: 'at', insert: 'at ${1:12:00}', doc: 'A time of day at this minute (`=`): `local time at 12:00`.', snippet: true },
];

export interface SubjectDoc {
  readonly key: Exclude<SubjectField, 'unknown'>;
  readonly phrase: string;
  /** How completion inserts it (a snippet where it has a placeholder). */
  readonly insert: string;
  readonly type: ValueType;
  readonly field: string;
  readonly unit: string | null;
  readonly doc: string;
}

export const SUBJECTS: readonly SubjectDoc[] = [
  { key: 'amount', phrase: 'amount', insert: 'amount', type: 'money', field: 'amount_cents + currency', unit: 'minor units of the refund currency', doc: 'The refund amount, in the refund currency.' },
  { key: 'charge_amount', phrase: 'charge amount', insert: 'charge amount', type: 'money', field: 'charge_amount_cents', unit: 'minor units of the refund currency', doc: 'The amount of the charge being refunded.' },
  { key: 'charge_refunded', phrase: 'charge refunded', insert: 'charge refunded', type: 'money', field: 'charge_refunded_cents', unit: 'minor units of the refund currency', doc: 'Already refunded on this charge (computed by the server).' },
  { key: 'charge_age', phrase: 'charge age', insert: 'charge age', type: 'duration', field: 'charge_age_days', unit: 'days', doc: 'How long ago the charge was made.' },
  { key: 'customer_tenure', phrase: 'customer tenure', insert: 'customer tenure', type: 'duration', field: 'customer_tenure_days', unit: 'days', doc: 'How long the customer has been a customer.' },
  {
    key: 'customer_refunds',
    phrase: 'customer refunds in last N days',
    insert: 'customer refunds in last ${1:30} ${2|days,hours|}',
    type: 'count',
    field: 'customer_refunds_last_N_days',
    unit: 'refunds',
    doc: "The customer's refunds in the window (computed by the server from the ledger).",
  },
  { key: 'reason', phrase: 'reason', insert: 'reason', type: 'symbol', field: 'reason', unit: null, doc: 'The refund reason.' },
  { key: 'source', phrase: 'source', insert: 'source', type: 'symbol', field: 'source', unit: null, doc: 'Where the refund request comes from.' },
  { key: 'merchant', phrase: 'merchant', insert: 'merchant', type: 'symbol', field: 'stripe_account', unit: null, doc: 'The Stripe Connect account.' },
  { key: 'currency', phrase: 'currency', insert: 'currency', type: 'symbol', field: 'currency', unit: null, doc: 'The refund currency (ISO 4217, any case; USD when absent).' },
  { key: 'customer', phrase: 'customer', insert: 'customer', type: 'symbol', field: 'customer_id', unit: null, doc: 'The Stripe customer the refund goes to; lists can hold customers (`customer in list vip_customers`).' },
  { key: 'requested_by', phrase: 'requested by', insert: 'requested by', type: 'symbol', field: 'requested_by', unit: null, doc: 'Who asked for the refund (a person or a bot).' },
  { key: 'local_time', phrase: 'local time', insert: 'local time', type: 'time', field: 'local_time', unit: 'HH:MM', doc: "The time of day the refund was received, in the policy's time zone (computed by the server): `before`, `after`, `at`, `between` (wraps past midnight)." },
  { key: 'weekday', phrase: 'weekday', insert: 'weekday', type: 'symbol', field: 'weekday', unit: null, doc: "The day the refund was received, in the policy's time zone: `monday` … `sunday`." },
  {
    key: 'customer_refunded',
    phrase: 'customer refunded in last N days',
    insert: 'customer refunded in last ${1:30} ${2|days,hours|}',
    type: 'money',
    field: 'customer_refunded_last_N_days',
    unit: 'minor units of the refund currency',
    doc: 'Money refunded to this customer in the window, in the refund currency (computed by the server).',
  },
  {
    key: 'source_refunds',
    phrase: 'source refunds in last N hours',
    insert: 'source refunds in last ${1:1} ${2|hours,days|}',
    type: 'count',
    field: 'source_refunds_last_N_hours',
    unit: 'refunds',
    doc: "Refunds from this refund's source in the window (computed by the server).",
  },
  {
    key: 'source_refunded',
    phrase: 'source refunded in last N hours',
    insert: 'source refunded in last ${1:1} ${2|hours,days|}',
    type: 'money',
    field: 'source_refunded_last_N_hours',
    unit: 'minor units of the refund currency',
    doc: "Money refunded from this refund's source in the window: an automatic breaker (`block refunds from ai_agent when source refunded in last 1 hour over $5,000`).",
  },
  {
    key: 'merchant_refunds',
    phrase: 'merchant refunds in last N days',
    insert: 'merchant refunds in last ${1:7} ${2|days,hours|}',
    type: 'count',
    field: 'merchant_refunds_last_N_days',
    unit: 'refunds',
    doc: "Refunds of this refund's merchant (Stripe Connect account) in the window (computed by the server).",
  },
  {
    key: 'merchant_refunded',
    phrase: 'merchant refunded in last N days',
    insert: 'merchant refunded in last ${1:7} ${2|days,hours|}',
    type: 'money',
    field: 'merchant_refunded_last_N_days',
    unit: 'minor units of the refund currency',
    doc: "Money refunded by this refund's merchant in the window, in the refund currency (computed by the server).",
  },
  { key: 'metadata', phrase: 'metadata.KEY', insert: 'metadata.${1:key}', type: 'text', field: 'metadata.KEY', unit: null, doc: 'A metadata value sent with the request; compare with a quoted value.' },
];

/** Stripe's own refund reasons (the Refund object's `reason`). */
export const STRIPE_REASONS: readonly string[] = ['duplicate', 'fraudulent', 'requested_by_customer', 'expired_uncaptured_charge'];

export const OUTCOME_DOCS: Readonly<Record<string, string>> = {
  allow: 'The refund goes ahead.',
  flag: 'The refund goes ahead and is marked for review.',
  pending_approval: 'The refund waits for approval.',
  block: 'The refund is refused.',
};

export type ExampleFieldKind = 'money' | 'cents' | 'currency' | 'source' | 'reason' | 'merchant' | 'symbol' | 'days' | 'count' | 'metadata' | 'time' | 'weekday' | 'list';

/** The inputs an `example` may give, in the decision API's names (docs/language.md, "Examples"). */
export const EXAMPLE_FIELDS: readonly { readonly name: string; readonly kind: ExampleFieldKind; readonly doc: string }[] = [
  { name: 'amount', kind: 'money', doc: 'The refund amount as money (`$220`): sets `amount_cents` and `currency`.' },
  { name: 'charge_amount', kind: 'money', doc: 'The charge amount as money: sets `charge_amount_cents` and `currency`.' },
  { name: 'charge_refunded', kind: 'money', doc: 'Already refunded on the charge, as money.' },
  { name: 'amount_cents', kind: 'cents', doc: 'The refund amount in minor units.' },
  { name: 'charge_amount_cents', kind: 'cents', doc: 'The charge amount in minor units.' },
  { name: 'charge_refunded_cents', kind: 'cents', doc: 'Already refunded on the charge, in minor units.' },
  { name: 'currency', kind: 'currency', doc: 'The refund currency (ISO 4217).' },
  { name: 'source', kind: 'source', doc: 'Where the request comes from.' },
  { name: 'reason', kind: 'reason', doc: 'The refund reason.' },
  { name: 'stripe_account', kind: 'merchant', doc: 'The Stripe Connect account.' },
  { name: 'customer_id', kind: 'symbol', doc: 'The Stripe customer.' },
  { name: 'stripe_charge_id', kind: 'symbol', doc: 'The charge being refunded.' },
  { name: 'requested_by', kind: 'symbol', doc: 'Who asked for the refund.' },
  { name: 'customer_tenure_days', kind: 'days', doc: 'Days since the customer first paid.' },
  { name: 'charge_age_days', kind: 'days', doc: 'Days since the charge.' },
  { name: 'customer_refunds_last_30_days', kind: 'count', doc: "The customer's refunds in the last 30 days (any window: `_N_days`, `_N_hours`)." },
  { name: 'metadata', kind: 'metadata', doc: 'Metadata sent with the request: `metadata: { ticket: "Z-1234" }`.' },
  { name: 'local_time', kind: 'time', doc: "The time of day in the policy's zone, `HH:MM`: `local_time: 14:30`." },
  { name: 'weekday', kind: 'weekday', doc: "The day of the week in the policy's zone: `weekday: tuesday`." },
  { name: 'source_refunded_last_1_hours', kind: 'money', doc: "Money refunded from the source in the window (any velocity fact: `{customer,source,merchant}_{refunds,refunded}_last_N_{days,hours}`)." },
  { name: 'lists.NAME', kind: 'list', doc: "A list's values for this example: `lists.trainees: [ann, bob]`." },
];

/** Currencies offered first; every other ISO 4217 code follows. */
export const COMMON_CURRENCIES: readonly string[] = ['USD', 'EUR', 'GBP', 'JPY', 'CAD', 'AUD', 'CHF', 'SEK', 'DKK', 'NOK', 'NZD', 'SGD', 'HKD', 'MXN', 'BRL', 'INR'];
