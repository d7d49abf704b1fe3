// The four numbers a CFO asks about, for one organisation over a time window, from what Axiru
// decided (intents), what was executed, and what Stripe says happened (stripe_refunds). Each is
// defined in server/README.md ("The organisation's numbers").

import type { GroupedAmount } from '../repositories/replayStripeTypes.js';
import type { Repositories } from '../repositories/types.js';

export interface CountAndAmounts {
  readonly count: number;
  /** Minor units per lower-case currency, keys sorted. */
  readonly amounts: Record<string, number>;
}

export interface OrgNumbers {
  readonly since: string;
  readonly until: string;
  readonly refunded: CountAndAmounts;
  readonly needed_approval: CountAndAmounts;
  readonly blocked: CountAndAmounts;
  readonly bypassed: CountAndAmounts;
  readonly over_amount: CountAndAmounts;
  readonly decisions: { readonly allow: number; readonly flag: number; readonly pending_approval: number; readonly block: number };
}

function total(groups: readonly GroupedAmount[], keys: readonly string[]): CountAndAmounts {
  let count = 0;
  const amounts = new Map<string, number>();
  for (const group of groups) {
    if (!keys.includes(group.key)) continue;
    count += group.count;
    amounts.set(group.currency, (amounts.get(group.currency) ?? 0) + group.amount);
  }
  const sorted: Record<string, number> = {};
  for (const currency of [...amounts.keys()].sort()) sorted[currency] = amounts.get(currency) as number;
  return { count, amounts: sorted };
}

/** The numbers for intents received, and Stripe refunds created, in [since, until). */
export async function orgNumbers(repos: Repositories, orgId: string, since: Date, until: Date): Promise<OrgNumbers> {
  const [sinceMs, untilMs] = [since.getTime(), until.getTime()];
  const decided = await repos.numbers.decisionsByOutcome(orgId, sinceMs, untilMs);
  const executed = await repos.numbers.executed(orgId, sinceMs, untilMs);
  const stripe = await repos.numbers.stripeRefunds(orgId, sinceMs, untilMs);
  const count = (outcome: string) => total(decided, [outcome]).count;
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    refunded: total([...executed, ...stripe], ['executed', 'bypass']),
    needed_approval: total(decided, ['pending_approval']),
    blocked: total(decided, ['block']),
    bypassed: total(stripe, ['bypass']),
    over_amount: total(stripe, ['over_amount']),
    decisions: { allow: count('allow'), flag: count('flag'), pending_approval: count('pending_approval'), block: count('block') },
  };
}
