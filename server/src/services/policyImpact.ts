// What a change (promoting a version, switching the mode) would have done to the organisation's
// recent traffic: every decision sealed in the window is re-evaluated from its sealed request and
// facts, and compared with what was decided then. Facts the new policy needs that were not
// sealed are computed from the intents table as of the intent's received time.

import type { DecisionInput, FactIR, LoadedPolicy, Outcome } from '@axiru/runtime';
import type { IntentRow, IntentRepository, OrgMode, Store } from '../repositories/types.js';
import { addAmount, amountsText, plural, sortedAmounts, transitionText, type Amounts } from './amounts.js';
import { computeFacts, COUNTED_STATUSES, type Facts } from './computeFacts.js';
import type { DecisionRequest } from './decisionRequest.js';

export const IMPACT_WINDOW_MS = 30 * 24 * 3_600_000;
const PAGE = 500;

export interface ImpactChange {
  readonly from: Outcome;
  readonly to: Outcome;
  readonly count: number;
  readonly amounts: Amounts;
  readonly text: string;
}

export interface Impact {
  readonly since: string;
  readonly until: string;
  /** Decisions re-evaluated (those a control decided are not policy decisions and are left out). */
  readonly evaluated: number;
  readonly changes: ImpactChange[];
  readonly summary: string[];
}

/**
 * `promote`: the candidate policy against what the live policy decided (in observe mode, the
 * would-be decisions). `enforce` / `observe`: the live policy under the new mode against what
 * callers were actually told.
 */
export type ImpactKind = 'promote' | 'enforce' | 'observe';

export interface ImpactQuestion {
  readonly orgId: string;
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly kind: ImpactKind;
  /** The policy that would decide; null when the organisation has none live (nothing to evaluate). */
  readonly policy: LoadedPolicy | null;
  /** The organisation's mode now (worded into a promote's summary). */
  readonly mode: OrgMode;
}

interface SealedDecision {
  readonly outcome: Outcome;
  readonly control?: unknown;
  readonly would_be?: { readonly outcome: Outcome };
}

interface SealedBody {
  readonly request: DecisionRequest;
  readonly facts: Facts;
  readonly decision: SealedDecision;
}

export async function trafficImpact(store: Store, question: ImpactQuestion): Promise<Impact> {
  const { orgId, policy } = question;
  const groups = new Map<string, { from: Outcome; to: Outcome; count: number; amounts: Amounts }>();
  let evaluated = 0;
  let afterSeq = 0;
  while (policy) {
    const page = await store.shadows.traffic(orgId, question.sinceMs, question.untilMs, afterSeq, PAGE);
    for (const { intent, record } of page) {
      afterSeq = record.seq;
      const body = JSON.parse(record.body) as SealedBody;
      if (body.decision.control !== undefined) continue;
      const from = question.kind === 'promote' ? (body.decision.would_be ?? body.decision).outcome : body.decision.outcome;
      const facts: Record<string, number> = { ...body.facts };
      const unsealed = policy.ir.facts.filter((fact) => !(fact.name in facts));
      if (unsealed.length > 0) Object.assign(facts, await factsAsOf(store.intents, unsealed, body.request, intent));
      const input: DecisionInput = { ...body.request, ...facts };
      const to = question.kind === 'observe' ? 'allow' : policy.decide(input).outcome;
      evaluated += 1;
      if (from === to) continue;
      const key = `${from} ${to}`;
      let group = groups.get(key);
      if (!group) {
        group = { from, to, count: 0, amounts: {} };
        groups.set(key, group);
      }
      group.count += 1;
      addAmount(group.amounts, intent.currency, intent.amount_cents);
    }
    if (page.length < PAGE) break;
  }
  const changes = [...groups.values()]
    .sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
    .map((group) => ({
      from: group.from, to: group.to, count: group.count, amounts: sortedAmounts(group.amounts),
      text: transitionText(group.from, group.to, group.count, group.amounts),
    }));
  const since = new Date(question.sinceMs).toISOString();
  const until = new Date(question.untilMs).toISOString();
  return { since, until, evaluated, changes, summary: summarize(question, evaluated, changes, since, until) };
}

/**
 * Facts as of an intent's received time. The intent itself is in the table now, which it was not
 * when it was sealed, so its own contribution is taken back out. Statuses are today's (the table
 * keeps no status history): a refund denied since then no longer counts.
 */
async function factsAsOf(
  intents: IntentRepository, facts: readonly FactIR[], request: DecisionRequest, intent: IntentRow,
): Promise<Facts> {
  const values = await computeFacts(intents, intent.org_id, facts, request, intent.received_ms);
  if (!COUNTED_STATUSES.includes(intent.status)) return values;
  for (const fact of facts) {
    const value = values[fact.name];
    if (value === undefined) continue;
    values[fact.name] = fact.kind === 'customer_refund_count' ? value - 1 : value - intent.amount_cents;
  }
  return values;
}

const WERE: Record<Outcome, (one: boolean) => string> = {
  allow: (one) => `${one ? 'was' : 'were'} allowed`,
  flag: (one) => `${one ? 'was' : 'were'} allowed with a flag`,
  pending_approval: () => 'needed approval',
  block: (one) => `${one ? 'was' : 'were'} blocked`,
};

const WOULD: Record<Outcome, string> = {
  allow: 'be allowed',
  flag: 'be allowed with a flag',
  pending_approval: 'go to the approvals queue',
  block: 'be blocked',
};

/** Observe -> enforce: what callers were told was always allow; this is what starts happening. */
const STARTS: Record<Outcome, (count: number) => string> = {
  allow: (count) => `${plural(count, 'refund')} would still be allowed`,
  flag: (count) => `${plural(count, 'refund')} the policy flags will start being flagged (they still go through)`,
  pending_approval: (count) => `${count} would-be ${count === 1 ? 'approval' : 'approvals'} will start going to the approvals queue`,
  block: (count) => `${plural(count, 'refund')} the policy blocks will start being blocked`,
};

function sentence(kind: ImpactKind, change: ImpactChange): string {
  const money = amountsText(change.amounts);
  if (kind === 'enforce' && change.from === 'allow') return `${STARTS[change.to](change.count)} (${money})`;
  const verb = kind === 'observe' ? 'would go through without enforcement' : `would ${WOULD[change.to]}`;
  return `${plural(change.count, 'refund')} that ${WERE[change.from](change.count === 1)} ${verb} (${money})`;
}

function summarize(
  question: ImpactQuestion, evaluated: number, changes: readonly ImpactChange[], since: string, until: string,
): string[] {
  if (!question.policy) return ['The organisation has no live policy: there is nothing to evaluate.'];
  const lines = [`${plural(evaluated, 'refund')} decided between ${since} and ${until} evaluated.`];
  if (question.kind === 'promote' && question.mode === 'observe') {
    lines.push('The organisation is in observe mode: these are would-be decisions, and nothing is enforced until it switches to enforce.');
  }
  if (changes.length === 0) {
    lines.push(evaluated === 0 ? 'No recent traffic to compare.' : 'None of them would be decided differently.');
    return lines;
  }
  return [...lines, ...changes.map((change) => sentence(question.kind, change))];
}
