// Automatic circuit breakers: rules of the live policy that block a source on one of its
// velocity facts (`block refunds from ai_agent when source refunded in last 1 hour over
// $5,000`). The policy trips them by itself on every decision; this says where each stands
// now ("$4,200 of $5,000 in the last hour"), for the dashboard's Controls view. The level is
// the same query the sealing path runs, over the intents view as of now.

import { formatMoney, type ExprIR, type LoadedPolicy, type RuleIR } from '@axiru/runtime';
import type { Repositories } from '../repositories/types.js';
import { COUNTED_STATUSES } from './computeFacts.js';

const HOUR_MS = 3_600_000;

export interface BreakerLevel {
  readonly rule: string;
  readonly reason: string;
  readonly source: string;
  readonly measure: 'sum' | 'count';
  readonly window_hours: number;
  /** The fact's request name, e.g. source_refunded_last_1_hours. */
  readonly fact: string;
  /** `over` (strictly more trips it) or `at least`. */
  readonly trips_when: 'over' | 'at_least';
  /** Minor units for sums (in `currency`), a number of refunds for counts. */
  readonly threshold: number;
  readonly level: number;
  /** Lower-case ISO 4217 for sums, null for counts. */
  readonly currency: string | null;
  /** True when the next refund from this source would be blocked by the rule. */
  readonly tripped: boolean;
  /** "$4,200 of $5,000 in the last hour". */
  readonly text: string;
}

interface Breaker {
  readonly rule: RuleIR;
  readonly sources: readonly string[] | null;
  readonly fact: string;
  readonly measure: 'sum' | 'count';
  readonly windowHours: number;
  readonly tripsWhen: 'over' | 'at_least';
  readonly threshold: number;
  readonly currency: string | null;
}

/** The conjuncts of a condition (a lone comparison is its own). */
function conjuncts(condition: ExprIR): readonly ExprIR[] {
  return condition.op === 'and' ? condition.args : [condition];
}

/** A rule that blocks when a source velocity fact passes a threshold (and optionally names its sources). */
function breakerOf(policy: LoadedPolicy, rule: RuleIR): Breaker | null {
  if (rule.outcome !== 'block') return null;
  let sources: string[] | null = null;
  let found: Omit<Breaker, 'rule' | 'sources'> | null = null;
  for (const part of conjuncts(rule.condition)) {
    if (part.op === 'cmp' && part.field.kind === 'source' && part.cmp === 'eq' && part.value.type === 'symbol') {
      sources = [part.value.value];
    } else if (part.op === 'in' && part.field.kind === 'source') {
      sources = part.values.flatMap((value) => (value.type === 'symbol' ? [value.value] : []));
    } else if (part.op === 'cmp' && (part.field.kind === 'source_refunded' || part.field.kind === 'source_refunds')
      && (part.cmp === 'gt' || part.cmp === 'ge') && found === null) {
      const name = part.field.fact;
      const fact = policy.ir.facts.find((candidate) => candidate.name === name);
      if (!fact || fact.kind !== 'velocity') continue;
      const money = part.value.type === 'money' ? part.value : null;
      const count = part.value.type === 'count' ? part.value.value : null;
      if (money === null && count === null) continue;
      found = {
        fact: fact.name, measure: fact.measure, windowHours: fact.window_hours,
        tripsWhen: part.cmp === 'gt' ? 'over' : 'at_least',
        threshold: money ? money.minor : count!,
        currency: money ? money.currency.toLowerCase() : null,
      };
    }
  }
  if (found === null) return null;
  return { rule, sources, ...found };
}

function windowText(hours: number): string {
  if (hours === 1) return 'the last hour';
  if (hours % 24 === 0) return hours === 24 ? 'the last day' : `the last ${hours / 24} days`;
  return `the last ${hours} hours`;
}

/** Money without a zero fraction: $4,200 rather than $4,200.00. */
function money(minor: number, currency: string): string {
  return formatMoney(minor, currency).replace(/\.0+(?=$|\s)/, '');
}

/** Every breaker of the live policy, with its level for each source it covers, as of `nowMs`. */
export async function breakerLevels(repos: Repositories, orgId: string, policy: LoadedPolicy, nowMs: number): Promise<BreakerLevel[]> {
  const levels: BreakerLevel[] = [];
  for (const rule of policy.ir.rules) {
    const breaker = breakerOf(policy, rule);
    if (!breaker) continue;
    for (const source of breaker.sources ?? policy.ir.sources) {
      const window = await repos.intents.velocity(
        orgId, 'source', source, breaker.currency ?? '', nowMs - breaker.windowHours * HOUR_MS, nowMs, COUNTED_STATUSES);
      const level = breaker.measure === 'sum' ? window.sum : window.count;
      const shown = (value: number): string => (breaker.currency ? money(value, breaker.currency) : `${value} refunds`);
      levels.push({
        rule: rule.id, reason: rule.reason, source, measure: breaker.measure, window_hours: breaker.windowHours, fact: breaker.fact,
        trips_when: breaker.tripsWhen, threshold: breaker.threshold, level, currency: breaker.currency,
        tripped: breaker.tripsWhen === 'over' ? level > breaker.threshold : level >= breaker.threshold,
        text: `${breaker.currency ? money(level, breaker.currency) : level} of ${shown(breaker.threshold)} in ${windowText(breaker.windowHours)}`,
      });
    }
  }
  return levels;
}
