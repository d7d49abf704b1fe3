// Seeded pseudo-random refund requests for the benchmark: the same seed gives the same inputs
// on every machine, so runs are comparable and the agreement check is reproducible.

import type { DecisionInput } from '@axiru/runtime';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function integer(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** Amounts around the acme thresholds ($50, $150, $500, $2,500), with exact boundary values. */
function amount(random: Random): number {
  const roll = random();
  if (roll < 0.05) return pick(random, [5000, 5001, 15000, 15001, 50000, 50001, 250000, 250001]);
  if (roll < 0.5) return integer(random, 100, 15_000);
  if (roll < 0.8) return integer(random, 15_000, 60_000);
  if (roll < 0.95) return integer(random, 60_000, 400_000);
  return integer(random, 400_000, 5_000_000);
}

const CURRENCIES = ['usd', 'usd', 'usd', 'usd', 'usd', 'usd', 'usd', 'usd', 'USD', 'eur', 'eur', 'jpy', 'gbp'];
const SOURCES = ['support_tool', 'support_tool', 'ai_agent', 'automation', 'stripe_direct'];
const REASONS = ['duplicate_charge', 'fraudulent', 'requested_by_customer', 'product_not_received'];

/** A realistic request; about one in ten lacks each optional field. */
export function randomInput(random: Random): DecisionInput {
  const amountCents = amount(random);
  const input: Record<string, unknown> = {
    amount_cents: amountCents,
    source: pick(random, SOURCES),
  };
  if (random() < 0.9) input['currency'] = pick(random, CURRENCIES);
  if (random() < 0.95) input['customer_tenure_days'] = random() < 0.8 ? integer(random, 0, 2000) : integer(random, 0, 2000) + 0.5;
  if (random() < 0.9) input['reason'] = pick(random, REASONS);
  if (random() < 0.9) input['customer_refunds_last_30_days'] = integer(random, 0, 6);
  if (random() < 0.9) {
    const roll = random();
    input['charge_amount_cents'] = roll < 0.05 ? amountCents - integer(random, 1, 100) : roll < 0.1 ? amountCents : amountCents + integer(random, 0, 100_000);
  }
  if (random() < 0.3) input['stripe_account'] = `acct_${integer(random, 1, 40)}`;
  return input;
}

export function randomInputs(count: number, seed: number): DecisionInput[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => randomInput(random));
}
