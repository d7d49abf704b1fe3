// A one-rule policy around a bare condition, so that the runtime can evaluate the condition
// through its only public entry point: the rule blocks where the condition is TRUE, `on
// missing` flags where it is UNKNOWN, and the default allows where it is FALSE.

import { IR_VERSION, type DecisionInput, type ExprIR, type FactIR, type FieldIR, type PolicyIR } from '@axiru/runtime';
import type { Decide } from './runtimeDecide.js';

export type TruthValue = 'true' | 'false' | 'unknown';

const REFUND_COUNT_FACT = /^customer_refunds_last_([1-9][0-9]*)_(days|hours)$/;

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

function sourceLiterals(expr: ExprIR, out: Set<string>): void {
  switch (expr.op) {
    case 'true':
    case 'ratio':
    case 'between':
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
  }
  return [...facts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function probePolicy(expr: ExprIR, sources: readonly string[] = []): PolicyIR {
  const declared = new Set(sources);
  sourceLiterals(expr, declared);
  return {
    ir_version: IR_VERSION,
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
