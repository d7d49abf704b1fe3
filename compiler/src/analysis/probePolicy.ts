// A one-rule policy around a bare condition, so that the runtime can evaluate the condition
// through its only public entry point: the rule blocks where the condition is TRUE, `on
// missing` flags where it is UNKNOWN, and the default allows where it is FALSE.

import type { DecisionInput, ExprIR, FactIR, FieldIR, PolicyIR } from '@axiru/runtime';
import type { Decide } from './runtimeDecide.js';

export type TruthValue = 'true' | 'false' | 'unknown';

const REFUND_COUNT_FACT = /^customer_refunds_last_([1-9][0-9]*)_(days|hours)$/;
const VELOCITY_FACT = /^(customer|source|merchant)_(refunds|refunded)_last_([1-9][0-9]*)_(days|hours)$/;
const VERSION_2_FIELDS: ReadonlySet<string> = new Set(['customer', 'requested_by', 'local_time', 'weekday']);

function listsOf(expr: ExprIR, out: Set<string>): void {
  if (expr.op === 'in_list') out.add(expr.list);
  else if (expr.op === 'and' || expr.op === 'or') expr.args.forEach((arg) => listsOf(arg, out));
  else if (expr.op === 'not') listsOf(expr.arg, out);
}

function fieldsOf(expr: ExprIR, out: FieldIR[]): void {
  switch (expr.op) {
    case 'true':
      return;
    case 'and':
    case 'or':
      expr.args.forEach((arg) => fieldsOf(arg, out));
      return;
    case 'not':
      fieldsOf(expr.arg, out);
      return;
    case 'ratio':
      out.push(expr.field, expr.of);
      return;
    default:
      out.push(expr.field);
  }
}

/** Whether a probe of these fields and lists needs IR version 2. */
function needsVersion2(fields: readonly FieldIR[], lists: ReadonlySet<string>): boolean {
  return lists.size > 0 || fields.some((field) => VERSION_2_FIELDS.has(field.kind) || ('fact' in field && field.kind !== 'customer_refunds'));
}

function sourceLiterals(expr: ExprIR, out: Set<string>): void {
  switch (expr.op) {
    case 'true':
    case 'ratio':
    case 'between':
    case 'in_list':
      return;
    case 'and':
    case 'or':
      expr.args.forEach((arg) => sourceLiterals(arg, out));
      return;
    case 'not':
      sourceLiterals(expr.arg, out);
      return;
    case 'cmp':
      if (expr.field.kind === 'source' && expr.value.type === 'symbol') out.add(expr.value.value);
      return;
    case 'in':
      if (expr.field.kind === 'source') for (const v of expr.values) if (v.type === 'symbol') out.add(v.value);
      return;
  }
}

/** The facts a condition reads, as the IR declares them (sorted by name). */
export function factsOf(expr: ExprIR): FactIR[] {
  const fields: FieldIR[] = [];
  fieldsOf(expr, fields);
  const facts = new Map<string, FactIR>();
  for (const field of fields) {
    if (field.kind === 'charge_refunded') facts.set('charge_refunded_cents', { name: 'charge_refunded_cents', kind: 'charge_refunded' });
    if (field.kind === 'customer_refunds') {
      const match = REFUND_COUNT_FACT.exec(field.fact);
      const window = match === null ? 0 : Number(match[1]) * (match[2] === 'days' ? 24 : 1);
      facts.set(field.fact, { name: field.fact, kind: 'customer_refund_count', window_hours: window });
    }
    const velocity = 'fact' in field ? VELOCITY_FACT.exec(field.fact) : null;
    if (velocity !== null && 'fact' in field && field.kind !== 'customer_refunds') {
      const window = Number(velocity[3]) * (velocity[4] === 'days' ? 24 : 1);
      const scope = velocity[1] as 'customer' | 'source' | 'merchant';
      facts.set(field.fact, { name: field.fact, kind: 'velocity', scope, measure: velocity[2] === 'refunds' ? 'count' : 'sum', window_hours: window });
    }
    if (field.kind === 'local_time') facts.set('local_time', { name: 'local_time', kind: 'local_time' });
    if (field.kind === 'weekday') facts.set('weekday', { name: 'weekday', kind: 'weekday' });
  }
  return [...facts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function probePolicy(expr: ExprIR, sources: readonly string[] = []): PolicyIR {
  const declared = new Set(sources);
  sourceLiterals(expr, declared);
  const fields: FieldIR[] = [];
  fieldsOf(expr, fields);
  const lists = new Set<string>();
  listsOf(expr, lists);
  const version2 = needsVersion2(fields, lists);
  return {
    ir_version: version2 ? 2 : 1,
    ...(version2 ? { timezone: 'UTC', lists: [...lists].sort() } : {}),
    policy: 'axiru-analysis-probe',
    version: 1,
    hash: `sha256:${'0'.repeat(64)}`,
    roles: [],
    sources: [...declared],
    default: { outcome: 'allow' },
    on_missing: { outcome: 'flag' },
    rules: [{ id: 'probe', outcome: 'block', reason: 'probe', condition: expr }],
    facts: factsOf(expr),
  };
}

/** The condition's truth value on an input, by the runtime (via the probe policy). */
export function truthByRuntime(decide: Decide, probe: PolicyIR, input: DecisionInput): TruthValue {
  const outcome = decide(probe, input).outcome;
  return outcome === 'block' ? 'true' : outcome === 'flag' ? 'unknown' : 'false';
}
