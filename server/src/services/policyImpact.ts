// What a change (promoting a version, switching the mode) would have done to the organisation's
// recent traffic: every decision sealed in the window is re-evaluated from its sealed request and
// facts, and compared with what was decided then. Facts the new policy needs that were not
// sealed are computed from the intents table as of the intent's received time. The same traversal
// answers for an unpublished policy (POST /api/policies/impact): the candidate against another
// version re-evaluated on the same inputs, with per-rule counts and the changed refunds.

import type { CandidateImpact, DecisionInput, FactIR, ImpactRefund, LoadedPolicy, Outcome } from '@axiru/runtime';
import type { IntentRepository, OrgMode, Store } from '../repositories/types.js';
import { addAmount, amountsText, plural, sortedAmounts, transitionText, type Amounts } from './amounts.js';
import { computeFacts, COUNTED_STATUSES, type Facts } from './computeFacts.js';
import { ListCache } from './ListCache.js';
import { directTraffic, type SealedDecision, type TrafficSource } from './sealedTraffic.js';

export const IMPACT_WINDOW_MS = 30 * 24 * 3_600_000;

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
  /** The lists each decision is re-evaluated with, for a policy that reads lists (listsAsDecided). */
  readonly lists?: ListsFor;
}

export async function trafficImpact(store: Store, question: ImpactQuestion, traffic: TrafficSource = directTraffic): Promise<Impact> {
  const { orgId, policy } = question;
  const groups = new Map<string, { from: Outcome; to: Outcome; count: number; amounts: Amounts }>();
  let evaluated = 0;
  const decisions = policy ? await traffic.window(store, orgId, question.sinceMs, question.untilMs) : [];
  for (const sealed of decisions) {
    if (sealed.control || !policy) continue;
    const from = question.kind === 'promote' ? sealed.decided : sealed.told;
    const to = question.kind === 'observe' ? 'allow' : policy.decide(await withLists(
      await inputFor(store, orgId, policy.ir.facts, sealed, policy.ir.timezone ?? 'UTC'), question.lists, sealed)).outcome;
    evaluated += 1;
    if (from === to) continue;
    const key = `${from} ${to}`;
    let group = groups.get(key);
    if (!group) {
      group = { from, to, count: 0, amounts: {} };
      groups.set(key, group);
    }
    group.count += 1;
    addAmount(group.amounts, sealed.currency, sealed.amountCents);
  }
  const changes = [...groups.values()]
    .sort(byCount)
    .map((group) => ({
      from: group.from, to: group.to, count: group.count, amounts: sortedAmounts(group.amounts),
      text: transitionText(group.from, group.to, group.count, group.amounts),
    }));
  const since = new Date(question.sinceMs).toISOString();
  const until = new Date(question.untilMs).toISOString();
  return { since, until, evaluated, changes, summary: summarize(question, evaluated, changes, since, until) };
}

function byCount(a: { count: number; from: Outcome; to: Outcome }, b: { count: number; from: Outcome; to: Outcome }): number {
  return b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to);
}

/**
 * What a policy needing `facts` sees for a sealed decision: the sealed request and facts, plus
 * any fact it needs that was not sealed, computed as of the intent's received time.
 */
async function inputFor(
  store: Store, orgId: string, facts: readonly FactIR[], sealed: SealedDecision, timeZone: string,
): Promise<DecisionInput> {
  const unsealed = unsealedFacts(facts, sealed);
  if (unsealed === null) return sealed.input;
  return { ...sealed.input, ...(await factsAsOf(store.intents, orgId, unsealed, sealed, timeZone)) };
}

async function withLists(input: DecisionInput, lists: ListsFor | undefined, sealed: SealedDecision): Promise<DecisionInput> {
  return lists ? { ...input, lists: await lists(sealed) } : input;
}

/** The lists a re-evaluated decision sees. */
export type ListsFor = (sealed: SealedDecision) => Promise<Readonly<Record<string, ReadonlySet<string>>>>;

/**
 * The lists `names` as each decision read them, as audit replay rebuilds them: a list whose
 * version the decision sealed at that version, so a list changed since does not change what the
 * preview says of past refunds; a list it did not read (no version was sealed) as it is now.
 * Undefined when no list is named.
 */
export async function listsAsDecided(
  store: Store, orgId: string, names: readonly string[], cache: ListCache = new ListCache(),
): Promise<ListsFor | undefined> {
  if (names.length === 0) return undefined;
  const now = (await cache.read(store, orgId, names)).input;
  return async (sealed) => (sealed.listVersions === null ? now : { ...now, ...(await cache.atVersions(store, orgId, sealed.listVersions)) });
}

/** The facts among `facts` that were not sealed with the decision; null (no allocation) when none. */
function unsealedFacts(facts: readonly FactIR[], sealed: SealedDecision): FactIR[] | null {
  let missing: FactIR[] | null = null;
  for (const fact of facts) if (!(fact.name in sealed.facts)) (missing ??= []).push(fact);
  return missing;
}

/**
 * Facts as of an intent's received time. The intent itself is in the table now, which it was not
 * when it was sealed, so its own contribution is taken back out. Statuses are today's (the table
 * keeps no status history): a refund denied since then no longer counts.
 */
async function factsAsOf(
  intents: IntentRepository, orgId: string, facts: readonly FactIR[], sealed: SealedDecision, timeZone: string,
): Promise<Facts> {
  const values = await computeFacts(intents, orgId, facts, sealed.input, sealed.receivedMs, timeZone, sealed.receivedMs);
  const intent = await intents.get(orgId, sealed.intentId);
  if (!intent || !COUNTED_STATUSES.includes(intent.status)) return values;
  for (const fact of facts) {
    const value = values[fact.name];
    if (typeof value !== 'number') continue;
    const counts = fact.kind === 'customer_refund_count' || (fact.kind === 'velocity' && fact.measure === 'count');
    values[fact.name] = counts ? value - 1 : value - intent.amount_cents;
  }
  return values;
}

/** How many changed refunds each transition of a candidate's impact lists. */
export const REFUNDS_PER_TRANSITION = 50;

export interface CandidateQuestion {
  readonly orgId: string;
  readonly sinceMs: number;
  readonly untilMs: number;
  /** The unpublished policy. */
  readonly candidate: LoadedPolicy;
  /** What it is compared with, re-evaluated on the same inputs; null: what was decided then. */
  readonly against: LoadedPolicy | null;
  /** The lists each decision is re-evaluated with, for policies that read lists (listsAsDecided). */
  readonly lists?: ListsFor;
}

/**
 * An unpublished policy over the window's sealed decisions, compared with another policy (or with
 * what was decided), newest decision first so each transition keeps its newest refunds.
 */
export async function candidateImpact(
  store: Store, question: CandidateQuestion, traffic: TrafficSource = directTraffic,
): Promise<CandidateImpact> {
  const { orgId, candidate, against } = question;
  const facts = [...candidate.ir.facts, ...(against?.ir.facts ?? []).filter((fact) => !candidate.ir.facts.some((f) => f.name === fact.name))];
  const ruleIndex = new Map(candidate.ir.rules.map((rule, index) => [rule.id, index]));
  const matched = new Array<number>(candidate.ir.rules.length).fill(0);
  const decided = new Array<number>(candidate.ir.rules.length).fill(0);
  const groups = new Map<string, { from: Outcome; to: Outcome; count: number; amounts: Amounts; refunds: ImpactRefund[] }>();
  let evaluated = 0;
  let changed = 0;
  const decisions = await traffic.window(store, orgId, question.sinceMs, question.untilMs);
  for (let i = decisions.length - 1; i >= 0; i -= 1) {
    const sealed = decisions[i]!;
    if (sealed.control) continue;
    const base = unsealedFacts(facts, sealed) === null ? sealed.input : await inputFor(store, orgId, facts, sealed, candidate.ir.timezone ?? 'UTC');
    const input = await withLists(base, question.lists, sealed);
    const before = against ? against.decide(input) : null;
    const after = candidate.decide(input);
    evaluated += 1;
    for (const rule of after.matched_rules) matched[ruleIndex.get(rule)!]! += 1;
    if (after.matched_rule !== null) decided[ruleIndex.get(after.matched_rule)!]! += 1;
    const from = before ? before.outcome : sealed.decided;
    if (from === after.outcome) continue;
    changed += 1;
    const key = `${from} ${after.outcome}`;
    let group = groups.get(key);
    if (!group) {
      group = { from, to: after.outcome, count: 0, amounts: {}, refunds: [] };
      groups.set(key, group);
    }
    group.count += 1;
    addAmount(group.amounts, sealed.currency, sealed.amountCents);
    if (group.refunds.length < REFUNDS_PER_TRANSITION) {
      group.refunds.push({
        intent_id: sealed.intentId, amount_cents: sealed.amountCents, currency: sealed.currency,
        received_at: new Date(sealed.receivedMs).toISOString(),
        before_rule: before ? before.matched_rule : sealed.decidedRule, after_rule: after.matched_rule,
      });
    }
  }
  const sorted = [...groups.values()].sort(byCount);
  const transitions = sorted.map((group) => ({
    from: group.from, to: group.to, count: group.count,
    amounts: Object.entries(sortedAmounts(group.amounts)).map(([currency, amount_cents]) => ({ currency, amount_cents })),
    text: `${group.from} → ${group.to}: ${group.count}, ${amountsText(group.amounts)}`,
    refunds: group.refunds,
  }));
  const rules = candidate.ir.rules.map((rule, index) => ({ name: rule.id, matched: matched[index]!, decided: decided[index]! }));
  const since = new Date(question.sinceMs).toISOString();
  const until = new Date(question.untilMs).toISOString();
  const summary = [
    `${plural(evaluated, 'refund')} decided between ${since} and ${until} evaluated ${against ? `against ${against.policyVersion}` : 'against what was decided then'}.`,
  ];
  if (changed === 0) summary.push(evaluated === 0 ? 'No recent traffic to compare.' : 'None of them would be decided differently.');
  else summary.push(...sorted.map((group) => sentence('promote', { ...group, text: '' })));
  return { evaluated, changed, transitions, rules, summary };
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
