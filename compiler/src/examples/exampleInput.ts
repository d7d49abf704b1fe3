// `example` blocks give their inputs in the decision API's field names; money is written as a
// literal (`amount: $220` sets amount_cents and currency together). docs/language.md#examples-policy-tests
import type { DecisionInput } from '@axiru/runtime';
import { isKnownCurrency, WEEKDAYS } from '@axiru/runtime';
import type * as A from '../ast.js';
import type { Diagnostic } from '../diagnostics/Diagnostic.js';
import { printValue } from '../format/printSyntax.js';
import { readMoney, readTimeOfDay, readWhole } from '../semantics/literals.js';
import { suggest } from '../semantics/suggest.js';

type FieldKind = 'money' | 'cents' | 'currency' | 'symbol' | 'days' | 'count' | 'metadata' | 'time' | 'weekday' | 'sum' | 'list';

const FIELDS: Readonly<Record<string, FieldKind>> = {
  amount: 'money',
  charge_amount: 'money',
  charge_refunded: 'money',
  amount_cents: 'cents',
  charge_amount_cents: 'cents',
  charge_refunded_cents: 'cents',
  currency: 'currency',
  source: 'symbol',
  reason: 'symbol',
  stripe_account: 'symbol',
  customer_id: 'symbol',
  stripe_charge_id: 'symbol',
  requested_by: 'symbol',
  customer_tenure_days: 'days',
  charge_age_days: 'days',
  metadata: 'metadata',
  local_time: 'time',
  weekday: 'weekday',
};

/** Computed facts by their IR names: counts, and sums of money (written `$900` or in minor units). */
const COUNT_FACT = /^(customer|source|merchant)_refunds_last_\d+_(days|hours)$/;
const SUM_FACT = /^(customer|source|merchant)_refunded_last_\d+_(days|hours)$/;
const LIST_KEY = /^lists\./;

function kindOf(key: string): FieldKind | undefined {
  return FIELDS[key] ?? (COUNT_FACT.test(key) ? 'count' : SUM_FACT.test(key) ? 'sum' : LIST_KEY.test(key) ? 'list' : undefined);
}

export function exampleInput(object: A.ExampleObject): { input: DecisionInput; diagnostics: Diagnostic[] } {
  const input: Record<string, unknown> = {};
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, A.Name>();
  let currency: { code: string; span: A.Name['span'] } | null = null;
  const problem = (span: A.Name['span'], message: string, extra: Partial<Diagnostic> = {}) =>
    diagnostics.push({ code: 'AX1022', severity: 'error', message, span, ...extra });

  const setCurrency = (code: string, span: A.Name['span']) => {
    const lower = code.toLowerCase();
    if (currency && currency.code !== lower) {
      problem(span, `this example is in ${currency.code.toUpperCase()} already; a refund has one currency`, { related: [{ message: 'set here', span: currency.span }] });
      return;
    }
    currency = { code: lower, span };
    input['currency'] = lower;
  };

  for (const field of object.fields) {
    const key = field.key.text;
    const earlier = seen.get(key);
    if (earlier) {
      problem(field.key.span, `\`${key}\` is given twice`, { related: [{ message: 'first given here', span: earlier.span }] });
      continue;
    }
    seen.set(key, field.key);
    const kind = kindOf(key);
    const value = field.value;
    if (!kind) {
      const guess = suggest(key, Object.keys(FIELDS));
      problem(field.key.span, guess ? `unknown input field \`${key}\` — did you mean \`${guess}\`?` : `unknown input field \`${key}\``, {
        help: `inputs use the decision API's names: ${Object.keys(FIELDS).join(', ')}, computed facts such as customer_refunds_last_30_days, or lists.NAME`,
        ...(guess ? { fixes: [{ title: `Change to \`${guess}\``, span: field.key.span, replacement: guess }] } : {}),
      });
      continue;
    }
    if (!value) continue;
    if (kind === 'metadata') {
      if (value.kind !== 'ExampleObject') {
        problem(value.span, '`metadata` takes an object: `metadata: { ticket: "Z-1234" }`');
        continue;
      }
      const metadata: Record<string, string> = {};
      for (const entry of value.fields) {
        const v = entry.value;
        if (v?.kind === 'StringValue') metadata[entry.key.text] = v.value;
        else if (v?.kind === 'Symbol') metadata[entry.key.text] = v.name;
        else if (v) problem(v.span, `metadata values are text: quote \`${v.kind === 'ExampleObject' ? '{...}' : v.kind === 'ExampleList' ? '[...]' : printValue(v)}\``);
      }
      input['metadata'] = metadata;
      continue;
    }
    if (kind === 'list') {
      if (value.kind !== 'ExampleList') {
        problem(value.span, `\`${key}\` takes the list's values: \`${key}: [ann, bob]\``);
        continue;
      }
      const values: string[] = [];
      for (const v of value.values) {
        if (v.kind === 'Symbol') values.push(v.name);
        else if (v.kind === 'StringValue') values.push(v.value);
        else problem(v.span, `list values are names or quoted text, found \`${printValue(v)}\``);
      }
      const lists = (input['lists'] ?? {}) as Record<string, string[]>;
      lists[key.slice('lists.'.length)] = values;
      input['lists'] = lists;
      continue;
    }
    if (value.kind === 'ExampleObject' || value.kind === 'ExampleList') {
      problem(value.span, `\`${key}\` takes a single value, not ${value.kind === 'ExampleList' ? 'a list' : 'an object'}`);
      continue;
    }
    switch (kind) {
      case 'money': {
        if (value.kind !== 'Money') {
          problem(value.span, `\`${key}\` takes money such as \`$220\` or \`90 EUR\`, found \`${printValue(value)}\``);
          break;
        }
        const money = readMoney(value);
        if (!money.ok) {
          problem(value.span, money.reason);
          break;
        }
        input[`${key}_cents`] = money.value.minor;
        setCurrency(money.value.currency, value.span);
        break;
      }
      case 'cents': {
        const cents = value.kind === 'Number' && !value.unit ? readWhole(value.digits) : null;
        if (cents === null) problem(value.span, `\`${key}\` takes a whole number of minor units, found \`${printValue(value)}\``);
        else input[key] = cents;
        break;
      }
      case 'currency': {
        const code = value.kind === 'Symbol' ? value.name : value.kind === 'StringValue' ? value.value : '';
        if (!isKnownCurrency(code)) problem(value.span, `\`${printValue(value)}\` is not an ISO 4217 currency code`);
        else setCurrency(code, value.span);
        break;
      }
      case 'symbol':
        if (value.kind === 'Symbol') input[key] = value.name;
        else if (value.kind === 'StringValue') input[key] = value.value;
        else problem(value.span, `\`${key}\` takes a name such as \`support_tool\`, found \`${printValue(value)}\``);
        break;
      case 'days': {
        const days = value.kind === 'Number' && !value.unit && /^\d+(\.\d+)?$/.test(value.digits) ? Number(value.digits) : null;
        if (days === null) problem(value.span, `\`${key}\` takes a number of days such as \`9\`, found \`${printValue(value)}\``);
        else input[key] = days;
        break;
      }
      case 'count': {
        const count = value.kind === 'Number' && !value.unit ? readWhole(value.digits) : null;
        if (count === null) problem(value.span, `\`${key}\` takes a whole number, found \`${printValue(value)}\``);
        else input[key] = count;
        break;
      }
      case 'sum': {
        if (value.kind === 'Money') {
          const money = readMoney(value);
          if (!money.ok) problem(value.span, money.reason);
          else {
            input[key] = money.value.minor;
            setCurrency(money.value.currency, value.span);
          }
          break;
        }
        const cents = value.kind === 'Number' && !value.unit ? readWhole(value.digits) : null;
        if (cents === null) problem(value.span, `\`${key}\` takes money such as \`$900\` or a whole number of minor units, found \`${printValue(value)}\``);
        else input[key] = cents;
        break;
      }
      case 'time': {
        const text = value.kind === 'Time' ? value.text : value.kind === 'StringValue' ? value.value : null;
        const read = text === null ? null : readTimeOfDay(text);
        if (read === null) problem(value.span, `\`${key}\` takes a time of day such as \`14:30\`, found \`${printValue(value)}\``);
        else if (!read.ok) problem(value.span, read.reason, read.help ? { help: read.help } : {});
        else input[key] = text;
        break;
      }
      case 'weekday': {
        const day = value.kind === 'Symbol' ? value.name : value.kind === 'StringValue' ? value.value : '';
        if (!WEEKDAYS.includes(day)) problem(value.span, `\`${key}\` takes a day name (${WEEKDAYS.join(', ')}), found \`${printValue(value)}\``);
        else input[key] = day;
        break;
      }
    }
  }
  return { input, diagnostics };
}
